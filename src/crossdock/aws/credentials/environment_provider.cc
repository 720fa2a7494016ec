#include "crossdock/aws/credentials/environment_provider.h"

#include <fmt/format.h>

#include <cstdlib>

#include "crossdock/core/time_format.h"

namespace crossdock::aws {

EnvLookup ProcessEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
}

EnvLookup MapEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
}

std::string ProfileNameFromEnv(const EnvLookup& env) {
  if (auto p = env("AWS_PROFILE")) return *p;
  if (auto p = env("AWS_DEFAULT_PROFILE")) return *p;
  return "default";
}

std::string RegionFromEnv(const EnvLookup& env) {
  if (auto r = env("AWS_REGION")) return *r;
  if (auto r = env("AWS_DEFAULT_REGION")) return *r;
  return "";
}

Result<AwsCredentials> EnvironmentCredentialsProvider::GetCredentials() {
  auto key = env_("AWS_ACCESS_KEY_ID");
  auto secret = env_("AWS_SECRET_ACCESS_KEY");
  if (!key && !secret) {
    return Error(ErrorCode::kNotFound,
                 "no credentials in the environment: AWS_ACCESS_KEY_ID and "
                 "AWS_SECRET_ACCESS_KEY are unset",
                 "AWS_ACCESS_KEY_ID");
  }
  if (!key || !secret) {
    const char* missing = key ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID";
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("{} is unset while {} is set; set both or neither", missing,
                             key ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY"),
                 missing);
  }
  AwsCredentials creds;
  creds.access_key_id = *key;
  creds.secret_access_key = *secret;
  creds.session_token = env_("AWS_SESSION_TOKEN").value_or("");
  if (auto exp = env_("AWS_CREDENTIAL_EXPIRATION")) {
    auto t = ParseIso8601(*exp);
    if (!t.ok()) {
      return Error(ErrorCode::kInvalidArgument,
                   fmt::format("AWS_CREDENTIAL_EXPIRATION '{}' is not an ISO 8601 time such as "
                               "2030-01-01T00:00:00Z",
                               *exp),
                   "AWS_CREDENTIAL_EXPIRATION");
    }
    creds.expiration = *t;
  }
  return creds;
}

std::string EnvironmentCredentialsProvider::Describe() const {
  auto key = env_("AWS_ACCESS_KEY_ID");
  return "environment " + key.value_or("(AWS_ACCESS_KEY_ID unset)");
}

}  // namespace crossdock::aws
