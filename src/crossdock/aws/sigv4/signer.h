// AWS Signature Version 4: pure functions from (request, credentials, config) to a signature.
//
// Every stage is exposed so that tests and `crossdock aws sign` can check each one: the
// canonical request, the string to sign, the signing key and the signature. Two rule sets:
// the general one (URI path normalized and each segment URI-encoded twice) and S3's (path
// used as sent, encoded once, x-amz-content-sha256 always set). Header signing adds
// X-Amz-Date, X-Amz-Security-Token (if a session) and Authorization to the request; query
// signing (presigned URLs) adds the X-Amz-* parameters instead. Nothing here performs I/O or
// reads a clock: the time is part of SigningConfig.
#pragma once

#include <string>

#include "crossdock/aws/credentials.h"
#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"
#include "crossdock/http/transport.h"

namespace crossdock::aws::sigv4 {

inline constexpr const char* kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr const char* kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct SigningConfig {
  std::string region;   // e.g. us-east-1 (credential scope)
  std::string service;  // e.g. s3, sts, iam (credential scope)
  TimePoint time;       // the signing time; X-Amz-Date is derived from it
  // S3 rules: do not normalize the path, encode it once (it arrives encoded), and add the
  // x-amz-content-sha256 header.
  bool s3_rules = false;
  // Sign "UNSIGNED-PAYLOAD" instead of the body's SHA-256 (S3 over TLS, presigned URLs).
  bool unsigned_payload = false;
  // Hex SHA-256 of the body computed by the caller (streamed bodies); when empty and the
  // body is in memory it is hashed here.
  std::string payload_hash;
};

struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // hex
  std::string authorization;  // header value (header signing) or empty
  std::string presigned_url;  // query signing only
};

// Builds each stage; exposed for tests and the CLI.
std::string CanonicalRequest(const http::HttpRequest& request, const SigningConfig& config,
                             const std::string& payload_hash);
std::string StringToSign(const std::string& canonical_request, const SigningConfig& config);
std::string DeriveSigningKey(const std::string& secret, const std::string& date_stamp,
                             const std::string& region, const std::string& service);

// Signs in place with headers. Returns every stage.
Result<SigningResult> SignRequest(http::HttpRequest& request, const AwsCredentials& credentials,
                                  const SigningConfig& config);

// Query-string signing (presigned URL) valid for expires_seconds (1 to 604800).
Result<SigningResult> PresignRequest(const http::HttpRequest& request,
                                     const AwsCredentials& credentials, const SigningConfig& config,
                                     int expires_seconds);

}  // namespace crossdock::aws::sigv4
