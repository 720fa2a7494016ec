// The default credential chain and the one function that turns user-facing options
// (--profile, --region, --endpoint-url, --role-arn, --external-id) into a provider stack.
//
// The chain follows the AWS CLI's order for what crossdock supports: environment variables,
// then the shared config/credentials files (profile from --profile, else AWS_PROFILE, else
// "default"). An explicitly chosen profile skips the environment keys, as the AWS CLI does.
// A link that has nothing configured (kNotFound) passes to the next; any other error stops
// the chain, so a broken profile is reported rather than silently skipped. With a role ARN the
// chain becomes the source of cache(assume-role(chain)). It does not do SSO, web identity,
// container or instance metadata credentials.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "crossdock/aws/credentials/caching_provider.h"
#include "crossdock/aws/credentials/environment_provider.h"
#include "crossdock/aws/credentials/profile_file.h"
#include "crossdock/aws/credentials/provider.h"
#include "crossdock/http/transport.h"

namespace crossdock::aws {

// Tries each provider in order; kNotFound moves on, anything else is returned. When every
// link is kNotFound, the error lists what each one looked for. Describe() names the link that
// last produced credentials (so messages say "environment AKID..." rather than the chain).
class ChainCredentialsProvider final : public CredentialsProvider {
 public:
  explicit ChainCredentialsProvider(std::vector<CredentialsProviderPtr> links)
      : links_(std::move(links)) {}
  Result<AwsCredentials> GetCredentials() override;
  void Invalidate() override;
  std::string Describe() const override;

 private:
  std::vector<CredentialsProviderPtr> links_;
  std::atomic<int> last_ok_{-1};  // the link that last answered, for Describe()
};

// What the user chose; every field optional.
struct CredentialsSetup {
  std::string profile;            // --profile; empty = AWS_PROFILE / "default" (env keys first)
  std::string region;             // --region; empty = AWS_REGION, AWS_DEFAULT_REGION, profile
  std::string endpoint_url;       // --endpoint-url: also used for STS (a local RGW serves both)
  std::string role_arn;           // --role-arn: assume this role on top of the chain
  std::string external_id;        // --external-id
  std::string role_session_name;  // empty = MakeRoleSessionName("cli")
  std::chrono::seconds duration{3600};  // DurationSeconds for --role-arn
  CachingOptions caching;
};

// env -> profile, as described above (no role on top).
CredentialsProviderPtr MakeDefaultCredentialsChain(const CredentialsSetup& setup,
                                                   std::shared_ptr<http::HttpTransport> transport,
                                                   Clock& clock,
                                                   const EnvLookup& env = ProcessEnv());

// The region to use: setup.region, AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`,
// else `fallback`. Malformed profile files are an error.
Result<std::string> ResolveRegion(const CredentialsSetup& setup,
                                  const EnvLookup& env = ProcessEnv(),
                                  std::string_view fallback = "us-east-1");

// The full stack the CLI uses: the default chain, and with setup.role_arn a cached
// assume-role on top. Errors: kInvalidArgument for bad role options (field named).
Result<CredentialsProviderPtr> MakeCredentialsProvider(
    const CredentialsSetup& setup, std::shared_ptr<http::HttpTransport> transport, Clock& clock,
    const EnvLookup& env = ProcessEnv());

}  // namespace crossdock::aws
