#include "crossdock/aws/credentials/profile_provider.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <vector>

#include "crossdock/aws/credentials/assume_role_provider.h"
#include "crossdock/aws/credentials/static_provider.h"

namespace crossdock::aws {
namespace {

std::string Where(const ProfileSet& set) {
  if (set.config_path.empty() && set.credentials_path.empty()) return "the profile files";
  return fmt::format("{} or {}", set.config_path.empty() ? "(no config file)" : set.config_path,
                     set.credentials_path.empty() ? "(no credentials file)" : set.credentials_path);
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : " -> ") + n;
  return out;
}

Error Bad(std::string_view profile, std::string_view key, std::string what) {
  return Error(ErrorCode::kInvalidArgument, fmt::format("profile '{}': {}", profile, what),
               std::string(key));
}

// Static keys of a profile: nullopt when it has none; an error when only half is set.
Result<std::optional<AwsCredentials>> StaticKeys(const Profile& p) {
  auto key = p.Get("aws_access_key_id");
  auto secret = p.Get("aws_secret_access_key");
  if (!key && !secret) return std::optional<AwsCredentials>();
  if (!key || !secret) {
    return Bad(p.name, key ? "aws_secret_access_key" : "aws_access_key_id",
               fmt::format("{} is set but {} is not; set both",
                           key ? "aws_access_key_id" : "aws_secret_access_key",
                           key ? "aws_secret_access_key" : "aws_access_key_id"));
  }
  AwsCredentials c;
  c.access_key_id = *key;
  c.secret_access_key = *secret;
  c.session_token = p.Get("aws_session_token").value_or("");
  return std::optional<AwsCredentials>(std::move(c));
}

struct Resolver {
  const ProfileSet& set;
  const ProfileProviderOptions& options;
  Clock& clock;

  // Returns the provider and whether it is an assumed role (so the next hop is chained).
  Result<std::pair<CredentialsProviderPtr, bool>> Resolve(const std::string& name,
                                                          std::vector<std::string>& path) {
    const Profile* p = set.Find(name);
    if (p == nullptr) {
      if (path.empty()) {
        return Error(ErrorCode::kNotFound,
                     fmt::format("profile '{}' is not in {}; create it or choose another with "
                                 "--profile / AWS_PROFILE",
                                 name, Where(set)),
                     "profile");
      }
      return Bad(path.back(), "source_profile",
                 fmt::format("source_profile '{}' does not exist in {}", name, Where(set)));
    }
    if (std::find(path.begin(), path.end(), name) != path.end()) {
      path.push_back(name);
      return Bad(
          path.front(), "source_profile",
          fmt::format("source_profile chain loops: {}; end it at a profile with keys", Join(path)));
    }
    path.push_back(name);
    ASSIGN_OR_RETURN(auto keys, StaticKeys(*p));
    auto role_arn = p->Get("role_arn");
    if (!role_arn) {
      if (keys)
        return std::make_pair(
            CredentialsProviderPtr(std::make_shared<StaticCredentialsProvider>(*keys)), false);
      for (const char* unsupported :
           {"credential_process", "sso_session", "sso_start_url", "web_identity_token_file"}) {
        if (p->Get(unsupported)) {
          return Bad(name, unsupported,
                     fmt::format("{} is not supported by crossdock; give the profile "
                                 "aws_access_key_id/aws_secret_access_key or a role_arn",
                                 unsupported));
        }
      }
      return Error(ErrorCode::kNotFound,
                   fmt::format("profile '{}' has no credentials: set aws_access_key_id and "
                               "aws_secret_access_key, or role_arn with source_profile",
                               name),
                   "profile");
    }

    // An assumed role: find what signs the AssumeRole call.
    auto source_profile = p->Get("source_profile");
    auto credential_source = p->Get("credential_source");
    if (source_profile && credential_source) {
      return Bad(name, "credential_source",
                 "both source_profile and credential_source are set; keep one");
    }
    CredentialsProviderPtr source;
    bool source_is_role = false;
    std::string caller;
    if (credential_source) {
      if (*credential_source != "Environment") {
        return Bad(name, "credential_source",
                   fmt::format("credential_source '{}' is not supported; use Environment",
                               *credential_source));
      }
      source = std::make_shared<EnvironmentCredentialsProvider>(options.env);
    } else if (source_profile) {
      if (*source_profile == name && keys) {
        source = std::make_shared<StaticCredentialsProvider>(*keys);  // self-reference
      } else {
        ASSIGN_OR_RETURN(auto resolved, Resolve(*source_profile, path));
        source = std::move(resolved.first);
        source_is_role = resolved.second;
      }
    } else {
      return Bad(name, "source_profile",
                 "role_arn is set without source_profile or credential_source; add "
                 "source_profile = <a profile with keys> or credential_source = Environment");
    }

    AssumeRoleOptions ar;
    ar.role_arn = *role_arn;
    ar.external_id = p->Get("external_id").value_or("");
    ar.role_session_name =
        p->Get("role_session_name").value_or(MakeRoleSessionName("profile-" + name));
    if (auto d = p->Get("duration_seconds")) {
      int seconds = 0;
      auto [ptr, ec] = std::from_chars(d->data(), d->data() + d->size(), seconds);
      if (ec != std::errc() || ptr != d->data() + d->size()) {
        return Bad(name, "duration_seconds",
                   fmt::format("duration_seconds '{}' is not a number of seconds", *d));
      }
      ar.duration = std::chrono::seconds(seconds);
    }
    ar.region = p->Get("region").value_or(options.region.empty() ? "us-east-1" : options.region);
    ar.endpoint_override = options.sts_endpoint_override;
    ar.chained = source_is_role;
    auto provider =
        MakeCachedAssumeRole(source, std::move(ar), options.transport, clock, options.caching);
    if (!provider.ok()) {
      Error e = provider.error();
      return Bad(name, e.field(), e.message());
    }
    return std::make_pair(CredentialsProviderPtr(std::move(provider).value()), true);
  }
};

}  // namespace

Result<CredentialsProviderPtr> MakeProfileProvider(const ProfileSet& profiles,
                                                   std::string_view profile,
                                                   const ProfileProviderOptions& options) {
  Clock& clock = options.clock != nullptr ? *options.clock : SystemClock::Instance();
  Resolver resolver{profiles, options, clock};
  std::vector<std::string> path;
  ASSIGN_OR_RETURN(auto resolved, resolver.Resolve(std::string(profile), path));
  return std::move(resolved.first);
}

ProfileCredentialsProvider::ProfileCredentialsProvider(std::string profile, SharedConfigPaths paths,
                                                       ProfileProviderOptions options)
    : profile_(std::move(profile)), paths_(std::move(paths)), options_(std::move(options)) {}

Result<CredentialsProviderPtr> ProfileCredentialsProvider::Resolve() {
  std::lock_guard<std::mutex> lock(mu_);
  if (resolved_) return resolved_;
  ASSIGN_OR_RETURN(ProfileSet set, LoadSharedConfig(paths_));
  ASSIGN_OR_RETURN(resolved_, MakeProfileProvider(set, profile_, options_));
  return resolved_;
}

Result<AwsCredentials> ProfileCredentialsProvider::GetCredentials() {
  ASSIGN_OR_RETURN(CredentialsProviderPtr provider, Resolve());
  return provider->GetCredentials();
}

void ProfileCredentialsProvider::Invalidate() {
  CredentialsProviderPtr provider;
  {
    std::lock_guard<std::mutex> lock(mu_);
    provider = resolved_;
  }
  if (provider) provider->Invalidate();
}

}  // namespace crossdock::aws
