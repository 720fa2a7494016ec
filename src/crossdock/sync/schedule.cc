#include "crossdock/sync/schedule.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <vector>

namespace crossdock::sync {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

Error Bad(const std::string& field, const std::string& msg) {
  return Error(ErrorCode::kInvalidArgument, field + ": " + msg, field);
}

struct FieldSpec {
  const char* name;
  int lo, hi;
  const char* const* names;  // index 0 is value `names_base`
  int names_base;
  int names_count;
};

constexpr const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

Result<int> Value(std::string_view text, const FieldSpec& f, const std::string& field) {
  if (f.names && text.size() == 3) {
    for (int i = 0; i < f.names_count; ++i) {
      bool eq = true;
      for (int k = 0; k < 3; ++k) eq = eq && (text[k] & ~0x20) == f.names[i][k];
      if (eq) return f.names_base + i;
    }
  }
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < f.lo || v > f.hi) {
    return Bad(field, fmt::format("the {} field has \"{}\"; use a number from {} to {}{}", f.name,
                                  text, f.lo, f.hi, f.names ? " or a name" : ""));
  }
  return v;
}

// Sets the bits of one cron field; `bits` is indexed by value.
template <size_t N>
Status ParseField(std::string_view text, const FieldSpec& f, const std::string& field,
                  std::bitset<N>& bits) {
  if (text.empty()) return Bad(field, fmt::format("the {} field is empty", f.name));
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view part = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    start = comma == std::string_view::npos ? text.size() + 1 : comma + 1;
    if (part.empty()) return Bad(field, fmt::format("the {} field has an empty list item", f.name));
    int step = 1;
    size_t slash = part.find('/');
    std::string_view range = part.substr(0, slash);
    if (slash != std::string_view::npos) {
      std::string_view st = part.substr(slash + 1);
      auto [end, ec] = std::from_chars(st.data(), st.data() + st.size(), step);
      if (ec != std::errc() || end != st.data() + st.size() || step < 1 || step > f.hi) {
        return Bad(field, fmt::format("the {} field has step \"{}\"; use a number from 1 to {}",
                                      f.name, st, f.hi));
      }
    }
    int lo = f.lo, hi = f.hi;
    if (range != "*") {
      size_t dash = range.find('-');
      ASSIGN_OR_RETURN(lo, Value(range.substr(0, dash), f, field));
      if (dash != std::string_view::npos) {
        ASSIGN_OR_RETURN(hi, Value(range.substr(dash + 1), f, field));
        if (hi < lo) {
          return Bad(field, fmt::format("the {} field has range \"{}\" that runs backwards", f.name,
                                        range));
        }
      } else if (slash == std::string_view::npos) {
        hi = lo;
      }
    }
    for (int v = lo; v <= hi; v += step) bits.set(static_cast<size_t>(v % static_cast<int>(N)));
  }
  return OkStatus();
}

std::string_view Macro(std::string_view text) {
  if (text == "@hourly") return "0 * * * *";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  return text;
}

// The first UTC instant whose wall-clock time in `zone` is `wall`; the moment of the jump
// when `wall` falls in a gap (see the header).
sys_seconds Resolve(const TimeZone& zone, sys_seconds wall) {
  seconds before = zone.OffsetAt(wall - days(1));
  seconds after = zone.OffsetAt(wall + days(1));
  seconds hi_off = std::max(before, after), lo_off = std::min(before, after);
  for (seconds o : {hi_off, lo_off}) {
    sys_seconds u = wall - o;
    if (zone.OffsetAt(u) == o) return u;
  }
  // A gap: the first instant in (wall - hi_off, wall - lo_off] whose offset is no longer the
  // one before the jump.
  int64_t lo = (wall - hi_off).time_since_epoch().count();
  int64_t hi = (wall - lo_off).time_since_epoch().count();
  seconds off_lo = zone.OffsetAt(sys_seconds(seconds(lo)));
  while (hi - lo > 1) {
    int64_t mid = lo + (hi - lo) / 2;
    if (zone.OffsetAt(sys_seconds(seconds(mid))) == off_lo) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return sys_seconds(seconds(hi));
}

std::string EveryText(seconds s) {
  int64_t n = s.count();
  if (n % 86400 == 0) return std::to_string(n / 86400) + "d";
  if (n % 3600 == 0) return std::to_string(n / 3600) + "h";
  if (n % 60 == 0) return std::to_string(n / 60) + "m";
  return std::to_string(n) + "s";
}

}  // namespace

Result<CronExpression> CronExpression::Parse(std::string_view text, const std::string& field) {
  text = Macro(text);
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\t') ++j;
    if (j > i) parts.push_back(text.substr(i, j - i));
    i = j;
  }
  if (parts.size() != 5) {
    return Bad(field, fmt::format("has {} fields; a cron expression has five: minute hour "
                                  "day-of-month month day-of-week (e.g. \"*/15 * * * *\")",
                                  parts.size()));
  }
  static const std::array<FieldSpec, 5> kFields = {{
      {"minute", 0, 59, nullptr, 0, 0},
      {"hour", 0, 23, nullptr, 0, 0},
      {"day-of-month", 1, 31, nullptr, 0, 0},
      {"month", 1, 12, kMonthNames, 1, 12},
      {"day-of-week", 0, 7, kDayNames, 0, 7},
  }};
  CronExpression c;
  RETURN_IF_ERROR(ParseField(parts[0], kFields[0], field, c.minutes));
  RETURN_IF_ERROR(ParseField(parts[1], kFields[1], field, c.hours));
  RETURN_IF_ERROR(ParseField(parts[2], kFields[2], field, c.days_of_month));
  RETURN_IF_ERROR(ParseField(parts[3], kFields[3], field, c.months));
  std::bitset<8> dow;
  RETURN_IF_ERROR(ParseField(parts[4], kFields[4], field, dow));
  for (size_t d = 0; d < 7; ++d) c.days_of_week[d] = dow[d] || (d == 0 && dow[7]);
  c.dom_restricted = parts[2][0] != '*';
  c.dow_restricted = parts[4][0] != '*';
  return c;
}

