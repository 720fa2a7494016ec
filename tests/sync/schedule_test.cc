// Schedules: cron parsing (ranges, lists, steps, names, errors naming the field), next times
// in UTC and across Berlin's DST jumps (a skipped time fires once at the jump, a repeated
// hour fires once), intervals coalescing missed periods, and the JSON form's validation.
#include "crossdock/sync/schedule.h"

#include <gtest/gtest.h>

#include "crossdock/core/time_format.h"

namespace crossdock::sync {
namespace {

TimePoint T(const char* iso) {
  auto t = ParseIso8601(iso);
  EXPECT_TRUE(t.ok()) << iso;
  return *t;
}

std::string Next(const char* cron, const char* zone, const char* after) {
  auto c = CronExpression::Parse(cron);
  EXPECT_TRUE(c.ok()) << cron << ": " << c.error().ToString();
  auto z = TimeZone::Load(zone);
  EXPECT_TRUE(z.ok());
  auto n = CronNextAfter(*c, *z, T(after));
  EXPECT_TRUE(n.ok()) << n.error().ToString();
  return FormatIso8601(*n);
}

TEST(Cron, FieldsRangesListsStepsAndNames) {
  auto c = CronExpression::Parse("*/15 9-17/4 1,15 JAN-MAR,dec mon-fri");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->minutes.count(), 4u);
  EXPECT_TRUE(c->minutes[0] && c->minutes[15] && c->minutes[30] && c->minutes[45]);
  EXPECT_TRUE(c->hours[9] && c->hours[13] && c->hours[17]);
  EXPECT_EQ(c->hours.count(), 3u);
  EXPECT_TRUE(c->days_of_month[1] && c->days_of_month[15]);
  EXPECT_EQ(c->months.count(), 4u);
  EXPECT_TRUE(c->months[12]);
  EXPECT_EQ(c->days_of_week.count(), 5u);
  EXPECT_FALSE(c->days_of_week[0]);
  auto sunday = CronExpression::Parse("0 0 * * 7");
  ASSERT_TRUE(sunday.ok());
  EXPECT_TRUE(sunday->days_of_week[0]);
  auto from = CronExpression::Parse("5/20 * * * *");  // 5, 25, 45
  ASSERT_TRUE(from.ok());
  EXPECT_EQ(from->minutes.count(), 3u);
  EXPECT_TRUE(from->minutes[45]);
  EXPECT_TRUE(CronExpression::Parse("@daily").ok());
}

TEST(Cron, ErrorsNameTheField) {
  struct Case {
    const char* text;
    const char* mentions;
  };
  for (const Case& c :
       {Case{"60 * * * *", "minute"}, Case{"* 24 * * *", "hour"}, Case{"* * 0 * *", "day-of-month"},
        Case{"* * * FOO *", "month"}, Case{"* * * * 8", "day-of-week"}, Case{"* * * *", "five"},
        Case{"5-1 * * * *", "backwards"}, Case{"*/0 * * * *", "step"},
        Case{"1,,2 * * * *", "empty"}}) {
    auto r = CronExpression::Parse(c.text, "schedule.cron");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().field(), "schedule.cron");
    EXPECT_NE(r.error().message().find(c.mentions), std::string::npos)
        << c.text << ": " << r.error().message();
  }
}

TEST(Cron, NextInUtc) {
  EXPECT_EQ(Next("*/15 * * * *", "UTC", "2024-01-01T00:07:00Z"), "2024-01-01T00:15:00Z");
  EXPECT_EQ(Next("*/15 * * * *", "UTC", "2024-01-01T00:15:00Z"), "2024-01-01T00:30:00Z");
  EXPECT_EQ(Next("0 0 * * *", "UTC", "2024-12-31T23:59:59Z"), "2025-01-01T00:00:00Z");
  // Both day fields restricted: either matches (Friday the 6th comes before the 13th).
  EXPECT_EQ(Next("0 0 13 * FRI", "UTC", "2024-09-01T00:00:00Z"), "2024-09-06T00:00:00Z");
  // Only the month day restricted: the 31st of the next month that has one.
  EXPECT_EQ(Next("0 0 31 * *", "UTC", "2024-02-01T00:00:00Z"), "2024-03-31T00:00:00Z");
  EXPECT_EQ(Next("0 12 29 2 *", "UTC", "2024-03-01T00:00:00Z"), "2028-02-29T12:00:00Z");
  auto never = CronExpression::Parse("0 0 30 2 *");
  ASSERT_TRUE(never.ok());
  EXPECT_FALSE(CronNextAfter(*never, TimeZone::Utc(), T("2024-01-01T00:00:00Z")).ok());
}

TEST(Cron, WallClockInAZone) {
  // 09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC in summer.
  EXPECT_EQ(Next("0 9 * * *", "Europe/Berlin", "2024-01-10T12:00:00Z"), "2024-01-11T08:00:00Z");
  EXPECT_EQ(Next("0 9 * * *", "Europe/Berlin", "2024-07-10T12:00:00Z"), "2024-07-11T07:00:00Z");
}

