#include "crossdock/databricks/statement_json.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <regex>

namespace crossdock::databricks {

std::string_view StatementStateName(StatementState state) {
  switch (state) {
    case StatementState::kPending:
      return "PENDING";
    case StatementState::kRunning:
      return "RUNNING";
    case StatementState::kSucceeded:
      return "SUCCEEDED";
    case StatementState::kFailed:
      return "FAILED";
    case StatementState::kCanceled:
      return "CANCELED";
    case StatementState::kClosed:
      return "CLOSED";
  }
  return "?";
}

std::optional<StatementState> ParseStatementState(std::string_view name) {
  for (auto s : {StatementState::kPending, StatementState::kRunning, StatementState::kSucceeded,
                 StatementState::kFailed, StatementState::kCanceled, StatementState::kClosed}) {
    if (StatementStateName(s) == name) return s;
  }
  return std::nullopt;
}

bool IsTerminal(StatementState state) {
  return state != StatementState::kPending && state != StatementState::kRunning;
}

namespace {

using Json = nlohmann::json;

Error Bad(std::string_view what) {
  return Error(ErrorCode::kInternal,
               fmt::format("Databricks answered with an unexpected shape: {}", what));
}

Result<Json> ParseObject(std::string_view body, std::string_view what) {
  auto j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Bad(fmt::format("{} is not a JSON object: {:.200}", what, body));
  }
  return j;
}

std::string Str(const Json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t Int(const Json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) {  // 64-bit integers may come as strings in Databricks' JSON
    try {
      return std::stoll(it->get<std::string>());
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

Result<ResultChunk> ChunkFromJson(const Json& j) {
  ResultChunk c;
  c.chunk_index = Int(j, "chunk_index");
  c.row_offset = Int(j, "row_offset");
  c.row_count = Int(j, "row_count");
  if (auto it = j.find("next_chunk_index"); it != j.end() && !it->is_null()) {
    c.next_chunk_index = Int(j, "next_chunk_index");
  }
  if (auto it = j.find("data_array"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return Bad("data_array is not a list");
    c.rows.reserve(it->size());
    for (const auto& r : *it) {
      if (!r.is_array()) return Bad("a data_array row is not a list");
      Row row;
      row.reserve(r.size());
      for (const auto& v : r) {
        if (v.is_null()) {
          row.emplace_back(std::nullopt);
        } else if (v.is_string()) {
          row.emplace_back(v.get<std::string>());
        } else {
          row.emplace_back(v.dump());  // tolerate non-string scalars
        }
      }
      c.rows.push_back(std::move(row));
    }
  }
  return c;
}

}  // namespace

Status ValidateStatementRequest(const StatementRequest& r, std::string_view warehouse_id) {
  if (r.statement.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Error(ErrorCode::kInvalidArgument, "the SQL statement is empty", "statement");
  }
  if (warehouse_id.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "no SQL warehouse id: copy it from the warehouse's Connection details",
                 "warehouse_id");
  }
  static const std::regex kWait("(\\d+)s");
  std::smatch m;
  if (!std::regex_match(r.wait_timeout, m, kWait) ||
      (std::stoi(m[1]) != 0 && (std::stoi(m[1]) < 5 || std::stoi(m[1]) > 50))) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("wait_timeout '{}' must be \"0s\" or between \"5s\" and \"50s\"",
                             r.wait_timeout),
                 "wait_timeout");
  }
  static const std::regex kName("[A-Za-z_][A-Za-z0-9_]*");
  for (const auto& p : r.parameters) {
    if (!std::regex_match(p.name, kName)) {
      return Error(
          ErrorCode::kInvalidArgument,
          fmt::format("parameter name '{}' is not valid: use letters, digits and '_'", p.name),
          "parameters");
    }
  }
  return OkStatus();
}

std::string BuildExecuteStatementBody(const StatementRequest& r, std::string_view warehouse_id) {
  Json body = {
      {"statement", r.statement},
      {"warehouse_id", std::string(warehouse_id)},
      {"wait_timeout", r.wait_timeout},
      {"on_wait_timeout", r.on_wait_timeout == OnWaitTimeout::kCancel ? "CANCEL" : "CONTINUE"},
      {"disposition", "INLINE"},
      {"format", "JSON_ARRAY"}};
  if (!r.catalog.empty()) body["catalog"] = r.catalog;
  if (!r.schema.empty()) body["schema"] = r.schema;
  if (r.row_limit > 0) body["row_limit"] = r.row_limit;
  if (!r.parameters.empty()) {
    auto& list = body["parameters"] = Json::array();
    for (const auto& p : r.parameters) {
      Json jp = {{"name", p.name}};
      if (p.value) jp["value"] = *p.value;
      if (!p.type.empty()) jp["type"] = p.type;
      list.push_back(std::move(jp));
    }
  }
  return body.dump();
}

Result<StatementResponse> ParseStatementResponse(std::string_view body) {
  ASSIGN_OR_RETURN(Json j, ParseObject(body, "the statement"));
  StatementResponse r;
  r.statement_id = Str(j, "statement_id");
  if (r.statement_id.empty()) return Bad("no statement_id");
  auto status = j.find("status");
  if (status == j.end() || !status->is_object()) return Bad("no status object");
  std::string state = Str(*status, "state");
  auto parsed = ParseStatementState(state);
  if (!parsed) return Bad(fmt::format("unknown statement state '{}'", state));
  r.state = *parsed;
  r.sql_state = Str(*status, "sql_state");
  if (auto e = status->find("error"); e != status->end() && e->is_object()) {
    r.error_code = Str(*e, "error_code");
    r.error_message = Str(*e, "message");
  }
  if (auto m = j.find("manifest"); m != j.end() && m->is_object()) {
    ResultManifest man;
    man.total_chunk_count = Int(*m, "total_chunk_count");
    man.total_row_count = Int(*m, "total_row_count");
    man.truncated = m->value("truncated", false);
    if (auto s = m->find("schema"); s != m->end() && s->is_object()) {
      if (auto cols = s->find("columns"); cols != s->end() && cols->is_array()) {
        for (const auto& c : *cols) {
          if (!c.is_object()) return Bad("a manifest column is not an object");
          man.columns.push_back(ColumnInfo{Str(c, "name"), Str(c, "type_name"), Str(c, "type_text"),
                                           static_cast<int>(Int(c, "position"))});
        }
      }
    }
    if (auto ch = m->find("chunks"); ch != m->end() && ch->is_array()) {
      for (const auto& c : *ch) {
        man.chunks.push_back(
            ChunkInfo{Int(c, "chunk_index"), Int(c, "row_offset"), Int(c, "row_count")});
      }
    }
    r.manifest = std::move(man);
  }
  if (auto res = j.find("result"); res != j.end() && res->is_object()) {
    ASSIGN_OR_RETURN(r.result, ChunkFromJson(*res));
  }
  return r;
}

Result<ResultChunk> ParseResultChunk(std::string_view body) {
  ASSIGN_OR_RETURN(Json j, ParseObject(body, "the result chunk"));
  return ChunkFromJson(j);
}

Error ApiError(int status, std::string_view body, std::string_view operation) {
  std::string code, message;
  auto j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) {
    code = Str(j, "error_code");
    message = Str(j, "message");
  }
  if (message.empty()) message = fmt::format("HTTP {}", status);
  ErrorCode type = ErrorCode::kInternal;
  std::string fix;
  if (status == 401) {
    type = ErrorCode::kUnauthenticated;
    fix = "the Databricks access token is missing, invalid or expired: create a new one";
  } else if (status == 403) {
    type = ErrorCode::kAccessDenied;
    fix = "the token's principal needs CAN USE on the SQL warehouse";
  } else if (status == 404) {
    type = ErrorCode::kNotFound;
  } else if (status == 409) {
    type = ErrorCode::kAlreadyExists;
  } else if (status == 429 || code == "REQUEST_LIMIT_EXCEEDED") {
    type = ErrorCode::kThrottled;
  } else if (status >= 500 || code == "TEMPORARILY_UNAVAILABLE") {
    type = ErrorCode::kUnavailable;
  } else if (status == 400) {
    type = ErrorCode::kInvalidArgument;
  }
  std::string text = fmt::format("Databricks {}: {}{}", operation, message,
                                 code.empty() ? "" : fmt::format(" [{}]", code));
  if (!fix.empty()) text += " (" + fix + ")";
  return Error(type, std::move(text)).WithAws(code, status, "");
}

