// Credentials from a named profile of the shared config and credentials files.
//
// A profile yields static keys (aws_access_key_id, aws_secret_access_key,
// aws_session_token) or an assumed role: role_arn with external_id, role_session_name,
// duration_seconds and region, signed by source_profile (another profile, resolved the same
// way, so profiles chain roles) or credential_source = Environment. A profile whose
// source_profile is itself and that has static keys uses those keys, as the AWS CLI does.
// Loops (a -> b -> a) and profiles with neither keys nor a role are errors naming the
// profiles and the fix. Each assumed role in the chain is wrapped in a cache. Not supported
// (an error says so): credential_process, sso_*, web_identity_token_file and the
// Ec2InstanceMetadata / EcsContainer credential sources.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "crossdock/aws/credentials/caching_provider.h"
#include "crossdock/aws/credentials/environment_provider.h"
#include "crossdock/aws/credentials/profile_file.h"
#include "crossdock/http/transport.h"

namespace crossdock::aws {

struct ProfileProviderOptions {
  std::shared_ptr<http::HttpTransport> transport;  // for STS calls of role profiles
  Clock* clock = nullptr;                          // default: SystemClock::Instance()
  EnvLookup env = ProcessEnv();                    // for credential_source = Environment
  std::string region;                 // STS region when the profile sets none (then us-east-1)
  std::string sts_endpoint_override;  // e.g. a local RGW; empty = regional endpoint
  CachingOptions caching;
};

// Builds the provider stack for `profile` from already-loaded profiles. kNotFound when the
// profile does not exist or holds no credentials; kInvalidArgument for loops, half-set keys,
// unsupported settings and bad values (each naming the profile and key).
Result<CredentialsProviderPtr> MakeProfileProvider(const ProfileSet& profiles,
                                                   std::string_view profile,
                                                   const ProfileProviderOptions& options);

// A provider that loads the files and builds the stack on first use (and again after a
// failed load), so constructing it never touches the disk.
class ProfileCredentialsProvider final : public CredentialsProvider {
 public:
  ProfileCredentialsProvider(std::string profile, SharedConfigPaths paths,
                             ProfileProviderOptions options);

  Result<AwsCredentials> GetCredentials() override;
  void Invalidate() override;
  std::string Describe() const override { return "profile " + profile_; }

 private:
  Result<CredentialsProviderPtr> Resolve();

  std::string profile_;
  SharedConfigPaths paths_;
  ProfileProviderOptions options_;
  std::mutex mu_;
  CredentialsProviderPtr resolved_;
};

}  // namespace crossdock::aws
