// TimeZone against the system's zone files: DST transitions in both hemispheres, the POSIX
// footer rule past the last stored transition, and names that are refused.
#include "crossdock/core/time_zone.h"

#include <gtest/gtest.h>

#include "crossdock/core/time_format.h"

namespace crossdock {
namespace {

using std::chrono::seconds;

std::chrono::sys_seconds At(const char* iso) {
  auto t = ParseIso8601(iso);
  EXPECT_TRUE(t.ok()) << iso;
  return std::chrono::floor<seconds>(*t);
}

TEST(TimeZone, BerlinTransitionsToTheSecond) {
  auto z = TimeZone::Load("Europe/Berlin");
  ASSERT_TRUE(z.ok()) << z.error().ToString();
  EXPECT_EQ(z->OffsetAt(At("2024-03-31T00:59:59Z")), seconds(3600));
  EXPECT_EQ(z->OffsetAt(At("2024-03-31T01:00:00Z")), seconds(7200));
  EXPECT_EQ(z->OffsetAt(At("2024-10-27T00:59:59Z")), seconds(7200));
  EXPECT_EQ(z->OffsetAt(At("2024-10-27T01:00:00Z")), seconds(3600));
  // Before any DST existed: local mean time then CET.
  EXPECT_EQ(z->OffsetAt(At("1900-06-01T00:00:00Z")), seconds(3600));
}

TEST(TimeZone, FooterRuleAfterTheLastTransition) {
  auto berlin = TimeZone::Load("Europe/Berlin");
  ASSERT_TRUE(berlin.ok());
  EXPECT_EQ(berlin->OffsetAt(At("2061-01-15T12:00:00Z")), seconds(3600));
  EXPECT_EQ(berlin->OffsetAt(At("2061-07-15T12:00:00Z")), seconds(7200));
  // 2061: last Sunday of March is the 27th, of October the 30th.
  EXPECT_EQ(berlin->OffsetAt(At("2061-03-27T00:59:59Z")), seconds(3600));
  EXPECT_EQ(berlin->OffsetAt(At("2061-03-27T01:00:00Z")), seconds(7200));
  EXPECT_EQ(berlin->OffsetAt(At("2061-10-30T00:59:59Z")), seconds(7200));
  EXPECT_EQ(berlin->OffsetAt(At("2061-10-30T01:00:00Z")), seconds(3600));
  // Southern hemisphere: summer time spans the new year.
  auto sydney = TimeZone::Load("Australia/Sydney");
  ASSERT_TRUE(sydney.ok());
  EXPECT_EQ(sydney->OffsetAt(At("2061-01-15T00:00:00Z")), seconds(11 * 3600));
  EXPECT_EQ(sydney->OffsetAt(At("2061-07-15T00:00:00Z")), seconds(10 * 3600));
  EXPECT_EQ(sydney->OffsetAt(At("2024-01-15T00:00:00Z")), seconds(11 * 3600));
}

TEST(TimeZone, PosixRules) {
  auto r = ParsePosixTz("CET-1CEST,M3.5.0,M10.5.0/3");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->std_offset, 3600);
  EXPECT_EQ(*r->dst_offset, 7200);
  EXPECT_EQ(r->end_time, 3 * 3600);
  auto fixed = ParsePosixTz("<+0330>-3:30");
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(fixed->std_offset, 3 * 3600 + 1800);
  EXPECT_FALSE(fixed->dst_offset);
  EXPECT_FALSE(ParsePosixTz("EST5EDT,J60,J300").ok());  // Julian days: not supported
}

TEST(TimeZone, UtcAndRefusedNames) {
  auto utc = TimeZone::Load("UTC");
  ASSERT_TRUE(utc.ok());
  EXPECT_EQ(utc->OffsetAt(At("2024-07-01T00:00:00Z")), seconds(0));
  for (const char* bad : {"../../etc/passwd", "/etc/localtime", "Mars/Olympus_Mons", "", "A B"}) {
    auto z = TimeZone::Load(bad);
    ASSERT_FALSE(z.ok()) << bad;
    EXPECT_EQ(z.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(z.error().field(), "time_zone");
  }
  EXPECT_FALSE(TimeZone::FromTzif("x", "not a tzif file").ok());
}

}  // namespace
}  // namespace crossdock
