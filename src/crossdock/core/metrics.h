// A small process-wide metrics registry rendered in the Prometheus text exposition format.
//
// Counters and histograms are identified by a metric name and a set of label pairs; the
// first use creates them, later uses return the same instance, so any module can count
// without wiring (`metrics::Registry::Global().GetCounter(metrics::kStsCalls, {{"outcome",
// "ok"}}).Increment()`). Values are atomic and the registry is thread-safe; references it
// hands out stay valid for the life of the registry. Names that other modules are expected to
// increment are the constants below, so the server can describe them before they are first
// used. It deliberately has no gauges with callbacks, no summaries and no push gateway.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crossdock::metrics {

// Counters other modules increment (all with an "outcome" label unless noted).
inline constexpr const char* kHttpRequests =
    "crossdock_http_requests_total";  // route, method, status
inline constexpr const char* kHttpDuration =
    "crossdock_http_request_duration_seconds";                         // route, method
inline constexpr const char* kStsCalls = "crossdock_sts_calls_total";  // outcome: ok | error
inline constexpr const char* kCredentialCacheHits = "crossdock_credential_cache_hits_total";
inline constexpr const char* kCredentialCacheMisses = "crossdock_credential_cache_misses_total";
// outcome: pass | fail | error
inline constexpr const char* kConnectionTests = "crossdock_connection_tests_total";

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Increment(double amount = 1.0);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  // `bounds` are the upper bounds of the buckets, ascending; +Inf is implicit.
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);

  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts per bound (then +Inf), the sum and the count, read consistently.
  struct Snapshot {
    std::vector<std::uint64_t> cumulative;
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot Read() const;

 private:
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::vector<std::uint64_t> counts_;  // per bucket, non-cumulative, last is +Inf
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

// Latency buckets in seconds, 0.5 ms to 10 s.
std::vector<double> DefaultLatencyBounds();

class Registry {
 public:
  // The registry every module uses.
  static Registry& Global();

  // Registers the help text of a metric family (optional; shown as # HELP). Families without
  // series yet are listed with HELP and TYPE only.
  void Describe(std::string_view name, std::string_view help, bool histogram = false);

  // The series of `name` with `labels` (order does not matter), created on first use.
  Counter& GetCounter(std::string_view name, Labels labels = {});
  Histogram& GetHistogram(std::string_view name, Labels labels = {},
                          std::vector<double> bounds = DefaultLatencyBounds());

  // The Prometheus text format (version 0.0.4), families sorted by name.
  std::string RenderPrometheus() const;

 private:
  struct Family {
    std::string help;
    bool histogram = false;
    std::map<std::string, std::unique_ptr<Counter>> counters;      // by rendered labels
    std::map<std::string, std::unique_ptr<Histogram>> histograms;  // by rendered labels
  };
  Family& FamilyLocked(std::string_view name, bool histogram);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
};

// `{a="1",b="2"}` with labels sorted by name and values escaped; "" for no labels.
std::string RenderLabels(Labels labels);

}  // namespace crossdock::metrics
