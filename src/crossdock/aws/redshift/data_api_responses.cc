#include "crossdock/aws/redshift/data_api_responses.h"

#include <fmt/format.h>

#include <cmath>

#include "crossdock/aws/json_protocol.h"

namespace crossdock::aws::redshift {

std::string_view StatementStatusName(StatementStatus status) {
  switch (status) {
    case StatementStatus::kSubmitted:
      return "SUBMITTED";
    case StatementStatus::kPicked:
      return "PICKED";
    case StatementStatus::kStarted:
      return "STARTED";
    case StatementStatus::kFinished:
      return "FINISHED";
    case StatementStatus::kFailed:
      return "FAILED";
    case StatementStatus::kAborted:
      return "ABORTED";
    case StatementStatus::kAll:
      return "ALL";
  }
  return "?";
}

std::optional<StatementStatus> ParseStatementStatus(std::string_view name) {
  for (auto s : {StatementStatus::kSubmitted, StatementStatus::kPicked, StatementStatus::kStarted,
                 StatementStatus::kFinished, StatementStatus::kFailed, StatementStatus::kAborted,
                 StatementStatus::kAll}) {
    if (StatementStatusName(s) == name) return s;
  }
  return std::nullopt;
}

bool IsTerminal(StatementStatus status) {
  return status == StatementStatus::kFinished || status == StatementStatus::kFailed ||
         status == StatementStatus::kAborted;
}

std::string Field::ToText() const {
  switch (kind) {
    case Kind::kNull:
      return "";
    case Kind::kBool:
      return bool_value ? "true" : "false";
    case Kind::kLong:
      return std::to_string(long_value);
    case Kind::kDouble:
      return fmt::format("{}", double_value);
    case Kind::kString:
    case Kind::kBlob:
      return string_value;
  }
  return "";
}

namespace {

constexpr std::string_view kDescribe = "DescribeStatement";

Result<TimePoint> TimeMember(const nlohmann::json& obj, const char* name, std::string_view what) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return TimePoint{};
  if (!it->is_number()) {
    return Error(ErrorCode::kInternal, fmt::format("{}: {} is not a timestamp", what, name));
  }
  return EpochSecondsToTime(it->get<double>());
}

Result<StatementDescription> ParseDescription(const nlohmann::json& j) {
  StatementDescription d;
  ASSIGN_OR_RETURN(d.id, StringMember(j, "Id", kDescribe));
  ASSIGN_OR_RETURN(std::string status, StringMember(j, "Status", kDescribe));
  auto parsed = ParseStatementStatus(status);
  if (!parsed) {
    return Error(ErrorCode::kInternal,
                 fmt::format("DescribeStatement {}: unknown status '{}'", d.id, status));
  }
  d.status = *parsed;
  ASSIGN_OR_RETURN(d.error, StringMember(j, "Error", kDescribe));
  ASSIGN_OR_RETURN(d.has_result_set, BoolMember(j, "HasResultSet", kDescribe));
  ASSIGN_OR_RETURN(d.result_rows, IntMember(j, "ResultRows", kDescribe, -1));
  ASSIGN_OR_RETURN(d.result_size, IntMember(j, "ResultSize", kDescribe, -1));
  ASSIGN_OR_RETURN(d.duration_ns, IntMember(j, "Duration", kDescribe, -1));
  ASSIGN_OR_RETURN(d.redshift_query_id, IntMember(j, "RedshiftQueryId", kDescribe));
  ASSIGN_OR_RETURN(d.redshift_pid, IntMember(j, "RedshiftPid", kDescribe));
  ASSIGN_OR_RETURN(d.query_string, StringMember(j, "QueryString", kDescribe));
  ASSIGN_OR_RETURN(d.db_user, StringMember(j, "DbUser", kDescribe));
  ASSIGN_OR_RETURN(d.database, StringMember(j, "Database", kDescribe));
  ASSIGN_OR_RETURN(d.workgroup_name, StringMember(j, "WorkgroupName", kDescribe));
  ASSIGN_OR_RETURN(d.created_at, TimeMember(j, "CreatedAt", kDescribe));
  ASSIGN_OR_RETURN(d.updated_at, TimeMember(j, "UpdatedAt", kDescribe));
  if (auto it = j.find("SubStatements"); it != j.end() && it->is_array()) {
    for (const auto& sub : *it) {
      if (!sub.is_object()) continue;
      ASSIGN_OR_RETURN(auto s, ParseDescription(sub));
      d.sub_statements.push_back(std::move(s));
    }
  }
  return d;
}

Result<ColumnMetadata> ParseColumn(const nlohmann::json& c, std::string_view what) {
  ColumnMetadata m;
  if (!c.is_object())
    return Error(ErrorCode::kInternal, fmt::format("{}: a column is not an object", what));
  ASSIGN_OR_RETURN(m.name, StringMember(c, "name", what));
  ASSIGN_OR_RETURN(m.label, StringMember(c, "label", what));
  ASSIGN_OR_RETURN(m.type_name, StringMember(c, "typeName", what));
  ASSIGN_OR_RETURN(m.schema_name, StringMember(c, "schemaName", what));
  ASSIGN_OR_RETURN(m.table_name, StringMember(c, "tableName", what));
  ASSIGN_OR_RETURN(m.column_default, StringMember(c, "columnDefault", what));
  ASSIGN_OR_RETURN(int64_t nullable, IntMember(c, "nullable", what, 1));
  ASSIGN_OR_RETURN(int64_t precision, IntMember(c, "precision", what));
  ASSIGN_OR_RETURN(int64_t scale, IntMember(c, "scale", what));
  ASSIGN_OR_RETURN(int64_t length, IntMember(c, "length", what));
  m.nullable = static_cast<int>(nullable);
  m.precision = static_cast<int>(precision);
  m.scale = static_cast<int>(scale);
  m.length = static_cast<int>(length);
  ASSIGN_OR_RETURN(m.is_signed, BoolMember(c, "isSigned", what));
  ASSIGN_OR_RETURN(m.is_case_sensitive, BoolMember(c, "isCaseSensitive", what));
  ASSIGN_OR_RETURN(m.is_currency, BoolMember(c, "isCurrency", what));
  return m;
}

// A Field union: exactly one member is set; {"isNull": true} is NULL.
Result<Field> ParseField(const nlohmann::json& f) {
  constexpr std::string_view kWhat = "GetStatementResult";
  Field out;
  if (!f.is_object() || f.size() != 1) {
    return Error(ErrorCode::kInternal,
                 "GetStatementResult: a record field is not a one-member union");
  }
  auto member = f.begin();
  const std::string& key = member.key();
  const nlohmann::json& v = member.value();
  if (key == "isNull") {
    out.kind = Field::Kind::kNull;
  } else if (key == "booleanValue" && v.is_boolean()) {
    out.kind = Field::Kind::kBool;
    out.bool_value = v.get<bool>();
  } else if (key == "longValue" && v.is_number_integer()) {
    out.kind = Field::Kind::kLong;
    out.long_value = v.get<int64_t>();
  } else if (key == "doubleValue" && v.is_number()) {
    out.kind = Field::Kind::kDouble;
    out.double_value = v.get<double>();
  } else if (key == "stringValue" && v.is_string()) {
    out.kind = Field::Kind::kString;
    out.string_value = v.get<std::string>();
  } else if (key == "blobValue" && v.is_string()) {
    out.kind = Field::Kind::kBlob;
    ASSIGN_OR_RETURN(out.string_value, DecodeBase64(v.get<std::string>()));
  } else {
    return Error(ErrorCode::kInternal,
                 fmt::format("{}: unknown record field member '{}'", kWhat, key));
  }
  return out;
}

template <typename T, typename F>
Result<Page<T>> ParseList(std::string_view body, const char* member, std::string_view what,
                          F&& item) {
  ASSIGN_OR_RETURN(auto j, ParseJsonObject(body, what));
  Page<T> page;
  ASSIGN_OR_RETURN(page.next_token, StringMember(j, "NextToken", what));
  if (auto it = j.find(member); it != j.end() && !it->is_null()) {
    if (!it->is_array()) {
      return Error(ErrorCode::kInternal, fmt::format("{}: {} is not a list", what, member));
    }
    for (const auto& e : *it) {
      ASSIGN_OR_RETURN(T v, item(e));
      page.items.push_back(std::move(v));
    }
  }
  return page;
}

Result<std::string> StringItem(const nlohmann::json& e) {
  if (!e.is_string()) return Error(ErrorCode::kInternal, "a listed name is not a string");
  return e.get<std::string>();
}

}  // namespace

