// How PostgreSQL column types map to the sync engine's value kinds (value.h).
//
// Mapped: smallint, integer, bigint, oid -> integer; numeric -> numeric (exact digits);
// real, double precision -> float; boolean; timestamptz -> timestamp in UTC with 'Z';
// timestamp -> timestamp without zone; date; json and jsonb -> json; bytea -> base64;
// text, varchar, char, name, uuid, time, timetz, interval, inet, cidr, macaddr, money, xml,
// bit strings, enums and every array type -> string (PostgreSQL's text form, arrays as
// "{1,2,3}"). Domains map as their base type. Anything else (composite, range, geometric
// and extension types) is refused by name: cast it in a query instead.
#pragma once

#include <cstdint>
#include <string>

#include "crossdock/core/result.h"
#include "crossdock/sync/sources/copy_text.h"
#include "crossdock/sync/value.h"

namespace crossdock::sync {

// What pg_type says about a type (after resolving domains to their base type).
struct PgTypeInfo {
  uint32_t oid = 0;
  std::string name;        // format_type(oid, NULL), e.g. "timestamp with time zone"
  char typtype = 'b';      // b base, c composite, d domain, e enum, p pseudo, r range
  char typcategory = 'U';  // A array, ...
};

struct PgMapping {
  ValueKind kind;
  PgConversion conversion;
};

// The mapping of one column, or kInvalidArgument naming the column, its type and the fix.
Result<PgMapping> MapPgType(const std::string& column, const PgTypeInfo& type);

}  // namespace crossdock::sync
