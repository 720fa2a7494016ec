// Schedule: when a sync runs by itself. Either a fixed interval ({"every": "5m"}: s, m, h or
// d, at least one minute) counted from the time the schedule was set, or a five-field cron
// expression in a time zone ({"cron": "*/15 * * * *", "time_zone": "Europe/Berlin"}; the
// zone defaults to UTC). Cron fields: minute, hour, day of month, month (1-12 or JAN-DEC),
// day of week (0-7 or SUN-SAT, 0 and 7 are Sunday), each "*", a value, a range "a-b", a step
// "*/n", "a-b/n" or "a/n", or a comma list of these; as in classic cron, when both day fields
// are restricted a day matching either one matches. "@hourly", "@daily", "@weekly",
// "@monthly" and "@yearly" are accepted too.
//
// Daylight saving: cron times are wall-clock times of the zone. A wall-clock time skipped by
// a jump forward fires once, at the jump; a wall-clock hour repeated by a jump back fires
// only on its first pass. So a schedule never fires twice for one wall-clock time, and
// NextAfter() is strictly increasing. This module only computes times; jobs/schedules.h
// stores them and enqueues runs.
#pragma once

#include <bitset>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"
#include "crossdock/core/time_zone.h"

namespace crossdock::sync {

// A parsed five-field cron expression.
struct CronExpression {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;  // 1..31
  std::bitset<13> months;         // 1..12
  std::bitset<7> days_of_week;    // 0 = Sunday
  bool dom_restricted = false;
  bool dow_restricted = false;

  // kInvalidArgument naming `field` and the cron field at fault.
  static Result<CronExpression> Parse(std::string_view text, const std::string& field = "cron");
  // Whether the civil date (y, m, d) is a matching day.
  bool MatchesDay(const std::chrono::year_month_day& ymd) const;
};

// The first UTC instant after `after` (strictly) at which `cron` fires in `zone`, per the
// rules above; kInvalidArgument when nothing matches within ten years ("0 0 31 2 *").
Result<TimePoint> CronNextAfter(const CronExpression& cron, const TimeZone& zone, TimePoint after);

struct Schedule {
  std::optional<std::chrono::seconds> every;  // interval form
  std::string cron_text;                      // cron form
  std::string time_zone = "UTC";              // cron form
  std::optional<CronExpression> cron;
  std::optional<TimeZone> zone;

  // The first time after `after` the schedule fires. For "every", the next multiple of the
  // interval after `anchor` (when the schedule was set) that lies after `after`, so missed
  // periods coalesce into the one next time.
  Result<TimePoint> NextAfter(TimePoint after, TimePoint anchor) const;
};

// {"every": "5m"} or {"cron": "...", "time_zone": "..."}; errors name `path`.member.
Result<Schedule> ScheduleFromJson(const nlohmann::json& j, const std::string& path = "schedule");
nlohmann::json ScheduleToJson(const Schedule& s);

}  // namespace crossdock::sync
