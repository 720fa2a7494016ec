// AssumeRoleProvider: temporary credentials for a customer's role, from STS AssumeRole signed
// with a source provider's credentials (the vendor's keys, or another assumed role).
//
// Each GetCredentials() calls STS once (wrap it in a CachingCredentialsProvider; the
// factories below do). The session name should name the connection so that the customer can
// trace every call in CloudTrail: MakeRoleSessionName("acme-s3") gives
// "crossdock-acme-s3-1a2b3c4d". When STS refuses the requested DurationSeconds as longer
// than the role's MaxSessionDuration or the 1-hour limit of role chaining, the provider
// retries once at 3600 s (the one duration every role accepts) and keeps using that value
// for later refreshes; chained hops are capped at 1 hour from the start. Role chaining
// (source -> optional hop role -> customer role) is MakeAssumeRoleChain. It does not do
// AssumeRoleWithWebIdentity, MFA or session tags.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "crossdock/aws/aws_client.h"
#include "crossdock/aws/credentials/caching_provider.h"
#include "crossdock/aws/credentials/provider.h"
#include "crossdock/aws/sts/sts_client.h"

namespace crossdock::aws {

struct AssumeRoleOptions {
  std::string role_arn;                 // the role to assume
  std::string role_session_name;        // empty: MakeRoleSessionName("session")
  std::string external_id;              // the customer's External ID condition; empty = not sent
  std::chrono::seconds duration{3600};  // requested DurationSeconds (900 to 43200)
  std::string policy;                   // optional session policy JSON (narrows the role)
  std::string source_identity;          // optional SourceIdentity (sticks to chained sessions)
  std::string region = "us-east-1";     // STS region (regional endpoint, signing scope)
  std::string endpoint_override;        // STS URL override (RGW, VPC endpoint); empty = none
  bool chained = false;                 // the source is itself an assumed role: cap at 1 hour
  std::string caller;                   // principal ARN of the source, for error messages
};

// A traceable RoleSessionName: "crossdock-<label>-<8 hex>", characters outside [\w+=,.@-]
// replaced by '-', the label shortened so the whole fits in 64 characters. `unique` defaults
// to 8 random hex digits.
std::string MakeRoleSessionName(std::string_view label, std::string_view unique = {});

// What the last successful AssumeRole returned, without secrets.
struct AssumedRoleInfo {
  sts::AssumedRoleUser user;
  TimePoint expiration;
  int duration_seconds = 0;  // the DurationSeconds that succeeded
  std::string request_id;
};

class AssumeRoleProvider final : public CredentialsProvider {
 public:
  // Validates the options (kInvalidArgument naming the field) and builds the STS client.
  static Result<std::shared_ptr<AssumeRoleProvider>> Create(
      CredentialsProviderPtr source, AssumeRoleOptions options,
      std::shared_ptr<http::HttpTransport> transport, Clock& clock, RetryOptions retry = {});

  Result<AwsCredentials> GetCredentials() override;
  std::string Describe() const override;

  // The DurationSeconds the next call will request (lowered after a downgrade).
  int effective_duration_seconds() const { return duration_seconds_.load(); }
  std::optional<AssumedRoleInfo> last_assumed() const;
  const AssumeRoleOptions& options() const { return options_; }
  const CredentialsProviderPtr& source() const { return source_; }
  uint64_t sts_calls() const { return sts_calls_.load(); }

 private:
  AssumeRoleProvider(CredentialsProviderPtr source, AssumeRoleOptions options,
                     sts::StsClient client);
  sts::AssumeRoleParams Params(int duration_seconds) const;

  CredentialsProviderPtr source_;
  AssumeRoleOptions options_;
  sts::StsClient client_;
  std::atomic<int> duration_seconds_;
  std::atomic<uint64_t> sts_calls_{0};
  mutable std::mutex mu_;
  std::optional<AssumedRoleInfo> last_;
};

// cache(assume-role(source)): the usual way to hold a customer's role.
Result<std::shared_ptr<CachingCredentialsProvider>> MakeCachedAssumeRole(
    CredentialsProviderPtr source, AssumeRoleOptions options,
    std::shared_ptr<http::HttpTransport> transport, Clock& clock, CachingOptions caching = {},
    RetryOptions retry = {});

// Role chaining: source -> hops[0] -> hops[1] -> ...; each hop is cached and signs the next
// hop's AssumeRole. Hops after the first are marked chained (1-hour cap). Returns the cache
// around the last hop.
Result<std::shared_ptr<CachingCredentialsProvider>> MakeAssumeRoleChain(
    CredentialsProviderPtr source, std::vector<AssumeRoleOptions> hops,
    std::shared_ptr<http::HttpTransport> transport, Clock& clock, CachingOptions caching = {},
    RetryOptions retry = {});

}  // namespace crossdock::aws
