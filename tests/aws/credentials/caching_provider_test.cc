// The credential cache: refresh ahead of expiry on an injected clock, single-flight under 100
// threads, backoff after failures, Invalidate, and a long run across many expiries.
#include "crossdock/aws/credentials/caching_provider.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "crossdock/core/metrics.h"
#include "crossdock/core/time_format.h"

namespace crossdock::aws {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

// A provider that mints numbered credentials valid for `lifetime` from the clock's now, or
// fails while `fail` is set. Counts calls and Invalidate()s.
class CountingProvider final : public CredentialsProvider {
 public:
  CountingProvider(Clock& clock, std::chrono::seconds lifetime,
                   std::chrono::milliseconds delay = std::chrono::milliseconds(0))
      : clock_(clock), lifetime_(lifetime), delay_(delay) {}

  Result<AwsCredentials> GetCredentials() override {
    int n = ++calls;
    if (delay_.count() > 0) std::this_thread::sleep_for(delay_);  // real time: let callers pile up
    if (fail.load()) return Error(ErrorCode::kUnavailable, "STS is down");
    AwsCredentials c;
    c.access_key_id = "ASIA" + std::to_string(n);
    c.secret_access_key = "secret";
    c.session_token = "token";
    if (lifetime_.count() != 0) c.expiration = clock_.Now() + lifetime_;
    return c;
  }
  void Invalidate() override { ++invalidations; }
  std::string Describe() const override { return "counting"; }

  std::atomic<int> calls{0};
  std::atomic<int> invalidations{0};
  std::atomic<bool> fail{false};

 private:
  Clock& clock_;
  std::chrono::seconds lifetime_;
  std::chrono::milliseconds delay_;
};

TimePoint T0() { return *ParseIso8601("2030-01-01T00:00:00Z"); }

TEST(CachingProvider, ServesFromCacheUntilFiveMinutesBeforeExpiry) {
  ManualClock clock(T0());
  auto inner = std::make_shared<CountingProvider>(clock, minutes(60));
  CachingCredentialsProvider cache(inner, clock);
  ASSERT_EQ(cache.GetCredentials()->access_key_id, "ASIA1");
  clock.Advance(minutes(54) + seconds(59));
  EXPECT_EQ(cache.GetCredentials()->access_key_id, "ASIA1");
  EXPECT_EQ(inner->calls.load(), 1);
  clock.Advance(seconds(1));  // exactly 5 minutes before expiry
  EXPECT_EQ(cache.GetCredentials()->access_key_id, "ASIA2");
  EXPECT_EQ(inner->calls.load(), 2);
  EXPECT_EQ(cache.fetches(), 2u);
}

TEST(CachingProvider, RefreshAheadIsConfigurable) {
  ManualClock clock(T0());
  auto inner = std::make_shared<CountingProvider>(clock, minutes(60));
  CachingOptions options;
  options.refresh_ahead = minutes(15);
  CachingCredentialsProvider cache(inner, clock, options);
  ASSERT_TRUE(cache.GetCredentials().ok());
  clock.Advance(minutes(44));
  EXPECT_EQ(cache.GetCredentials()->access_key_id, "ASIA1");
  clock.Advance(minutes(1));
  EXPECT_EQ(cache.GetCredentials()->access_key_id, "ASIA2");
}

TEST(CachingProvider, ShortLivedCredentialsRefreshAtHalfTheirLifetime) {
  ManualClock clock(T0());
  auto inner = std::make_shared<CountingProvider>(clock, minutes(4));
  CachingCredentialsProvider cache(inner, clock);  // 5 min ahead > lifetime: use 2 min
  ASSERT_TRUE(cache.GetCredentials().ok());
  clock.Advance(minutes(1) + seconds(59));
  EXPECT_EQ(cache.GetCredentials()->access_key_id, "ASIA1");
  clock.Advance(seconds(1));
  EXPECT_EQ(cache.GetCredentials()->access_key_id, "ASIA2");
}

TEST(CachingProvider, LongTermCredentialsAreFetchedOnce) {
  ManualClock clock(T0());
  auto inner = std::make_shared<CountingProvider>(clock, seconds(0));
  CachingCredentialsProvider cache(inner, clock);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(cache.GetCredentials().ok());
    clock.Advance(std::chrono::hours(24));
  }
  EXPECT_EQ(inner->calls.load(), 1);
}

