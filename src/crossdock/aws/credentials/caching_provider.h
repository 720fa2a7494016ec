// CachingCredentialsProvider: holds the credentials another provider produced and refreshes
// them ahead of expiry, so that hot paths (every S3 request) never wait on STS.
//
// Contract: credentials are served from the cache until `refresh_ahead` before they expire
// (default 5 minutes; never more than half their lifetime, so short sessions are not
// refreshed on every call). Refresh is single-flight: one caller fetches while the others
// keep using the still-valid credentials, or wait for that one fetch when nothing valid is
// cached; 100 concurrent callers cause exactly one call to the inner provider. After a failed
// refresh, further attempts back off exponentially (min_backoff doubling up to max_backoff):
// still-valid credentials keep being served, and callers with nothing valid get the last
// error at once instead of another STS call. Invalidate() (after an ExpiredToken answer) drops
// the credentials and the backoff. Long-term credentials (no expiration) are kept until
// Invalidate(). All time comes from the injected Clock. Thread-safe.
//
// The cached credentials are what `crossdock credentials` prints as credential_process JSON:
// call GetCredentials() (refreshing if needed) and format with CredentialProcessJson().
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

#include "crossdock/aws/credentials/provider.h"
#include "crossdock/core/clock.h"

namespace crossdock::aws {

struct CachingOptions {
  std::chrono::seconds refresh_ahead{300};       // refresh this long before expiry
  std::chrono::milliseconds min_backoff{1000};   // first wait after a failed refresh
  std::chrono::milliseconds max_backoff{60000};  // cap of the doubling wait
};

class CachingCredentialsProvider final : public CredentialsProvider {
 public:
  CachingCredentialsProvider(CredentialsProviderPtr inner, Clock& clock,
                             CachingOptions options = {});

  Result<AwsCredentials> GetCredentials() override;
  void Invalidate() override;
  std::string Describe() const override;

  // The cached credentials without refreshing (nullopt when none or expired).
  std::optional<AwsCredentials> Cached() const;
  // Calls made to the inner provider so far (successful or not).
  uint64_t fetches() const;
  const CredentialsProviderPtr& inner() const { return inner_; }

 private:
  bool Usable(TimePoint now) const;  // cached and not expired
  bool Fresh(TimePoint now) const;   // cached and before the refresh point
  std::chrono::milliseconds BackoffAfter(int failures) const;

  CredentialsProviderPtr inner_;
  Clock& clock_;
  CachingOptions options_;

  mutable std::mutex mu_;
  std::condition_variable refreshed_;
  std::optional<AwsCredentials> cached_;
  TimePoint refresh_at_{};           // when the cached credentials should be replaced
  bool refreshing_ = false;          // a fetch is in flight
  uint64_t generation_ = 0;          // bumped when a fetch ends
  int failures_ = 0;                 // consecutive failed fetches
  TimePoint retry_after_{};          // no fetch before this after a failure
  std::optional<Error> last_error_;  // the last fetch's error, while backing off
  uint64_t fetches_ = 0;
};

}  // namespace crossdock::aws
