// The webhook retry schedule: doubling from the first delay, capped, bounded attempts.
#include "crossdock/notify/backoff.h"

#include <gtest/gtest.h>

namespace crossdock::notify {
namespace {

using std::chrono::milliseconds;

TEST(WebhookBackoff, DefaultScheduleDoublesUpToTheCapThenStops) {
  RetryPolicy p;  // 30 s, doubling, 1 h cap, 8 attempts
  std::vector<long> seconds;
  for (int made = 1; made < 10; ++made) {
    auto d = NextDelay(p, made);
    if (!d) break;
    seconds.push_back(static_cast<long>(d->count() / 1000));
  }
  EXPECT_EQ(seconds, (std::vector<long>{30, 60, 120, 240, 480, 960, 1920}));
  EXPECT_FALSE(NextDelay(p, 8)) << "the 8th failed attempt is the last";
  EXPECT_FALSE(NextDelay(p, 0));
}

TEST(WebhookBackoff, CapAndSmallPolicies) {
  RetryPolicy p{
      .max_attempts = 20, .first_delay = milliseconds(1000), .max_delay = milliseconds(5000)};
  EXPECT_EQ(*NextDelay(p, 1), milliseconds(1000));
  EXPECT_EQ(*NextDelay(p, 3), milliseconds(4000));
  EXPECT_EQ(*NextDelay(p, 4), milliseconds(5000));
  EXPECT_EQ(*NextDelay(p, 19), milliseconds(5000));
  EXPECT_FALSE(NextDelay(p, 20));
  RetryPolicy once;
  once.max_attempts = 1;
  EXPECT_FALSE(NextDelay(once, 1)) << "one attempt: no retry";
  RetryPolicy three;
  three.max_attempts = 3;
  three.first_delay = milliseconds(0);
  EXPECT_EQ(*NextDelay(three, 1), milliseconds(0));
  EXPECT_EQ(*NextDelay(three, 2), milliseconds(0));
  EXPECT_FALSE(NextDelay(three, 3));
}

}  // namespace
}  // namespace crossdock::notify