TEST(CachingProvider, HundredConcurrentCallersCauseOneFetch) {
  ManualClock clock(T0());
  auto inner =
      std::make_shared<CountingProvider>(clock, minutes(60), std::chrono::milliseconds(100));
  CachingCredentialsProvider cache(inner, clock);
  std::atomic<int> ok{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < 100; ++i) {
    threads.emplace_back([&] {
      while (!go.load()) std::this_thread::yield();
      auto c = cache.GetCredentials();
      if (c.ok() && c->access_key_id == "ASIA1") ++ok;
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(inner->calls.load(), 1);
  EXPECT_EQ(ok.load(), 100);
}

TEST(CachingProvider, RefreshAheadIsSingleFlightAndOthersKeepTheValidCredentials) {
  ManualClock clock(T0());
  auto inner =
      std::make_shared<CountingProvider>(clock, minutes(60), std::chrono::milliseconds(200));
  CachingCredentialsProvider cache(inner, clock);
  ASSERT_TRUE(cache.GetCredentials().ok());
  clock.Advance(minutes(57));  // inside the refresh window, still valid
  std::atomic<int> old_served{0}, new_served{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 100; ++i) {
    threads.emplace_back([&] {
      auto c = cache.GetCredentials();
      ASSERT_TRUE(c.ok());
      (c->access_key_id == "ASIA1" ? old_served : new_served)++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(inner->calls.load(), 2);
  EXPECT_GE(new_served.load(), 1);  // the refresher
  EXPECT_EQ(old_served.load() + new_served.load(), 100);
}

TEST(CachingProvider, BacksOffAfterFailureWithoutCallingAgain) {
  ManualClock clock(T0());
  auto inner = std::make_shared<CountingProvider>(clock, minutes(60));
  inner->fail = true;
  CachingCredentialsProvider cache(inner, clock);  // 1 s doubling to 60 s
  auto first = cache.GetCredentials();
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().message(), "STS is down");
  for (int i = 0; i < 50; ++i) EXPECT_FALSE(cache.GetCredentials().ok());
  EXPECT_EQ(inner->calls.load(), 1);
  clock.Advance(std::chrono::milliseconds(999));
  EXPECT_FALSE(cache.GetCredentials().ok());
  EXPECT_EQ(inner->calls.load(), 1);
  clock.Advance(std::chrono::milliseconds(1));
  EXPECT_FALSE(cache.GetCredentials().ok());
  EXPECT_EQ(inner->calls.load(), 2);  // then 2 s
  clock.Advance(std::chrono::milliseconds(1999));
  EXPECT_FALSE(cache.GetCredentials().ok());
  EXPECT_EQ(inner->calls.load(), 2);
  clock.Advance(std::chrono::milliseconds(1));
  inner->fail = false;
  EXPECT_TRUE(cache.GetCredentials().ok());
  EXPECT_EQ(inner->calls.load(), 3);
}

TEST(CachingProvider, FailedRefreshKeepsServingValidCredentialsAndBacksOff) {
  ManualClock clock(T0());
  auto inner = std::make_shared<CountingProvider>(clock, minutes(60));
  CachingCredentialsProvider cache(inner, clock);
  ASSERT_TRUE(cache.GetCredentials().ok());
  clock.Advance(minutes(56));
  inner->fail = true;
  for (int i = 0; i < 20; ++i) {
    auto c = cache.GetCredentials();
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->access_key_id, "ASIA1");
  }
  EXPECT_EQ(inner->calls.load(), 2);  // one failed refresh, then backing off
  clock.Advance(minutes(4));          // now expired, backoff long over
  auto c = cache.GetCredentials();
  EXPECT_FALSE(c.ok());  // the inner error, not expired credentials
  EXPECT_EQ(inner->calls.load(), 3);
}

TEST(CachingProvider, BackoffIsCapped) {
  ManualClock clock(T0());
  auto inner = std::make_shared<CountingProvider>(clock, minutes(60));
  inner->fail = true;
  CachingOptions options;
  options.min_backoff = std::chrono::milliseconds(1000);
  options.max_backoff = std::chrono::milliseconds(8000);
  CachingCredentialsProvider cache(inner, clock, options);
  for (int i = 0; i < 10; ++i) {
    (void)cache.GetCredentials();
    clock.Advance(std::chrono::milliseconds(8000));
  }
  EXPECT_EQ(inner->calls.load(), 10);  // every 8 s once the cap is reached
}

TEST(CachingProvider, CredentialsExpiredOnArrivalAreAnErrorAndBackedOff) {
  ManualClock clock(T0());
  auto inner = std::make_shared<CountingProvider>(clock, seconds(-60));  // clock ahead of STS
  CachingCredentialsProvider cache(inner, clock);
  auto c = cache.GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), ErrorCode::kExpiredToken);
  EXPECT_NE(c.error().message().find("check the clock"), std::string::npos);
  EXPECT_EQ(c.error().message().find("secret"), std::string::npos);
  EXPECT_FALSE(cache.GetCredentials().ok());
  EXPECT_EQ(inner->calls.load(), 1);
}

TEST(CachingProvider, InvalidateDropsCredentialsAndTellsTheInnerProvider) {
  ManualClock clock(T0());
  auto inner = std::make_shared<CountingProvider>(clock, minutes(60));
  CachingCredentialsProvider cache(inner, clock);
  ASSERT_EQ(cache.GetCredentials()->access_key_id, "ASIA1");
  ASSERT_TRUE(cache.Cached().has_value());
  cache.Invalidate();
  EXPECT_FALSE(cache.Cached().has_value());
  EXPECT_EQ(inner->invalidations.load(), 1);
  EXPECT_EQ(cache.GetCredentials()->access_key_id, "ASIA2");
}

TEST(CachingProvider, LongRunAcrossManyExpiriesNeverServesExpiredCredentials) {
  // A sync run of 6 hours on 15-minute sessions, asking for credentials every 20 seconds.
  ManualClock clock(T0());
  auto inner = std::make_shared<CountingProvider>(clock, minutes(15));
  CachingCredentialsProvider cache(inner, clock);
  for (int i = 0; i < 6 * 180; ++i) {
    auto c = cache.GetCredentials();
    ASSERT_TRUE(c.ok());
    ASSERT_GT(*c->expiration, clock.Now() + minutes(4)) << "at step " << i;
    clock.Advance(seconds(20));
  }
  // One fetch per 10 minutes (15-minute sessions, refreshed 5 minutes early).
  EXPECT_EQ(inner->calls.load(), 36);
}

}  // namespace
}  // namespace crossdock::aws

namespace crossdock::aws {
namespace {

// /metrics exports the cache's hits and misses (issue 5: "STS calls and cache hits").
TEST(CachingProvider, CountsHitsAndMissesInTheMetricsRegistry) {
  auto& hits = metrics::Registry::Global().GetCounter(metrics::kCredentialCacheHits);
  auto& misses = metrics::Registry::Global().GetCounter(metrics::kCredentialCacheMisses);
  double hits0 = hits.value(), misses0 = misses.value();
  ManualClock clock(T0());
  CachingCredentialsProvider cache(std::make_shared<CountingProvider>(clock, minutes(60)), clock);
  ASSERT_TRUE(cache.GetCredentials().ok());
  ASSERT_TRUE(cache.GetCredentials().ok());
  ASSERT_TRUE(cache.GetCredentials().ok());
  EXPECT_EQ(misses.value() - misses0, 1.0);
  EXPECT_EQ(hits.value() - hits0, 2.0);
}

}  // namespace
}  // namespace crossdock::aws