bool CronExpression::MatchesDay(const std::chrono::year_month_day& ymd) const {
  if (!months[static_cast<unsigned>(ymd.month())]) return false;
  bool dom = days_of_month[static_cast<unsigned>(ymd.day())];
  bool dow = days_of_week[std::chrono::weekday(sys_days(ymd)).c_encoding()];
  if (dom_restricted && dow_restricted) return dom || dow;
  return dom && dow;
}

Result<TimePoint> CronNextAfter(const CronExpression& cron, const TimeZone& zone, TimePoint after) {
  sys_seconds t = std::chrono::floor<seconds>(after);
  // Start a few hours before the wall clock of `after`: offsets change by less than that, and
  // Resolve() is non-decreasing in the wall-clock time, so the first result after `after` is
  // the answer.
  sys_seconds start = std::chrono::floor<minutes>(t + zone.OffsetAt(t)) - hours(3);
  sys_days day = std::chrono::floor<days>(start);
  for (int n = 0; n < 366 * 10; ++n, day += days(1)) {
    if (!cron.MatchesDay(std::chrono::year_month_day(day))) continue;
    for (int h = 0; h < 24; ++h) {
      if (!cron.hours[h]) continue;
      for (int m = 0; m < 60; ++m) {
        if (!cron.minutes[m]) continue;
        sys_seconds wall = sys_seconds(day) + hours(h) + minutes(m);
        if (wall < start) continue;
        sys_seconds u = Resolve(zone, wall);
        if (u > after) return TimePoint(u);
      }
    }
  }
  return Bad("cron", "never matches a date in the next ten years; check the day and month");
}

Result<TimePoint> Schedule::NextAfter(TimePoint after, TimePoint anchor) const {
  if (every) {
    if (after < anchor) return anchor + *every;
    auto elapsed = std::chrono::duration_cast<seconds>(after - anchor);
    int64_t periods = elapsed.count() / every->count() + 1;
    return anchor + *every * periods;
  }
  if (!cron || !zone) return Bad("schedule", "has neither \"every\" nor \"cron\"");
  return CronNextAfter(*cron, *zone, after);
}

Result<Schedule> ScheduleFromJson(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object()) {
    return Bad(path,
               "must be an object: {\"every\": \"5m\"} or {\"cron\": \"*/15 * * * *\", "
               "\"time_zone\": \"Europe/Berlin\"}");
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() != "every" && it.key() != "cron" && it.key() != "time_zone") {
      return Bad(path + "." + it.key(),
                 "unknown field; a schedule has \"every\" or \"cron\" "
                 "and \"time_zone\"");
    }
    if (!it.value().is_string()) return Bad(path + "." + it.key(), "must be a string");
  }
  bool has_every = j.contains("every"), has_cron = j.contains("cron");
  if (has_every == has_cron) {
    return Bad(path, "give exactly one of \"every\" (\"5m\") and \"cron\" (\"*/15 * * * *\")");
  }
  Schedule s;
  if (has_every) {
    if (j.contains("time_zone")) {
      return Bad(path + ".time_zone", "applies to \"cron\" only; an interval needs no zone");
    }
    std::string text = j["every"].get<std::string>();
    int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    size_t used = static_cast<size_t>(end - text.data());
    int64_t unit = 0;
    if (ec == std::errc() && used + 1 == text.size()) {
      switch (text.back()) {
        case 's':
          unit = 1;
          break;
        case 'm':
          unit = 60;
          break;
        case 'h':
          unit = 3600;
          break;
        case 'd':
          unit = 86400;
          break;
        default:
          break;
      }
    }
    if (unit == 0 || n <= 0 || n > 366 * 86400 / unit) {
      return Bad(path + ".every", "\"" + text +
                                      "\" is not an interval; use a whole number "
                                      "and a unit s, m, h or d (\"90s\", \"5m\", \"1h\", \"1d\")");
    }
    if (n * unit < 60) return Bad(path + ".every", "must be at least 1m");
    s.every = seconds(n * unit);
    return s;
  }
  s.cron_text = j["cron"].get<std::string>();
  ASSIGN_OR_RETURN(s.cron, CronExpression::Parse(s.cron_text, path + ".cron"));
  if (j.contains("time_zone")) s.time_zone = j["time_zone"].get<std::string>();
  auto zone = TimeZone::Load(s.time_zone);
  if (!zone.ok()) {
    return Error(ErrorCode::kInvalidArgument, path + "." + zone.error().message(),
                 path + ".time_zone");
  }
  s.zone = std::move(*zone);
  RETURN_IF_ERROR(CronNextAfter(*s.cron, *s.zone, TimePoint{}));  // matches some date at all
  return s;
}

nlohmann::json ScheduleToJson(const Schedule& s) {
  if (s.every) return {{"every", EveryText(*s.every)}};
  return {{"cron", s.cron_text}, {"time_zone", s.time_zone}};
}

}  // namespace crossdock::sync
