#include "crossdock/server/json_body.h"

#include <fmt/format.h>

#include <algorithm>

namespace crossdock::server {
namespace {

Error TypeError(std::string_view field, std::string_view expected, const nlohmann::json& got) {
  return Error(ErrorCode::kInvalidArgument,
               fmt::format("{} must be {}, not {}", field, expected, got.type_name()),
               std::string(field));
}

const nlohmann::json* Member(const nlohmann::json& object, std::string_view key) {
  auto it = object.find(std::string(key));
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

Status CheckJsonNesting(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) {
        return Error(ErrorCode::kInvalidArgument,
                     fmt::format("the request body nests objects and arrays deeper than {} "
                                 "levels (at byte {}); send a flatter document",
                                 max_depth, i),
                     "body");
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return OkStatus();
}

Result<nlohmann::json> ParseJsonObject(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Error(ErrorCode::kInvalidArgument,
                 "the request body is empty; send a JSON object (Content-Type: application/json)",
                 "body");
  }
  // Checked before parsing: a deep document must cost neither stack nor memory here or in
  // anything that walks it later (serialization is recursive).
  RETURN_IF_ERROR(CheckJsonNesting(text, kMaxJsonDepth));
  try {
    nlohmann::json doc = nlohmann::json::parse(text);
    if (!doc.is_object()) {
      return Error(ErrorCode::kInvalidArgument,
                   fmt::format("the request body must be a JSON object, not {}", doc.type_name()),
                   "body");
    }
    return doc;
  } catch (const nlohmann::json::parse_error& e) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("the request body is not valid JSON (reading stopped at byte {}); "
                             "send a JSON object",
                             e.byte),
                 "body");
  } catch (const std::exception&) {
    return Error(ErrorCode::kInvalidArgument, "the request body is not valid JSON", "body");
  }
}

std::string FieldPath(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  return fmt::format("{}.{}", prefix, key);
}

Status RejectUnknownMembers(const nlohmann::json& object,
                            const std::vector<std::string_view>& allowed, std::string_view prefix) {
  for (const auto& item : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) {
      std::string known;
      for (auto a : allowed) known += (known.empty() ? "" : ", ") + std::string(a);
      return Error(ErrorCode::kInvalidArgument,
                   fmt::format("unknown member \"{}\"; known members here: {}",
                               FieldPath(prefix, item.key()), known),
                   FieldPath(prefix, item.key()));
    }
  }
  return OkStatus();
}

Result<std::optional<std::string>> OptionalString(const nlohmann::json& object,
                                                  std::string_view key, std::string_view prefix) {
  const nlohmann::json* v = Member(object, key);
  if (!v) return std::optional<std::string>();
  if (!v->is_string()) return TypeError(FieldPath(prefix, key), "a string", *v);
  return std::optional<std::string>(v->get<std::string>());
}

Result<std::optional<bool>> OptionalBool(const nlohmann::json& object, std::string_view key,
                                         std::string_view prefix) {
  const nlohmann::json* v = Member(object, key);
  if (!v) return std::optional<bool>();
  if (!v->is_boolean()) return TypeError(FieldPath(prefix, key), "true or false", *v);
  return std::optional<bool>(v->get<bool>());
}

Result<std::optional<long long>> OptionalInteger(const nlohmann::json& object, std::string_view key,
                                                 std::string_view prefix) {
  const nlohmann::json* v = Member(object, key);
  if (!v) return std::optional<long long>();
  if (!v->is_number_integer()) return TypeError(FieldPath(prefix, key), "an integer", *v);
  return std::optional<long long>(v->get<long long>());
}

Result<std::optional<nlohmann::json>> OptionalObject(const nlohmann::json& object,
                                                     std::string_view key,
                                                     std::string_view prefix) {
  const nlohmann::json* v = Member(object, key);
  if (!v) return std::optional<nlohmann::json>();
  if (!v->is_object()) return TypeError(FieldPath(prefix, key), "an object", *v);
  return std::optional<nlohmann::json>(*v);
}

Result<std::string> RequiredString(const nlohmann::json& object, std::string_view key,
                                   std::string_view prefix) {
  ASSIGN_OR_RETURN(auto value, OptionalString(object, key, prefix));
  if (!value || value->empty()) {
    return Error(ErrorCode::kInvalidArgument, fmt::format("{} is required", FieldPath(prefix, key)),
                 FieldPath(prefix, key));
  }
  return *value;
}

Result<std::string> PolicyText(const nlohmann::json& object, std::string_view key,
                               std::string_view prefix) {
  const nlohmann::json* v = Member(object, key);
  std::string field = FieldPath(prefix, key);
  if (!v) {
    return Error(
        ErrorCode::kInvalidArgument,
        fmt::format("{} is required: a policy document as a JSON object or as text", field), field);
  }
  std::string text;
  if (v->is_string()) {
    text = v->get<std::string>();
  } else if (v->is_object()) {
    text = v->dump(2);
  } else {
    return TypeError(field, "a policy document (a JSON object or a string of JSON text)", *v);
  }
  // IAM counts characters other than whitespace; the largest document it stores is a role's
  // inline policies together (10,240). Whitespace is bounded too, so indentation cannot
  // make a document arbitrarily large.
  size_t counted = 0;
  for (char c : text) counted += (c != ' ' && c != '\t' && c != '\n' && c != '\r');
  if (counted > kMaxPolicyChars || text.size() > 8 * kMaxPolicyChars) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("{} is {} characters without whitespace; IAM accepts at most {} "
                             "(a role's inline policies together; 6,144 for a managed policy, "
                             "2,048 for a trust policy by default)",
                             field, counted, kMaxPolicyChars),
                 field);
  }
  return text;
}

}  // namespace crossdock::server
