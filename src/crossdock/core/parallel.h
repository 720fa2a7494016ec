// ParallelFor: runs fn(i) for i in [0, n) on up to `threads` threads (the caller's included)
// and returns the first error; after an error no new index starts (those already running
// finish). For fan-out of independent requests (staging files, commit copies), not for
// CPU-bound loops.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "crossdock/core/result.h"

namespace crossdock {

inline Status ParallelFor(size_t n, size_t threads, const std::function<Status(size_t)>& fn) {
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::optional<Error> first;
  auto work = [&] {
    for (size_t i; !stop.load() && (i = next.fetch_add(1)) < n;) {
      Status s = fn(i);
      if (!s.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (!first) first = std::move(s).error();
        stop = true;
      }
    }
  };
  std::vector<std::thread> pool;
  size_t count = std::min(n, std::max<size_t>(1, threads));
  for (size_t t = 1; t < count; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (first) return std::move(*first);
  return OkStatus();
}

}  // namespace crossdock
