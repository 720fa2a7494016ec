#include "crossdock/aws/credentials/credential_process.h"

#include <nlohmann/json.hpp>

namespace crossdock::aws {

std::string CredentialProcessJson(const AwsCredentials& c) {
  nlohmann::ordered_json j;
  j["Version"] = 1;
  j["AccessKeyId"] = c.access_key_id;
  j["SecretAccessKey"] = c.secret_access_key;
  if (!c.session_token.empty()) j["SessionToken"] = c.session_token;
  if (c.expiration) j["Expiration"] = FormatIso8601(*c.expiration);
  return j.dump();
}

Result<AwsCredentials> ParseCredentialProcessJson(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto bad = [](const char* why) {
    return Error(ErrorCode::kInvalidArgument,
                 std::string("credential_process output is not valid: ") + why,
                 "credential_process");
  };
  if (!j.is_object()) return bad("not a JSON object");
  if (!j.contains("Version") || j["Version"] != 1) return bad("Version must be 1");
  AwsCredentials c;
  if (!j.contains("AccessKeyId") || !j["AccessKeyId"].is_string() ||
      !j.contains("SecretAccessKey") || !j["SecretAccessKey"].is_string()) {
    return bad("AccessKeyId and SecretAccessKey are required strings");
  }
  c.access_key_id = j["AccessKeyId"].get<std::string>();
  c.secret_access_key = j["SecretAccessKey"].get<std::string>();
  if (j.contains("SessionToken") && j["SessionToken"].is_string()) {
    c.session_token = j["SessionToken"].get<std::string>();
  }
  if (j.contains("Expiration") && j["Expiration"].is_string()) {
    auto t = ParseIso8601(j["Expiration"].get<std::string>());
    if (!t.ok()) return bad("Expiration is not an ISO 8601 time");
    c.expiration = *t;
  }
  return c;
}

}  // namespace crossdock::aws
