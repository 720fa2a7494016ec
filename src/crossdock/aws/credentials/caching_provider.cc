#include "crossdock/aws/credentials/caching_provider.h"

#include <fmt/format.h>

#include <algorithm>

#include "crossdock/core/metrics.h"

namespace crossdock::aws {

CachingCredentialsProvider::CachingCredentialsProvider(CredentialsProviderPtr inner, Clock& clock,
                                                       CachingOptions options)
    : inner_(std::move(inner)), clock_(clock), options_(options) {}

bool CachingCredentialsProvider::Usable(TimePoint now) const {
  return cached_ && !cached_->ExpiresBefore(now);
}

bool CachingCredentialsProvider::Fresh(TimePoint now) const {
  return cached_ && (!cached_->expiration || now < refresh_at_);
}

std::chrono::milliseconds CachingCredentialsProvider::BackoffAfter(int failures) const {
  auto wait = options_.min_backoff * (int64_t{1} << std::min(failures - 1, 20));
  return std::min(wait, options_.max_backoff);
}

Result<AwsCredentials> CachingCredentialsProvider::GetCredentials() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    TimePoint now = clock_.Now();
    if (Fresh(now)) {
      metrics::Registry::Global().GetCounter(metrics::kCredentialCacheHits).Increment();
      return *cached_;
    }
    if (refreshing_) {
      // Someone else is fetching: keep using what is still valid, or wait for that fetch.
      if (Usable(now)) return *cached_;
      uint64_t gen = generation_;
      refreshed_.wait(lock, [&] { return generation_ != gen; });
      if (Usable(clock_.Now())) return *cached_;
      if (last_error_) return *last_error_;
      continue;
    }
    if (failures_ > 0 && now < retry_after_) {
      // Backing off after a failure: do not call the inner provider again yet.
      if (Usable(now)) return *cached_;
      if (last_error_) return *last_error_;
    }
    break;
  }

  refreshing_ = true;
  ++fetches_;
  metrics::Registry::Global().GetCounter(metrics::kCredentialCacheMisses).Increment();
  lock.unlock();
  auto fetched = inner_->GetCredentials();
  lock.lock();
  refreshing_ = false;
  ++generation_;
  TimePoint now = clock_.Now();
  if (fetched.ok() && fetched->ExpiresBefore(now)) {
    // Already expired on arrival: this machine's clock is ahead. Back off like a failure.
    fetched = Error(ErrorCode::kExpiredToken,
                    fmt::format("{} returned credentials that expired already ({}); check the "
                                "clock of this machine",
                                inner_->Describe(), fetched->DebugString()));
  }
  if (fetched.ok()) {
    cached_ = *fetched;
    failures_ = 0;
    last_error_.reset();
    if (cached_->expiration) {
      auto lifetime = *cached_->expiration - now;
      auto ahead =
          std::min<std::chrono::system_clock::duration>(options_.refresh_ahead, lifetime / 2);
      refresh_at_ = *cached_->expiration - std::max(ahead, decltype(ahead)::zero());
    }
  } else {
    ++failures_;
    auto wait = BackoffAfter(failures_);
    retry_after_ = now + wait;
    last_error_ = fetched.error();
  }
  refreshed_.notify_all();
  if (Usable(now)) return *cached_;
  return std::move(fetched).error();
}

void CachingCredentialsProvider::Invalidate() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    cached_.reset();
    failures_ = 0;
    last_error_.reset();
  }
  inner_->Invalidate();
}

std::string CachingCredentialsProvider::Describe() const { return "cached " + inner_->Describe(); }

std::optional<AwsCredentials> CachingCredentialsProvider::Cached() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!Usable(clock_.Now())) return std::nullopt;
  return cached_;
}

uint64_t CachingCredentialsProvider::fetches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fetches_;
}

}  // namespace crossdock::aws