TEST(Cron, SpringForwardSkippedTimeFiresOnceAtTheJump) {
  // 2024-03-31 in Berlin: 02:00 CET jumps to 03:00 CEST (01:00 UTC); 02:30 does not exist.
  EXPECT_EQ(Next("30 2 * * *", "Europe/Berlin", "2024-03-30T12:00:00Z"), "2024-03-31T01:00:00Z");
  EXPECT_EQ(Next("30 2 * * *", "Europe/Berlin", "2024-03-31T01:00:00Z"), "2024-04-01T00:30:00Z");
  // Every half hour: 01:30 CET, then 02:00 and 02:30 (skipped) and 03:00 fire once at 01:00
  // UTC, then 03:30 CEST.
  EXPECT_EQ(Next("*/30 * * * *", "Europe/Berlin", "2024-03-31T00:00:00Z"), "2024-03-31T00:30:00Z");
  EXPECT_EQ(Next("*/30 * * * *", "Europe/Berlin", "2024-03-31T00:30:00Z"), "2024-03-31T01:00:00Z");
  EXPECT_EQ(Next("*/30 * * * *", "Europe/Berlin", "2024-03-31T01:00:00Z"), "2024-03-31T01:30:00Z");
}

TEST(Cron, FallBackRepeatedHourFiresOnce) {
  // 2024-10-27 in Berlin: 03:00 CEST falls back to 02:00 CET (01:00 UTC); 02:30 happens at
  // 00:30 and 01:30 UTC and fires only the first time.
  EXPECT_EQ(Next("30 2 * * *", "Europe/Berlin", "2024-10-26T12:00:00Z"), "2024-10-27T00:30:00Z");
  EXPECT_EQ(Next("30 2 * * *", "Europe/Berlin", "2024-10-27T00:30:00Z"), "2024-10-28T01:30:00Z");
  EXPECT_EQ(Next("30 2 * * *", "Europe/Berlin", "2024-10-27T01:10:00Z"), "2024-10-28T01:30:00Z");
  // Hourly: 02:00 CEST (00:00 UTC), then the next wall-clock hour 03:00 CET (02:00 UTC).
  EXPECT_EQ(Next("0 * * * *", "Europe/Berlin", "2024-10-26T23:30:00Z"), "2024-10-27T00:00:00Z");
  EXPECT_EQ(Next("0 * * * *", "Europe/Berlin", "2024-10-27T00:00:00Z"), "2024-10-27T02:00:00Z");
}

TEST(Cron, NextIsStrictlyIncreasingThroughAYearOfBerlin) {
  auto c = CronExpression::Parse("*/20 * * * *");
  auto z = TimeZone::Load("Europe/Berlin");
  ASSERT_TRUE(c.ok() && z.ok());
  TimePoint t = T("2024-01-01T00:00:00Z");
  size_t fires = 0;
  while (t < T("2025-01-01T00:00:00Z")) {
    auto n = CronNextAfter(*c, *z, t);
    ASSERT_TRUE(n.ok());
    ASSERT_GT(*n, t);
    // At most 20 minutes apart, or 80 around the repeated hour (02:40 CEST to 03:00 CET).
    ASSERT_LE(*n - t, std::chrono::minutes(80)) << FormatIso8601(t);
    t = *n;
    ++fires;
  }
  // 366 days of 72 wall-clock times each firing once, except that in spring the skipped
  // 02:00, 02:20 and 02:40 and the 03:00 after them fire once together.
  EXPECT_EQ(fires, 366u * 72 - 3);
}

TEST(Schedule, EveryCoalescesMissedPeriods) {
  auto s = ScheduleFromJson({{"every", "5m"}});
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  TimePoint anchor = T("2024-01-01T00:00:00Z");
  EXPECT_EQ(FormatIso8601(*s->NextAfter(anchor, anchor)), "2024-01-01T00:05:00Z");
  EXPECT_EQ(FormatIso8601(*s->NextAfter(T("2024-01-01T00:05:00Z"), anchor)),
            "2024-01-01T00:10:00Z");
  // Down for 12 minutes: one next time, not the two missed ones.
  EXPECT_EQ(FormatIso8601(*s->NextAfter(T("2024-01-01T00:17:00Z"), anchor)),
            "2024-01-01T00:20:00Z");
  EXPECT_EQ(ScheduleToJson(*s), (nlohmann::json{{"every", "5m"}}));
  auto hours = ScheduleFromJson({{"every", "120m"}});
  ASSERT_TRUE(hours.ok());
  EXPECT_EQ(ScheduleToJson(*hours)["every"], "2h");
}

TEST(Schedule, JsonValidationNamesTheMember) {
  struct Case {
    nlohmann::json j;
    const char* field;
  };
  for (const Case& c : {
           Case{{{"every", "30s"}}, "schedule.every"},
           Case{{{"every", "5x"}}, "schedule.every"},
           Case{{{"every", "0m"}}, "schedule.every"},
           Case{{{"every", 5}}, "schedule.every"},
           Case{{{"cron", "* * *"}}, "schedule.cron"},
           Case{{{"cron", "* * * * *"}, {"time_zone", "Mars/Olympus_Mons"}}, "schedule.time_zone"},
           Case{{{"every", "5m"}, {"time_zone", "UTC"}}, "schedule.time_zone"},
           Case{{{"every", "5m"}, {"cron", "* * * * *"}}, "schedule"},
           Case{nlohmann::json::object(), "schedule"},
           Case{{{"every", "5m"}, {"at", "noon"}}, "schedule.at"},
           Case{"5m", "schedule"},
       }) {
    auto s = ScheduleFromJson(c.j);
    ASSERT_FALSE(s.ok()) << c.j.dump();
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.error().field(), c.field) << c.j.dump() << ": " << s.error().message();
  }
  auto ok = ScheduleFromJson({{"cron", "0 9 * * MON"}, {"time_zone", "Europe/Berlin"}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ScheduleToJson(*ok),
            (nlohmann::json{{"cron", "0 9 * * MON"}, {"time_zone", "Europe/Berlin"}}));
}

}  // namespace
}  // namespace crossdock::sync
