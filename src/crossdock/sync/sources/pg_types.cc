#include "crossdock/sync/sources/pg_types.h"

namespace crossdock::sync {

Result<PgMapping> MapPgType(const std::string& column, const PgTypeInfo& type) {
  using K = ValueKind;
  using C = PgConversion;
  switch (type.oid) {
    case 20:  // int8
    case 21:  // int2
    case 23:  // int4
    case 26:  // oid
      return PgMapping{K::kInteger, C::kAsIs};
    case 1700:
      return PgMapping{K::kNumeric, C::kAsIs};
    case 700:
    case 701:
      return PgMapping{K::kFloat, C::kAsIs};
    case 16:
      return PgMapping{K::kBoolean, C::kBoolean};
    case 1184:
      return PgMapping{K::kTimestamp, C::kTimestampTz};
    case 1114:
      return PgMapping{K::kTimestamp, C::kTimestamp};
    case 1082:
      return PgMapping{K::kDate, C::kAsIs};
    case 114:
    case 3802:
      return PgMapping{K::kJson, C::kAsIs};
    case 17:
      return PgMapping{K::kBytes, C::kBytea};
    case 25:    // text
    case 1043:  // varchar
    case 1042:  // bpchar
    case 19:    // name
    case 18:    // "char"
    case 2950:  // uuid
    case 1083:  // time
    case 1266:  // timetz
    case 1186:  // interval
    case 869:   // inet
    case 650:   // cidr
    case 829:   // macaddr
    case 774:   // macaddr8
    case 790:   // money
    case 142:   // xml
    case 1560:  // bit
    case 1562:  // varbit
      return PgMapping{K::kString, C::kAsIs};
    default:
      break;
  }
  if (type.typtype == 'e' || type.typcategory == 'A') return PgMapping{K::kString, C::kAsIs};
  return Error(ErrorCode::kInvalidArgument,
               "column \"" + column + "\" has type " + type.name +
                   ", which crossdock cannot map to a file value; sync a query that casts it "
                   "(for example SELECT ..., \"" +
                   column + "\"::text AS \"" + column + "\" FROM ...) or leave the column out",
               "source.table");
}

}  // namespace crossdock::sync
