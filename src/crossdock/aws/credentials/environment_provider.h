// Credentials and settings from environment variables, as the AWS CLI and SDKs read them.
//
// EnvironmentCredentialsProvider reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the
// optional AWS_SESSION_TOKEN (and AWS_CREDENTIAL_EXPIRATION, ISO 8601) on every call, so a
// changed environment is seen at once. The helpers resolve the profile name (AWS_PROFILE,
// then AWS_DEFAULT_PROFILE, else "default") and the region (AWS_REGION, then
// AWS_DEFAULT_REGION). The environment is read through an EnvLookup so tests pass a map
// instead of mutating the process environment. It does not read files (profile_provider.h).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "crossdock/aws/credentials/provider.h"

namespace crossdock::aws {

// Returns a variable's value, or nullopt when unset. Empty values count as unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

EnvLookup ProcessEnv();                                     // getenv
EnvLookup MapEnv(std::map<std::string, std::string> vars);  // for tests and embedding

// AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default".
std::string ProfileNameFromEnv(const EnvLookup& env);
// AWS_REGION, else AWS_DEFAULT_REGION, else "".
std::string RegionFromEnv(const EnvLookup& env);

class EnvironmentCredentialsProvider final : public CredentialsProvider {
 public:
  explicit EnvironmentCredentialsProvider(EnvLookup env = ProcessEnv()) : env_(std::move(env)) {}

  // kNotFound when AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are both unset (a chain moves
  // on); kInvalidArgument naming the missing variable when only one is set, or when
  // AWS_CREDENTIAL_EXPIRATION does not parse.
  Result<AwsCredentials> GetCredentials() override;
  std::string Describe() const override;

 private:
  EnvLookup env_;
};

}  // namespace crossdock::aws