Error StatementFailure(const StatementResponse& r) {
  if (r.state == StatementState::kCanceled) {
    return Error(ErrorCode::kCancelled,
                 fmt::format("Databricks statement {} was canceled", r.statement_id));
  }
  if (r.state == StatementState::kClosed) {
    return Error(ErrorCode::kFailedPrecondition,
                 fmt::format("Databricks statement {} is closed: its result is no longer "
                             "available; run it again",
                             r.statement_id));
  }
  const std::string& m = r.error_message;
  ErrorCode type = ErrorCode::kFailedPrecondition;
  std::string fix;
  if (r.error_code == "PERMISSION_DENIED" || m.find("PERMISSION_DENIED") != std::string::npos) {
    type = ErrorCode::kAccessDenied;
    if (m.find("non self-assuming") != std::string::npos) {
      fix = "add the role's own ARN to its trust policy and allow sts:AssumeRole on itself";
    } else if (m.find("storage credential") != std::string::npos) {
      fix =
          "the trust policy must allow the Unity Catalog principal with the storage "
          "credential's External ID";
    }
  } else if (r.error_code == "NOT_FOUND" || m.find("NOT_FOUND") != std::string::npos ||
             m.find("does not exist") != std::string::npos) {
    type = ErrorCode::kNotFound;
  } else if (m.find("PARSE_SYNTAX_ERROR") != std::string::npos ||
             m.find("syntax error") != std::string::npos) {
    type = ErrorCode::kInvalidArgument;
  }
  std::string text = fmt::format("Databricks statement {} failed: {}{}", r.statement_id,
                                 m.empty() ? "no error message" : m,
                                 r.error_code.empty() ? "" : " [" + r.error_code + "]");
  if (!fix.empty()) text += " (" + fix + ")";
  return Error(type, std::move(text));
}

}  // namespace crossdock::databricks
