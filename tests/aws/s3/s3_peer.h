// Helpers shared by the S3 integration tests: clients for the customer's keys and for the
// vendor-sync role built from the RGW_* variables the peer scripts export, a unique key
// prefix per test run inside the roles' scope, fast pseudo-random files, and cleanup that
// deletes every object and aborts every multipart upload under that prefix.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include "crossdock/aws/credentials/assume_role_provider.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/aws/s3/s3_client.h"
#include "crossdock/crypto/sha256.h"
#include "crossdock/http/curl_transport.h"
#include "testing/peers.h"

namespace crossdock::aws::s3::testing {

using ::crossdock::testing::Env;

inline std::shared_ptr<S3Client> CustomerClient(std::string endpoint = {}) {
  S3Options o =
      S3Options::FromAccessKey(Env("RGW_CUSTOMER_ACCESS_KEY"), Env("RGW_CUSTOMER_SECRET_KEY"));
  o.endpoint_override = endpoint.empty() ? Env("RGW_ENDPOINT") : endpoint;
  o.region = Env("RGW_REGION").empty() ? "us-east-1" : Env("RGW_REGION");
  return S3Client::Make(o).value();
}

// S3 as the vendor-sync role (assumed with the vendor's keys through STS on the endpoint).
inline Result<std::shared_ptr<S3Client>> RoleClient(const std::string& role_arn) {
  AwsCredentials vendor;
  vendor.access_key_id = Env("RGW_VENDOR_ACCESS_KEY");
  vendor.secret_access_key = Env("RGW_VENDOR_SECRET_KEY");
  AssumeRoleOptions ar;
  ar.role_arn = role_arn;
  ar.role_session_name = MakeRoleSessionName("s3-itest");
  ar.external_id = Env("RGW_EXTERNAL_ID");
  ar.region = Env("RGW_REGION").empty() ? "us-east-1" : Env("RGW_REGION");
  ar.endpoint_override =
      Env("CROSSDOCK_STS_ENDPOINT").empty() ? Env("RGW_ENDPOINT") : Env("CROSSDOCK_STS_ENDPOINT");
  ASSIGN_OR_RETURN(
      S3Options o,
      S3Options::FromAssumedRole(std::make_shared<StaticCredentialsProvider>(vendor), ar,
                                 std::make_shared<http::CurlTransport>(), SystemClock::Instance()));
  o.endpoint_override = Env("RGW_ENDPOINT");  // S3 straight to RGW, STS maybe via the front
  return S3Client::Make(o);
}

// "sync/itest-<random>/": unique per run, inside the roles' scope.
inline std::string RunPrefix(std::string_view label) {
  std::random_device rd;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", rd());
  std::string scope = Env("RGW_PREFIX").empty() ? "sync" : Env("RGW_PREFIX");
  return scope + "/itest-" + std::string(label) + "-" + buf + "/";
}

// Deletes every object and aborts every upload under prefix (with the customer's keys).
inline void Cleanup(S3Client& client, const std::string& bucket, const std::string& prefix) {
  if (auto uploads = client.ListAllMultipartUploads(bucket, prefix); uploads.ok()) {
    for (const auto& u : *uploads) (void)client.AbortMultipartUpload(bucket, u.key, u.upload_id);
  }
  if (auto objects = client.ListAllObjects(bucket, prefix); objects.ok()) {
    std::vector<std::string> keys;
    for (const auto& o : *objects) keys.push_back(o.key);
    if (!keys.empty()) (void)client.DeleteObjects(bucket, keys);
  }
}

// Writes `size` pseudo-random bytes (xorshift, seeded) to path; returns their SHA-256.
inline std::string WriteRandomFile(const std::string& path, uint64_t size, uint64_t seed) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  crypto::Sha256Hasher hasher;
  std::string block(1 << 20, '\0');
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (uint64_t done = 0; done < size;) {
    for (size_t i = 0; i + 8 <= block.size(); i += 8) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      std::memcpy(block.data() + i, &x, 8);
    }
    size_t n = static_cast<size_t>(std::min<uint64_t>(block.size(), size - done));
    out.write(block.data(), static_cast<std::streamsize>(n));
    hasher.Update(std::string_view(block.data(), n));
    done += n;
  }
  return hasher.Final();
}

inline std::string FileSha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  crypto::Sha256Hasher hasher;
  std::string block(1 << 20, '\0');
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    hasher.Update(std::string_view(block.data(), static_cast<size_t>(in.gcount())));
  }
  return hasher.Final();
}

}  // namespace crossdock::aws::s3::testing
