#include "crossdock/aws/credentials/assume_role_provider.h"

#include <fmt/format.h>

#include <random>

#include "crossdock/core/metrics.h"

namespace crossdock::aws {
namespace {

bool SessionNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '-';
}

std::string RandomHex8() {
  thread_local std::mt19937 rng{std::random_device{}()};
  return fmt::format("{:08x}", static_cast<uint32_t>(rng()));
}

}  // namespace

std::string MakeRoleSessionName(std::string_view label, std::string_view unique) {
  constexpr size_t kMax = 64;
  std::string suffix = unique.empty() ? RandomHex8() : std::string(unique);
  for (char& c : suffix) {
    if (!SessionNameChar(c)) c = '-';
  }
  std::string clean;
  for (char c : label) clean.push_back(SessionNameChar(c) ? c : '-');
  const std::string prefix = "crossdock-";
  size_t room =
      kMax > prefix.size() + suffix.size() + 1 ? kMax - prefix.size() - suffix.size() - 1 : 0;
  if (clean.size() > room) clean.resize(room);
  std::string name = clean.empty() ? prefix + suffix : prefix + clean + "-" + suffix;
  if (name.size() > kMax) name.resize(kMax);
  return name;
}

AssumeRoleProvider::AssumeRoleProvider(CredentialsProviderPtr source, AssumeRoleOptions options,
                                       sts::StsClient client)
    : source_(std::move(source)),
      options_(std::move(options)),
      client_(std::move(client)),
      duration_seconds_(static_cast<int>(options_.duration.count())) {
  if (options_.chained && duration_seconds_.load() > sts::kChainedMaxDurationSeconds) {
    duration_seconds_.store(sts::kChainedMaxDurationSeconds);
  }
}

Result<std::shared_ptr<AssumeRoleProvider>> AssumeRoleProvider::Create(
    CredentialsProviderPtr source, AssumeRoleOptions options,
    std::shared_ptr<http::HttpTransport> transport, Clock& clock, RetryOptions retry) {
  if (!source) {
    return Error(ErrorCode::kInvalidArgument,
                 "assume-role needs source credentials to sign the STS call", "source");
  }
  if (options.role_session_name.empty()) options.role_session_name = MakeRoleSessionName("session");
  sts::AssumeRoleParams check;
  check.role_arn = options.role_arn;
  check.role_session_name = options.role_session_name;
  check.external_id = options.external_id;
  check.duration_seconds = static_cast<int>(options.duration.count());
  check.policy = options.policy;
  check.source_identity = options.source_identity;
  RETURN_IF_ERROR(sts::ValidateAssumeRoleParams(check));
  sts::StsClientOptions sts_options;
  sts_options.region = options.region;
  sts_options.endpoint_override = options.endpoint_override;
  sts_options.caller = options.caller;
  ASSIGN_OR_RETURN(sts::StsClient client,
                   sts::StsClient::Create(std::move(transport), source, clock,
                                          std::move(sts_options), std::move(retry)));
  return std::shared_ptr<AssumeRoleProvider>(
      new AssumeRoleProvider(std::move(source), std::move(options), std::move(client)));
}

sts::AssumeRoleParams AssumeRoleProvider::Params(int duration_seconds) const {
  sts::AssumeRoleParams p;
  p.role_arn = options_.role_arn;
  p.role_session_name = options_.role_session_name;
  p.external_id = options_.external_id;
  p.duration_seconds = duration_seconds;
  p.policy = options_.policy;
  p.source_identity = options_.source_identity;
  return p;
}

Result<AwsCredentials> AssumeRoleProvider::GetCredentials() {
  int duration = duration_seconds_.load();
  sts_calls_.fetch_add(1);
  auto result = client_.AssumeRole(Params(duration));
  if (!result.ok() && duration > sts::kChainedMaxDurationSeconds &&
      sts::IsDurationTooLong(result.error(), duration)) {
    // The role (or role chaining) allows less: 1 hour is accepted by every role.
    duration = sts::kChainedMaxDurationSeconds;
    sts_calls_.fetch_add(1);
    result = client_.AssumeRole(Params(duration));
    if (result.ok()) duration_seconds_.store(duration);
  }
  metrics::Registry::Global()
      .GetCounter(metrics::kStsCalls, {{"outcome", result.ok() ? "ok" : "error"}})
      .Increment();
  if (!result.ok()) return std::move(result).error();
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_ = AssumedRoleInfo{result->assumed_role_user, *result->credentials.expiration, duration,
                            result->request_id};
  }
  return std::move(result->credentials);
}

std::string AssumeRoleProvider::Describe() const {
  return fmt::format("assume-role {}{} via {}", options_.role_arn,
                     options_.external_id.empty() ? "" : " (with External ID)",
                     source_->Describe());
}

std::optional<AssumedRoleInfo> AssumeRoleProvider::last_assumed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_;
}

Result<std::shared_ptr<CachingCredentialsProvider>> MakeCachedAssumeRole(
    CredentialsProviderPtr source, AssumeRoleOptions options,
    std::shared_ptr<http::HttpTransport> transport, Clock& clock, CachingOptions caching,
    RetryOptions retry) {
  ASSIGN_OR_RETURN(auto provider,
                   AssumeRoleProvider::Create(std::move(source), std::move(options),
                                              std::move(transport), clock, std::move(retry)));
  return std::make_shared<CachingCredentialsProvider>(std::move(provider), clock, caching);
}

Result<std::shared_ptr<CachingCredentialsProvider>> MakeAssumeRoleChain(
    CredentialsProviderPtr source, std::vector<AssumeRoleOptions> hops,
    std::shared_ptr<http::HttpTransport> transport, Clock& clock, CachingOptions caching,
    RetryOptions retry) {
  if (hops.empty()) {
    return Error(ErrorCode::kInvalidArgument, "a role chain needs at least one role", "role_arn");
  }
  std::shared_ptr<CachingCredentialsProvider> current;
  CredentialsProviderPtr signer = std::move(source);
  for (size_t i = 0; i < hops.size(); ++i) {
    if (i > 0) hops[i].chained = true;
    ASSIGN_OR_RETURN(current, MakeCachedAssumeRole(signer, std::move(hops[i]), transport, clock,
                                                   caching, retry));
    signer = current;
  }
  return current;
}

}  // namespace crossdock::aws
