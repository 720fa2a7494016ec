// TimeZone: UTC offsets of a named zone of the system time zone database, read from its TZif
// file (RFC 8536: the 64-bit section's transitions, and for instants after the last one the
// footer's POSIX TZ rule with "Mm.w.d" dates). g++ 12's libstdc++ has no std::chrono time
// zones, hence this small reader. It answers "what is the offset at this UTC instant" and
// nothing else: no abbreviations, no leap seconds, no "Jn"/"n" footer dates (such a footer
// falls back to the offset after the last transition). Immutable and thread-safe once loaded.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/core/result.h"

namespace crossdock {

// A POSIX TZ rule's daylight-saving part: "M3.5.0/2" style dates (month, week 1-5 where 5
// is the last, weekday 0 = Sunday) and local times of day in seconds.
struct PosixTzRule {
  int32_t std_offset = 0;  // seconds east of UTC (the negation of the TZ string's)
  std::optional<int32_t> dst_offset;
  int start_month = 0, start_week = 0, start_weekday = 0;
  int32_t start_time = 7200;
  int end_month = 0, end_week = 0, end_weekday = 0;
  int32_t end_time = 7200;
};

// Parses "CET-1CEST,M3.5.0,M10.5.0/3"; kInvalidArgument for forms it does not support.
Result<PosixTzRule> ParsePosixTz(std::string_view tz);

class TimeZone {
 public:
  // The zone `name` ("Europe/Berlin", "UTC") from `dir`. kInvalidArgument naming "time_zone"
  // when the name is malformed or the zone does not exist.
  static Result<TimeZone> Load(std::string_view name,
                               const std::string& dir = "/usr/share/zoneinfo");
  // Parses the bytes of a TZif file (versions 2 and later).
  static Result<TimeZone> FromTzif(std::string_view name, std::string_view bytes);
  static TimeZone Utc();

  const std::string& name() const { return name_; }
  // Seconds east of UTC in effect at `t`.
  std::chrono::seconds OffsetAt(std::chrono::sys_seconds t) const;

 private:
  std::string name_;
  std::vector<int64_t> transitions_;  // UTC seconds, ascending
  std::vector<int32_t> offsets_;      // offset from transitions_[i] on
  int32_t initial_offset_ = 0;        // before the first transition
  std::optional<PosixTzRule> footer_;
};

}  // namespace crossdock
