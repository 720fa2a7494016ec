#include "crossdock/aws/credentials/container_credentials.h"

#include <openssl/crypto.h>

#include <nlohmann/json.hpp>

namespace crossdock::aws {

std::string ContainerCredentialsJson(const AwsCredentials& c) {
  nlohmann::ordered_json j;
  j["AccessKeyId"] = c.access_key_id;
  j["SecretAccessKey"] = c.secret_access_key;
  if (!c.session_token.empty()) j["Token"] = c.session_token;
  if (c.expiration) j["Expiration"] = FormatIso8601(*c.expiration);
  return j.dump();
}

bool ContainerTokenMatches(std::string_view header, std::string_view expected) {
  if (expected.empty() || header.size() != expected.size()) return false;
  return CRYPTO_memcmp(header.data(), expected.data(), expected.size()) == 0;
}

}  // namespace crossdock::aws
