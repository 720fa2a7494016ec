// The sync engine's view of tabular data: columns with a logical kind, and how each kind is
// written. Sources map their native types to these kinds (sources/pg_types.h for
// PostgreSQL); formats render a cell by its kind (formats/). Values travel as text in one
// canonical form per kind, so that no value is ever converted through a binary type that
// could lose precision:
//   kString    any text (also arrays, intervals, uuids, enums: PostgreSQL's text form)
//   kInteger   decimal digits with an optional '-'
//   kNumeric   PostgreSQL's exact decimal text ("12345.6789", "NaN")
//   kFloat     shortest round-trip decimal text ("1.5", "NaN", "Infinity", "-Infinity")
//   kBoolean   "true" or "false"
//   kTimestamp ISO 8601: "2024-05-01T12:30:00.123456Z" for instants (timestamptz, in UTC),
//              "2024-05-01T12:30:00" for timestamps without a zone
//   kDate      "2024-05-01"
//   kJson      a JSON document (json, jsonb), written as JSON in JSON Lines
//   kBytes     standard base64 with padding (bytea)
// NULL is a flag on the cell, distinct from the empty string. This header does no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crossdock/core/result.h"

namespace crossdock::sync {

enum class ValueKind {
  kString,
  kInteger,
  kNumeric,
  kFloat,
  kBoolean,
  kTimestamp,
  kDate,
  kJson,
  kBytes,
};

// "string", "integer", ... and back (kInvalidArgument naming the text).
const char* ValueKindName(ValueKind kind);
Result<ValueKind> ParseValueKind(std::string_view text);

struct Column {
  std::string name;
  ValueKind kind = ValueKind::kString;
  std::string source_type;  // the source's own type name ("timestamptz", "numeric(12,2)")
};

using Schema = std::vector<Column>;

// Index of the column named `name`, or -1.
int FindColumn(const Schema& schema, std::string_view name);

}  // namespace crossdock::sync
