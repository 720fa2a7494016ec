// Reading request bodies: strict JSON objects and typed members whose errors name the field.
//
// Every function returns kInvalidArgument with `field` set to the member's dotted path
// ("databricks.token", "policies[1].document") so the route can answer 400 with the field
// the caller got wrong; a malformed document names "body" and the byte where reading
// stopped. Unknown members are rejected (a misspelt optional field would otherwise be
// silently ignored). nlohmann exceptions are caught here and never escape. It does not judge
// values (connect/ and iam/ validate); it only checks shapes and types.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/core/result.h"

namespace crossdock::server {

// Deepest nesting of objects and arrays a request body may have (IAM documents need ~6).
inline constexpr int kMaxJsonDepth = 64;
// Largest policy document, in characters other than whitespace (IAM's largest: a role's
// inline policies together).
inline constexpr size_t kMaxPolicyChars = 10240;

// kInvalidArgument ("body") when objects and arrays in `text` nest deeper than `max_depth`.
// One pass, no recursion and no allocation; strings are skipped. Not a validator: malformed
// JSON is left to the parser.
Status CheckJsonNesting(std::string_view text, int max_depth = kMaxJsonDepth);

// Parses `text` as one JSON object, at most kMaxJsonDepth deep. Empty text is an error
// ("body": "send a JSON object").
Result<nlohmann::json> ParseJsonObject(std::string_view text);

// "prefix.key" or "key" when prefix is empty.
std::string FieldPath(std::string_view prefix, std::string_view key);

// Members of `object` not in `allowed` are an error naming the first one.
Status RejectUnknownMembers(const nlohmann::json& object,
                            const std::vector<std::string_view>& allowed,
                            std::string_view prefix = {});

// Absent or null -> nullopt; present with another type -> error naming the field.
Result<std::optional<std::string>> OptionalString(const nlohmann::json& object,
                                                  std::string_view key,
                                                  std::string_view prefix = {});
Result<std::optional<bool>> OptionalBool(const nlohmann::json& object, std::string_view key,
                                         std::string_view prefix = {});
Result<std::optional<long long>> OptionalInteger(const nlohmann::json& object, std::string_view key,
                                                 std::string_view prefix = {});
// An object member; absent or null -> nullopt.
Result<std::optional<nlohmann::json>> OptionalObject(const nlohmann::json& object,
                                                     std::string_view key,
                                                     std::string_view prefix = {});
// Present, non-empty string; errors say "is required".
Result<std::string> RequiredString(const nlohmann::json& object, std::string_view key,
                                   std::string_view prefix = {});

// A policy document given either as JSON text (a string: kept verbatim so findings point at
// the caller's lines) or as a JSON object (serialized with 2-space indentation); at most
// kMaxPolicyChars characters other than whitespace.
Result<std::string> PolicyText(const nlohmann::json& object, std::string_view key,
                               std::string_view prefix = {});

}  // namespace crossdock::server
