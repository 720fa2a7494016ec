// Clock: the one source of "now" for signing, credential expiry and backoff.
//
// Passed in rather than read globally so that tests can fix or advance time (signing with a
// known date, credentials that expire, refresh-ahead windows). SystemClock is the real one;
// ManualClock is a settable clock for tests and reproducible CLI output (`--date`). Sleeping
// goes through the clock too, so backoff in tests does not wait in real time.
#pragma once

#include <chrono>
#include <mutex>
#include <thread>

namespace crossdock {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  virtual void SleepFor(std::chrono::milliseconds d) = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  void SleepFor(std::chrono::milliseconds d) override { std::this_thread::sleep_for(d); }
  // A process-wide instance for callers that do not inject one.
  static SystemClock& Instance() {
    static SystemClock clock;
    return clock;
  }
};

// Thread-safe settable clock. SleepFor advances the clock instead of blocking.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_(start) {}
  TimePoint Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void SleepFor(std::chrono::milliseconds d) override { Advance(d); }
  void Advance(std::chrono::system_clock::duration d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
  }
  void Set(TimePoint t) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ = t;
  }

 private:
  mutable std::mutex mu_;
  TimePoint now_;
};

}  // namespace crossdock
