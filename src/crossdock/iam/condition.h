// Condition operators and policy variables: the value comparisons behind evaluate.h.
//
// Each operator family converts the policy's and the request's string values its own way
// (numbers, ISO 8601 dates or epoch seconds, booleans, base64, IPv4/IPv6 CIDRs, ARNs) and a
// value that does not convert simply does not match. The rules for missing keys, negated
// operators, ...IfExists and the ForAnyValue:/ForAllValues: set qualifiers follow the IAM
// JSON policy reference ("Condition operators" and "Multivalued context keys"). Exposed for
// evaluate.cc and its tests only; it does not decide whole statements.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crossdock/iam/evaluate.h"
#include "crossdock/iam/policy.h"

namespace crossdock::iam {

// Whether `condition` holds for `request`. Policy variables in the values are substituted
// when `variables` is set (Version 2012-10-17). Fills `trace` when not null.
bool ConditionHolds(const Condition& condition, const Request& request, bool variables,
                    ConditionTrace* trace);

// Replaces ${key}, ${key, 'default'}, ${*}, ${?} and ${$} in `text`. nullopt when a key is
// absent from the request and has no default (the value then matches nothing). With
// `for_pattern`, '*' and '?' that come from substitution are escaped (kGlobEscape) so that
// they match only themselves, as AWS treats ${*} and ${?}.
std::optional<std::string> SubstituteVariables(std::string_view text, const Request& request,
                                               bool for_pattern = false);

// Exposed for tests and the linter: value conversions used by the operator families.
// A number as Numeric* reads it: [+-]digits[.digits][e[+-]digits]; nullopt otherwise.
std::optional<double> ParseNumber(std::string_view text);
// Exact comparison of two numbers (-1, 0, 1), as Numeric* operators compare: decimal, not
// binary floating point, so 0.3 == 0.30 and 9007199254740993 > 9007199254740992. `ok` is
// set to false (and 0 returned) when either is not a number.
int CompareNumbers(std::string_view a, std::string_view b, bool* ok);
// Seconds since the epoch from epoch seconds ("1714564800", "1714564800.5") or a W3C ISO 8601
// form: "2024-05", "2024-05-01", "2024-05-01T12:00Z", "2024-05-01T12:00:00Z",
// "2024-05-01T12:00:00.5+02:00" (no zone means UTC). Date* operators compare exactly, to the
// nanosecond.
std::optional<double> ParseDate(std::string_view text);
// True when `ip` (v4 or v6) lies in `cidr` (an address with optional /bits).
bool IpInCidr(std::string_view cidr, std::string_view ip);

}  // namespace crossdock::iam
