// AWS Signature Version 4: pure functions from (request, credentials, config) to a signature.
//
// Every stage is exposed so that tests and `crossdock aws sign` can check each one: the
// canonical request, the string to sign, the signing key and the signature. The settings are
// independent, as in aws-c-auth's signing_config: path normalization, double URI encoding,
// the x-amz-content-sha256 (signed body) header and leaving the session token unsigned. Two
// rule sets give their defaults: the general one (path normalized and encoded twice, no body
// header) and S3's (path used as sent, encoded once, x-amz-content-sha256 always set); each
// setting can override its rule set's default. Header signing adds
// X-Amz-Date, X-Amz-Security-Token (if a session) and Authorization to the request; query
// signing (presigned URLs) adds the X-Amz-* parameters instead. Nothing here performs I/O or
// reads a clock: the time is part of SigningConfig. The rules follow botocore's SigV4Auth,
// S3SigV4Auth, SigV4QueryAuth and S3SigV4QueryAuth byte for byte (a differential test holds
// them to it), with two deliberate differences: a query or S3 path component that is not in
// canonical percent-encoded form (raw UTF-8, reserved characters, lower-case escapes) is
// re-encoded the way the receiving service does, and presigning keeps every value of a
// repeated query key where botocore keeps only the first. It does not do SigV4a, chunked
// (aws-chunked) payload signing or event-stream signing.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/aws/credentials.h"
#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"
#include "crossdock/crypto/hmac_sha256_key.h"
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

  // The individual settings; unset means the rule set's default (see the accessors).
  // Remove dot segments and empty segments from the path (aws-c-auth should_normalize_uri_path).
  std::optional<bool> normalize_path;
  // Percent-encode the (already encoded) path again (aws-c-auth use_double_uri_encode); when
  // false the path is only brought to canonical encoding.
  std::optional<bool> double_uri_encode;
  // Add and sign x-amz-content-sha256 with the payload hash (aws-c-auth signed_body_header).
  std::optional<bool> signed_body_header;
  // Sign without the session token and add it to the request afterwards (aws-c-auth
  // omit_session_token), for services that expect the token outside the signature.
  bool omit_session_token = false;

  // Defaults: normalize and double-encode unless s3_rules; the body header with s3_rules or
  // unsigned_payload.
  bool NormalizesPath() const { return normalize_path.value_or(!s3_rules); }
  bool DoubleEncodes() const { return double_uri_encode.value_or(!s3_rules); }
  bool AddsBodyHeader() const { return signed_body_header.value_or(s3_rules || unsigned_payload); }
};

// Headers never signed, as botocore: proxies and clients change them in flight.
// (expect, user-agent, x-amzn-trace-id; compared lower-case.)
bool IsUnsignedHeader(std::string_view lower_name);

struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;         // hex
  std::string authorization;     // header value (header signing) or empty
  std::string presigned_url;     // query signing only
  std::string signed_headers;    // "host;x-amz-date"
  std::string credential_scope;  // "20150830/us-east-1/service/aws4_request"
};

// The derived signing key per (secret, date, region, service), kept with its HMAC pad states
// precomputed so that signing with a cached key costs only the final HMAC. Thread-safe; holds
// at most `capacity` keys and evicts the least recently used. Keys live only in memory.
class SigningKeyCache {
 public:
  explicit SigningKeyCache(size_t capacity = 16) : capacity_(capacity == 0 ? 1 : capacity) {}

  std::shared_ptr<const crypto::HmacSha256Key> Get(std::string_view secret,
                                                   std::string_view date_stamp,
                                                   std::string_view region,
                                                   std::string_view service);
  size_t size() const;
  uint64_t derivations() const;  // how many keys were derived (cache misses), for tests

  // The process-wide cache SignRequest and PresignRequest use by default.
  static SigningKeyCache& Default();

 private:
  struct Entry {
    std::string id;  // secret, date, region, service joined by NUL
    std::shared_ptr<const crypto::HmacSha256Key> key;
    uint64_t last_used = 0;
  };
  const size_t capacity_;
  mutable std::mutex mu_;
  std::vector<Entry> entries_;
  uint64_t tick_ = 0;
  uint64_t derivations_ = 0;
};

// Canonical URI of a request path as it appears in the URL. `normalize`: remove dot segments
// and empty segments (botocore's normalize_url_path). `double_encode`: percent-encode every
// byte but unreserved characters and '/', so an encoded path ends up encoded twice;
// otherwise only non-canonical bytes are encoded. An empty path is "/".
std::string CanonicalUri(std::string_view path, bool normalize, bool double_encode);
// The rule sets: general (normalize, double-encode) or S3's (neither).
std::string CanonicalUri(std::string_view path, bool s3_rules);
// Canonical query string of a raw query (without '?'): each parameter in canonical encoding,
// "key" without '=' becomes "key=", sorted by encoded key then value, joined with '&'.
std::string CanonicalQueryString(std::string_view query);
// "20150830/us-east-1/service/aws4_request".
std::string CredentialScope(const SigningConfig& config);
// Hex HMAC-SHA256 of the string to sign under a derived signing key.
std::string SignatureHex(const crypto::HmacSha256Key& signing_key, std::string_view string_to_sign);

// Builds each stage; exposed for tests and the CLI. CanonicalRequest signs the request's
// headers as they are (plus Host from the URL when absent) and uses the value of an
// x-amz-content-sha256 header, when present, instead of `payload_hash`.
std::string CanonicalRequest(const http::HttpRequest& request, const SigningConfig& config,
                             const std::string& payload_hash);
std::string StringToSign(const std::string& canonical_request, const SigningConfig& config);
// Raw 32-byte key: HMAC chain "AWS4"+secret -> date -> region -> service -> "aws4_request".
std::string DeriveSigningKey(const std::string& secret, const std::string& date_stamp,
                             const std::string& region, const std::string& service);

// Signs in place with headers, as botocore's SigV4Auth (S3SigV4Auth with s3_rules):
// removes Authorization; sets X-Amz-Date (or, when the request carries a Date header,
// rewrites Date to the signing time and drops X-Amz-Date); sets X-Amz-Security-Token for
// session credentials (after signing with omit_session_token); sets X-Amz-Content-SHA256 when
// AddsBodyHeader() (the body hash, or UNSIGNED-PAYLOAD with unsigned_payload); then appends
// Authorization. Returns every stage.
// Errors: kUnauthenticated for empty credentials, kInvalidArgument for a bad URL or config,
// a streamed body that cannot be read for hashing.
Result<SigningResult> SignRequest(http::HttpRequest& request, const AwsCredentials& credentials,
                                  const SigningConfig& config);
Result<SigningResult> SignRequest(http::HttpRequest& request, const AwsCredentials& credentials,
                                  const SigningConfig& config, SigningKeyCache& cache);

// Query-string signing (presigned URL) valid for expires_seconds (1 to 604800), as
// botocore's SigV4QueryAuth (S3SigV4QueryAuth with s3_rules: payload UNSIGNED-PAYLOAD). The
// X-Amz-* parameters, including X-Amz-Security-Token for session credentials, are part of
// the signed query; X-Amz-Signature is appended last. The request is not modified.
Result<SigningResult> PresignRequest(const http::HttpRequest& request,
                                     const AwsCredentials& credentials, const SigningConfig& config,
                                     int expires_seconds);
Result<SigningResult> PresignRequest(const http::HttpRequest& request,
                                     const AwsCredentials& credentials, const SigningConfig& config,
                                     int expires_seconds, SigningKeyCache& cache);

}  // namespace crossdock::aws::sigv4