Result<SubmittedStatement> ParseExecuteStatementResponse(std::string_view body) {
  constexpr std::string_view kWhat = "ExecuteStatement";
  ASSIGN_OR_RETURN(auto j, ParseJsonObject(body, kWhat));
  SubmittedStatement s;
  ASSIGN_OR_RETURN(s.id, StringMember(j, "Id", kWhat));
  if (s.id.empty()) return Error(ErrorCode::kInternal, "ExecuteStatement: the answer has no Id");
  ASSIGN_OR_RETURN(s.created_at, TimeMember(j, "CreatedAt", kWhat));
  return s;
}

Result<StatementDescription> ParseDescribeStatementResponse(std::string_view body) {
  ASSIGN_OR_RETURN(auto j, ParseJsonObject(body, kDescribe));
  return ParseDescription(j);
}

Result<StatementResultPage> ParseGetStatementResultResponse(std::string_view body) {
  constexpr std::string_view kWhat = "GetStatementResult";
  ASSIGN_OR_RETURN(auto j, ParseJsonObject(body, kWhat));
  StatementResultPage page;
  ASSIGN_OR_RETURN(page.next_token, StringMember(j, "NextToken", kWhat));
  ASSIGN_OR_RETURN(page.total_num_rows, IntMember(j, "TotalNumRows", kWhat));
  if (auto it = j.find("ColumnMetadata"); it != j.end() && it->is_array()) {
    for (const auto& c : *it) {
      ASSIGN_OR_RETURN(auto m, ParseColumn(c, kWhat));
      page.columns.push_back(std::move(m));
    }
  }
  auto records = j.find("Records");
  if (records == j.end() || !records->is_array()) {
    return Error(ErrorCode::kInternal, "GetStatementResult: the answer has no Records list");
  }
  page.records.reserve(records->size());
  for (const auto& r : *records) {
    if (!r.is_array())
      return Error(ErrorCode::kInternal, "GetStatementResult: a record is not a list");
    Row row;
    row.reserve(r.size());
    for (const auto& f : r) {
      ASSIGN_OR_RETURN(Field field, ParseField(f));
      row.push_back(std::move(field));
    }
    page.records.push_back(std::move(row));
  }
  return page;
}

