// The retry schedule of webhook deliveries: after failed attempt n (1-based) the next one
// waits first_delay * 2^(n-1), capped at max_delay, until max_attempts attempts were made;
// then the delivery is given up ("failed"). With the defaults (30 s, doubling, 1 h cap, 8
// attempts) a receiver has about an hour to come back. A pure function: no clock, no
// randomness (deliveries are claimed one by one, so there is no herd to spread).
#pragma once

#include <chrono>
#include <optional>

namespace crossdock::notify {

struct RetryPolicy {
  int max_attempts = 8;                          // attempts in all, the first included
  std::chrono::milliseconds first_delay{30000};  // wait after the first failure
  std::chrono::milliseconds max_delay{3600000};  // no wait is longer than this
};

// The wait before the next attempt after `attempts_made` attempts all failed; nullopt when
// no attempt is left.
std::optional<std::chrono::milliseconds> NextDelay(const RetryPolicy& policy, int attempts_made);

}  // namespace crossdock::notify
