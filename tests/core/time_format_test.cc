#include "crossdock/core/time_format.h"

#include <gtest/gtest.h>

#include "crossdock/core/hex.h"

namespace crossdock {
namespace {

TEST(TimeFormat, FormatsTheSigV4ExampleDate) {
  // The date used throughout AWS's SigV4 test suite: 2015-08-30T12:36:00Z.
  TimePoint t = std::chrono::system_clock::from_time_t(1440938160);
  EXPECT_EQ(FormatAmzDate(t), "20150830T123600Z");
  EXPECT_EQ(FormatDateStamp(t), "20150830");
  EXPECT_EQ(FormatIso8601(t), "2015-08-30T12:36:00Z");
  EXPECT_EQ(FormatRfc1123(t), "Sun, 30 Aug 2015 12:36:00 GMT");
}

TEST(TimeFormat, RoundTripsEveryFormat) {
  TimePoint t = std::chrono::system_clock::from_time_t(1700000000);
  EXPECT_EQ(*ParseAmzDate(FormatAmzDate(t)), t);
  EXPECT_EQ(*ParseIso8601(FormatIso8601(t)), t);
  EXPECT_EQ(*ParseRfc1123(FormatRfc1123(t)), t);
}

TEST(TimeFormat, ParsesFractionalSecondsAndOffsets) {
  // Ceph RGW sends nanoseconds in STS Expiration.
  auto t = ParseIso8601("2024-05-01T10:11:44.694947423Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatIso8601(*t), "2024-05-01T10:11:44Z");
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::nanoseconds>(t->time_since_epoch()).count() %
                1000000000,
            694947423);
  auto offset = ParseIso8601("2024-05-01T12:11:44+02:00");
  ASSERT_TRUE(offset.ok());
  EXPECT_EQ(FormatIso8601(*offset), "2024-05-01T10:11:44Z");
}

TEST(TimeFormat, RejectsMalformedInput) {
  EXPECT_FALSE(ParseAmzDate("20150830T1236Z").ok());
  EXPECT_FALSE(ParseAmzDate("2015083XT123600Z").ok());
  EXPECT_FALSE(ParseIso8601("2024-05-01 10:11:44Z").ok());
  EXPECT_FALSE(ParseIso8601("2024-13-01T10:11:44Z").ok());
  EXPECT_FALSE(ParseIso8601("2024-05-01T10:11:44").ok());
  EXPECT_FALSE(ParseIso8601("2024-05-01T10:11:44.Z").ok());
  EXPECT_EQ(ParseIso8601("x").error().code(), ErrorCode::kInvalidArgument);
}

// A time point counts nanoseconds in 64 bits (to April 2262): later dates are refused, not
// overflowed (found by the STS response fuzzer: an Expiration in year 4038).
TEST(TimeFormat, RefusesDatesBeyondWhatATimePointHolds) {
  EXPECT_TRUE(ParseIso8601("2261-12-31T23:59:59Z").ok());
  EXPECT_FALSE(ParseIso8601("4038-11-09T13:34:41Z").ok());
  EXPECT_FALSE(ParseIso8601("2262-05-01T00:00:00Z").ok());
  EXPECT_FALSE(ParseAmzDate("99991231T000000Z").ok());
  EXPECT_FALSE(ParseRfc1123("Fri, 31 Dec 9999 23:59:59 GMT").ok());
}

TEST(Hex, EncodesAndDecodesStrictly) {
  EXPECT_EQ(HexEncode(std::string("\x00\xff\x10", 3)), "00ff10");
  EXPECT_EQ(*HexDecode("00FF10"), std::string("\x00\xff\x10", 3));
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
}

TEST(ResultTest, CarriesValuesErrorsAndRetryability) {
  Result<int> ok = 5;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 5);
  Result<int> bad = Error(ErrorCode::kThrottled, "slow down");
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(bad.error().retryable());
  EXPECT_FALSE(Error(ErrorCode::kAccessDenied, "no").retryable());
  Error aws = Error(ErrorCode::kAccessDenied, "GetObject s3://b/k denied")
                  .WithAws("AccessDenied", 403, "REQ1");
  EXPECT_EQ(
      aws.ToString(),
      "access_denied: GetObject s3://b/k denied (AWS AccessDenied, HTTP 403, request id REQ1)");
}

Result<int> Twice(Result<int> in) {
  ASSIGN_OR_RETURN(int v, std::move(in));
  return v * 2;
}

TEST(ResultTest, MacrosPropagate) {
  EXPECT_EQ(*Twice(21), 42);
  EXPECT_EQ(Twice(Error(ErrorCode::kNotFound, "x")).error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace crossdock