Result<bool> ParseCancelStatementResponse(std::string_view body) {
  ASSIGN_OR_RETURN(auto j, ParseJsonObject(body, "CancelStatement"));
  return BoolMember(j, "Status", "CancelStatement");
}

Result<Page<std::string>> ParseListDatabasesResponse(std::string_view body) {
  return ParseList<std::string>(body, "Databases", "ListDatabases", StringItem);
}

Result<Page<std::string>> ParseListSchemasResponse(std::string_view body) {
  return ParseList<std::string>(body, "Schemas", "ListSchemas", StringItem);
}

Result<Page<TableMember>> ParseListTablesResponse(std::string_view body) {
  return ParseList<TableMember>(
      body, "Tables", "ListTables", [](const nlohmann::json& e) -> Result<TableMember> {
        if (!e.is_object()) {
          return Error(ErrorCode::kInternal, "ListTables: a table is not an object");
        }
        TableMember t;
        ASSIGN_OR_RETURN(t.name, StringMember(e, "name", "ListTables"));
        ASSIGN_OR_RETURN(t.schema, StringMember(e, "schema", "ListTables"));
        ASSIGN_OR_RETURN(t.type, StringMember(e, "type", "ListTables"));
        return t;
      });
}

Result<Page<ColumnMetadata>> ParseDescribeTableResponse(std::string_view body) {
  return ParseList<ColumnMetadata>(
      body, "ColumnList", "DescribeTable",
      [](const nlohmann::json& e) { return ParseColumn(e, "DescribeTable"); });
}

}  // namespace crossdock::aws::redshift
