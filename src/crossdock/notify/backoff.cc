#include "crossdock/notify/backoff.h"

#include <algorithm>

namespace crossdock::notify {

std::optional<std::chrono::milliseconds> NextDelay(const RetryPolicy& policy, int attempts_made) {
  if (attempts_made < 1 || attempts_made >= policy.max_attempts) return std::nullopt;
  std::chrono::milliseconds delay = policy.first_delay;
  for (int i = 1; i < attempts_made && delay < policy.max_delay; ++i) delay *= 2;
  return std::min(delay, policy.max_delay);
}

}  // namespace crossdock::notify
