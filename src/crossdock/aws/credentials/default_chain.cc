#include "crossdock/aws/credentials/default_chain.h"

#include <fmt/format.h>

#include "crossdock/aws/credentials/assume_role_provider.h"
#include "crossdock/aws/credentials/profile_provider.h"

namespace crossdock::aws {

Result<AwsCredentials> ChainCredentialsProvider::GetCredentials() {
  std::string tried;
  for (size_t i = 0; i < links_.size(); ++i) {
    auto creds = links_[i]->GetCredentials();
    if (creds.ok()) {
      last_ok_.store(static_cast<int>(i));
      return creds;
    }
    if (creds.error().code() != ErrorCode::kNotFound) return creds;
    tried += (tried.empty() ? "" : "; ") + creds.error().message();
  }
  return Error(ErrorCode::kUnauthenticated,
               fmt::format("no AWS credentials found ({}). Fix: set AWS_ACCESS_KEY_ID and "
                           "AWS_SECRET_ACCESS_KEY, or a profile in the shared files",
                           tried.empty() ? "no sources configured" : tried),
               "credentials");
}

void ChainCredentialsProvider::Invalidate() {
  for (const auto& link : links_) link->Invalidate();
}

std::string ChainCredentialsProvider::Describe() const {
  int last = last_ok_.load();
  if (last >= 0) return links_[static_cast<size_t>(last)]->Describe();
  std::string out = "chain(";
  for (size_t i = 0; i < links_.size(); ++i) {
    out += (i ? ", " : "") + links_[i]->Describe();
  }
  return out + ")";
}

CredentialsProviderPtr MakeDefaultCredentialsChain(const CredentialsSetup& setup,
                                                   std::shared_ptr<http::HttpTransport> transport,
                                                   Clock& clock, const EnvLookup& env) {
  ProfileProviderOptions options;
  options.transport = std::move(transport);
  options.clock = &clock;
  options.env = env;
  options.region = setup.region.empty() ? RegionFromEnv(env) : setup.region;
  options.sts_endpoint_override = setup.endpoint_url;
  options.caching = setup.caching;
  std::vector<CredentialsProviderPtr> links;
  if (setup.profile.empty()) {
    links.push_back(std::make_shared<EnvironmentCredentialsProvider>(env));
  }
  std::string profile = setup.profile.empty() ? ProfileNameFromEnv(env) : setup.profile;
  links.push_back(std::make_shared<ProfileCredentialsProvider>(
      profile, SharedConfigPathsFromEnv(env), std::move(options)));
  return std::make_shared<ChainCredentialsProvider>(std::move(links));
}

Result<std::string> ResolveRegion(const CredentialsSetup& setup, const EnvLookup& env,
                                  std::string_view fallback) {
  if (!setup.region.empty()) return setup.region;
  if (std::string r = RegionFromEnv(env); !r.empty()) return r;
  ASSIGN_OR_RETURN(ProfileSet set, LoadSharedConfig(SharedConfigPathsFromEnv(env)));
  std::string profile = setup.profile.empty() ? ProfileNameFromEnv(env) : setup.profile;
  if (const Profile* p = set.Find(profile)) {
    if (auto r = p->Get("region")) return *r;
  }
  return std::string(fallback);
}

Result<CredentialsProviderPtr> MakeCredentialsProvider(
    const CredentialsSetup& setup, std::shared_ptr<http::HttpTransport> transport, Clock& clock,
    const EnvLookup& env) {
  CredentialsProviderPtr chain = MakeDefaultCredentialsChain(setup, transport, clock, env);
  if (setup.role_arn.empty()) {
    if (!setup.external_id.empty()) {
      return Error(ErrorCode::kInvalidArgument,
                   "--external-id needs --role-arn: an External ID is sent only when assuming a "
                   "role",
                   "external_id");
    }
    return chain;
  }
  ASSIGN_OR_RETURN(std::string region, ResolveRegion(setup, env));
  AssumeRoleOptions ar;
  ar.role_arn = setup.role_arn;
  ar.external_id = setup.external_id;
  ar.role_session_name =
      setup.role_session_name.empty() ? MakeRoleSessionName("cli") : setup.role_session_name;
  ar.duration = setup.duration;
  ar.region = region;
  ar.endpoint_override = setup.endpoint_url;
  ASSIGN_OR_RETURN(auto cached, MakeCachedAssumeRole(chain, std::move(ar), std::move(transport),
                                                     clock, setup.caching));
  return CredentialsProviderPtr(std::move(cached));
}

}  // namespace crossdock::aws
