// Time formats used on the wire by AWS: ISO 8601 basic (20150830T123600Z, SigV4 x-amz-date),
// the date stamp (20150830, credential scope), ISO 8601 extended (2015-08-30T12:36:00Z, STS
// Expiration and credential_process) and RFC 1123 (HTTP Date header).
//
// Parsing is tolerant the way AWS clients must be: extended timestamps may carry fractional
// seconds of any length (Ceph RGW sends nanoseconds) and a 'Z' or numeric offset. All times
// are UTC; no time zone database is consulted.
#pragma once

#include <string>
#include <string_view>

#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"

namespace crossdock {

std::string FormatAmzDate(TimePoint t);        // 20150830T123600Z
std::string FormatDateStamp(TimePoint t);      // 20150830
std::string FormatIso8601(TimePoint t);        // 2015-08-30T12:36:00Z
std::string FormatIso8601Millis(TimePoint t);  // 2015-08-30T12:36:00.120Z (truncated to ms)
std::string FormatRfc1123(TimePoint t);        // Sun, 30 Aug 2015 12:36:00 GMT

Result<TimePoint> ParseAmzDate(std::string_view s);  // 20150830T123600Z
Result<TimePoint> ParseIso8601(std::string_view s);  // extended, fractional seconds allowed
Result<TimePoint> ParseRfc1123(std::string_view s);  // HTTP Date header

}  // namespace crossdock
