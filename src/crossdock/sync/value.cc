#include "crossdock/sync/value.h"

#include <array>
#include <utility>

namespace crossdock::sync {
namespace {

constexpr std::array<std::pair<ValueKind, const char*>, 9> kNames = {{
    {ValueKind::kString, "string"},
    {ValueKind::kInteger, "integer"},
    {ValueKind::kNumeric, "numeric"},
    {ValueKind::kFloat, "float"},
    {ValueKind::kBoolean, "boolean"},
    {ValueKind::kTimestamp, "timestamp"},
    {ValueKind::kDate, "date"},
    {ValueKind::kJson, "json"},
    {ValueKind::kBytes, "bytes"},
}};

}  // namespace

const char* ValueKindName(ValueKind kind) {
  for (const auto& [k, name] : kNames) {
    if (k == kind) return name;
  }
  return "string";
}

Result<ValueKind> ParseValueKind(std::string_view text) {
  for (const auto& [k, name] : kNames) {
    if (text == name) return k;
  }
  return Error(ErrorCode::kInvalidArgument,
               "unknown value kind \"" + std::string(text) +
                   "\"; use string, integer, numeric, float, boolean, timestamp, date, json or "
                   "bytes",
               "type");
}

int FindColumn(const Schema& schema, std::string_view name) {
  for (size_t i = 0; i < schema.size(); ++i) {
    if (schema[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace crossdock::sync
