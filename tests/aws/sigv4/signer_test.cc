// Stage-by-stage behaviour of the signer: canonical URI and query rules, header handling,
// payload hashes, presign parameters, errors, and the signing-key cache.
#include "crossdock/aws/sigv4/signer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "crossdock/core/hex.h"
#include "crossdock/core/time_format.h"
#include "crossdock/crypto/sha256.h"

namespace crossdock::aws::sigv4 {
namespace {

AwsCredentials Creds(std::string token = "") {
  AwsCredentials c;
  c.access_key_id = "AKIDEXAMPLE";
  c.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  c.session_token = std::move(token);
  return c;
}

SigningConfig Config(bool s3 = false) {
  SigningConfig config;
  config.region = "eu-west-1";
  config.service = s3 ? "s3" : "execute-api";
  config.time = ParseAmzDate("20240102T030405Z").value();
  config.s3_rules = s3;
  return config;
}

TEST(CanonicalUriTest, GeneralRulesNormalizeAndEncodeTwice) {
  EXPECT_EQ(CanonicalUri("", false), "/");
  EXPECT_EQ(CanonicalUri("/", false), "/");
  EXPECT_EQ(CanonicalUri("//a//b/", false), "/a/b/");
  EXPECT_EQ(CanonicalUri("/a/./b/../c", false), "/a/c");
  EXPECT_EQ(CanonicalUri("/a/b/../..", false), "/");
  EXPECT_EQ(CanonicalUri("/../../x", false), "/x");
  EXPECT_EQ(CanonicalUri("/a%20b/c%2Fd", false), "/a%2520b/c%252Fd");
  EXPECT_EQ(CanonicalUri("/a b/$!", false), "/a%20b/%24%21");
  EXPECT_EQ(CanonicalUri("/~user/-_.", false), "/~user/-_.");
}

TEST(CanonicalUriTest, S3RulesKeepPathAndEncodeOnce) {
  EXPECT_EQ(CanonicalUri("//a/./b/../c/", true), "//a/./b/../c/");
  EXPECT_EQ(CanonicalUri("/bucket/a%20b%2Fc", true), "/bucket/a%20b%2Fc");
  EXPECT_EQ(CanonicalUri("/bucket/a b+c$", true), "/bucket/a%20b%2Bc%24");
  EXPECT_EQ(CanonicalUri("/bucket/%e1%88%b4", true), "/bucket/%E1%88%B4");
  EXPECT_EQ(CanonicalUri("/bucket/\xE1\x88\xB4", true), "/bucket/%E1%88%B4");
  EXPECT_EQ(CanonicalUri("/bucket/100%", true), "/bucket/100%25");
  EXPECT_EQ(CanonicalUri("", true), "/");
}

TEST(CanonicalQueryTest, SortsEncodesAndKeepsRepeatsAndEmpties) {
  EXPECT_EQ(CanonicalQueryString(""), "");
  EXPECT_EQ(CanonicalQueryString("b=2&a=1"), "a=1&b=2");
  EXPECT_EQ(CanonicalQueryString("a=2&a=1&a=10"), "a=1&a=10&a=2");
  EXPECT_EQ(CanonicalQueryString("uploads"), "uploads=");
  EXPECT_EQ(CanonicalQueryString("k=&j"), "j=&k=");
  EXPECT_EQ(CanonicalQueryString("Z=1&a=1&_=1"), "Z=1&_=1&a=1");
  EXPECT_EQ(CanonicalQueryString("k=a%2fb&k2=a/b&k3=x y"), "k=a%2Fb&k2=a%2Fb&k3=x%20y");
  EXPECT_EQ(CanonicalQueryString("k=%41%7E"), "k=A~");
  EXPECT_EQ(CanonicalQueryString("v=a=b"), "v=a%3Db");
  // Sorted by encoded key: '%' (0x25) sorts before letters.
  EXPECT_EQ(CanonicalQueryString("a=1&%E1%88%B4=2"), "%E1%88%B4=2&a=1");
}

TEST(SignRequestTest, AddsDateTokenAndAuthorizationAndReplacesOldOnes) {
  http::HttpRequest request;
  request.url = "https://api.example.com/x";
  request.headers = {{"authorization", "stale"},
                     {"X-Amz-Date", "19990101T000000Z"},
                     {"User-Agent", "crossdock/1"},
                     {"X-Amz-Security-Token", "old"}};
  auto result = SignRequest(request, Creds("TOKEN"), Config());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->signed_headers, "host;x-amz-date;x-amz-security-token");
  EXPECT_EQ(http::FindHeader(request.headers, "x-amz-date").value_or(""), "20240102T030405Z");
  EXPECT_EQ(http::FindHeader(request.headers, "x-amz-security-token").value_or(""), "TOKEN");
  EXPECT_EQ(std::count_if(request.headers.begin(), request.headers.end(),
                          [](const http::Header& h) { return h.first == "Authorization"; }),
            1);
  EXPECT_EQ(http::FindHeader(request.headers, "authorization").value_or(""), result->authorization);
  EXPECT_EQ(result->credential_scope, "20240102/eu-west-1/execute-api/aws4_request");
  // Signing again gives the same signature (idempotent, as for a retry).
  auto again = SignRequest(request, Creds("TOKEN"), Config());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->signature, result->signature);
}

TEST(SignRequestTest, DateHeaderReplacesXAmzDateLikeBotocore) {
  http::HttpRequest request;
  request.url = "https://api.example.com/";
  request.headers = {{"Date", "whatever"}};
  auto result = SignRequest(request, Creds(), Config());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(http::FindHeader(request.headers, "date").value_or(""),
            "Tue, 02 Jan 2024 03:04:05 GMT");
  EXPECT_FALSE(http::FindHeader(request.headers, "x-amz-date").has_value());
  EXPECT_EQ(result->signed_headers, "date;host");
}

TEST(SignRequestTest, HostFromUrlDropsDefaultPortAndUserinfo) {
  struct Case {
    const char* url;
    const char* host;
  } cases[] = {{"https://user:pw@Example.COM:443/", "example.com"},
               {"http://example.com:80/", "example.com"},
               {"http://127.0.0.1:7480/b/k", "127.0.0.1:7480"},
               {"https://example.com:8443", "example.com:8443"},
               {"http://[::1]:9000/x", "[::1]:9000"}};
  for (const auto& c : cases) {
    http::HttpRequest request;
    request.url = c.url;
    auto result = SignRequest(request, Creds(), Config());
    ASSERT_TRUE(result.ok());
    EXPECT_NE(result->canonical_request.find(std::string("\nhost:") + c.host + "\n"),
              std::string::npos)
        << c.url << "\n"
        << result->canonical_request;
  }
}

TEST(SignRequestTest, PayloadHashRules) {
  // S3: always an x-amz-content-sha256 header; UNSIGNED-PAYLOAD when asked.
  http::HttpRequest put;
  put.method = "put";
  put.url = "https://b.s3.amazonaws.com/k";
  put.body = "hello";
  SigningConfig s3 = Config(true);
  s3.unsigned_payload = true;
  auto r = SignRequest(put, Creds(), s3);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->canonical_request.substr(0, 4), "PUT\n");
  EXPECT_EQ(http::FindHeader(put.headers, "x-amz-content-sha256").value_or(""), kUnsignedPayload);
  EXPECT_TRUE(r->canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));

  // S3 with a caller-computed hash (streamed body).
  http::HttpRequest put2;
  put2.method = "PUT";
  put2.url = "https://b.s3.amazonaws.com/k";
  SigningConfig s3b = Config(true);
  s3b.payload_hash = crypto::Sha256Hex("streamed");
  ASSERT_TRUE(SignRequest(put2, Creds(), s3b).ok());
  EXPECT_EQ(http::FindHeader(put2.headers, "x-amz-content-sha256").value_or(""), s3b.payload_hash);

  // General rules: the body hash, no header unless unsigned.
  http::HttpRequest post;
  post.method = "POST";
  post.url = "https://sts.amazonaws.com/";
  post.body = "Action=GetCallerIdentity&Version=2011-06-15";
  auto p = SignRequest(post, Creds(), Config());
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->canonical_request.ends_with("\n" + crypto::Sha256Hex(post.body)));
  EXPECT_FALSE(http::FindHeader(post.headers, "x-amz-content-sha256").has_value());
}

class StringSource : public http::BodySource {
 public:
  explicit StringSource(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t size) override {
    size_t n = std::min(size, data_.size() - pos_);
    std::copy_n(data_.data() + pos_, n, buf);
    pos_ += n;
    return n;
  }
  Status Rewind() override {
    pos_ = 0;
    return OkStatus();
  }
  uint64_t Size() const override { return data_.size(); }
  size_t pos_ = 0;

 private:
  std::string data_;
};

TEST(SignRequestTest, StreamedBodyIsHashedAndRewound) {
  std::string data(200000, 'x');
  auto source = std::make_shared<StringSource>(data);
  http::HttpRequest put;
  put.method = "PUT";
  put.url = "https://b.s3.amazonaws.com/k";
  put.body_source = source;
  ASSERT_TRUE(SignRequest(put, Creds(), Config(true)).ok());
  EXPECT_EQ(http::FindHeader(put.headers, "x-amz-content-sha256").value_or(""),
            crypto::Sha256Hex(data));
  EXPECT_EQ(source->pos_, 0u);
}

TEST(SignRequestTest, ErrorsNameTheField) {
  http::HttpRequest request;
  request.url = "https://example.com/";
  auto no_creds = SignRequest(request, AwsCredentials{}, Config());
  ASSERT_FALSE(no_creds.ok());
  EXPECT_EQ(no_creds.error().code(), ErrorCode::kUnauthenticated);

  SigningConfig no_region = Config();
  no_region.region.clear();
  auto r = SignRequest(request, Creds(), no_region);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field(), "region");

  http::HttpRequest relative;
  relative.url = "/just/a/path";
  auto u = SignRequest(relative, Creds(), Config());
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error().field(), "url");

  auto e0 = PresignRequest(request, Creds(), Config(), 0);
  ASSERT_FALSE(e0.ok());
  EXPECT_EQ(e0.error().field(), "expires");
  EXPECT_FALSE(PresignRequest(request, Creds(), Config(), 604801).ok());
  EXPECT_TRUE(PresignRequest(request, Creds(), Config(), 604800).ok());
}

TEST(PresignRequestTest, SessionTokenIsASignedQueryParameter) {
  http::HttpRequest request;
  request.url = "https://b.s3.amazonaws.com/a%20key?versionId=3&uploads";
  auto r = PresignRequest(request, Creds("tok/en+="), Config(true), 900);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->canonical_request.find("&X-Amz-Security-Token=tok%2Fen%2B%3D&"), std::string::npos)
      << r->canonical_request;
  EXPECT_TRUE(r->presigned_url.starts_with(
      "https://b.s3.amazonaws.com/a%20key?versionId=3&uploads=&X-Amz-Algorithm="));
  EXPECT_NE(r->presigned_url.find("&X-Amz-Security-Token=tok%2Fen%2B%3D&X-Amz-Signature="),
            std::string::npos);
  EXPECT_TRUE(r->canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
  EXPECT_TRUE(request.headers.empty());  // the request itself is untouched
}

TEST(PresignRequestTest, GeneralRulesUseBodyHashAndDropDefaultFormContentType) {
  http::HttpRequest request;
  request.url = "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  auto r = PresignRequest(request, Creds(), Config(), 60);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->signed_headers, "host");
  EXPECT_TRUE(r->canonical_request.ends_with(std::string("\n") + kEmptySha256));
}

TEST(SigningKeyCacheTest, DerivesOncePerScopeAndEvictsLeastRecentlyUsed) {
  SigningKeyCache cache(2);
  auto a1 = cache.Get("secret", "20240102", "eu-west-1", "s3");
  auto a2 = cache.Get("secret", "20240102", "eu-west-1", "s3");
  EXPECT_EQ(a1.get(), a2.get());
  EXPECT_EQ(cache.derivations(), 1u);
  EXPECT_EQ(a1->Mac("x"),
            crypto::HmacSha256(DeriveSigningKey("secret", "20240102", "eu-west-1", "s3"), "x"));
  auto b = cache.Get("secret", "20240103", "eu-west-1", "s3");  // new date
  EXPECT_NE(a1.get(), b.get());
  cache.Get("secret", "20240102", "eu-west-1", "s3");  // a is now most recent
  cache.Get("other", "20240102", "eu-west-1", "s3");   // evicts b
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.derivations(), 3u);
  cache.Get("secret", "20240102", "eu-west-1", "s3");
  EXPECT_EQ(cache.derivations(), 3u);
  cache.Get("secret", "20240103", "eu-west-1", "s3");
  EXPECT_EQ(cache.derivations(), 4u);
}

TEST(SigningKeyCacheTest, ConcurrentSigningAgreesWithUncached) {
  http::HttpRequest base;
  base.url = "https://b.s3.amazonaws.com/k?x=1";
  http::HttpRequest copy = base;
  SigningKeyCache reference_cache;
  auto expected = SignRequest(copy, Creds(), Config(true), reference_cache);
  ASSERT_TRUE(expected.ok());

  SigningKeyCache cache(4);
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        http::HttpRequest r = base;
        SigningConfig config = Config(true);
        if ((i + t) % 3 == 0) config.region = "us-west-" + std::to_string(i % 5);
        auto s = SignRequest(r, Creds(), config, cache);
        if (!s.ok()) {
          ++mismatches;
          continue;
        }
        crypto::HmacSha256Key fresh(
            DeriveSigningKey(Creds().secret_access_key, "20240102", config.region, "s3"));
        if (SignatureHex(fresh, s->string_to_sign) != s->signature) ++mismatches;
        if (config.region == "eu-west-1" && s->signature != expected->signature) ++mismatches;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_LE(cache.size(), 4u);
}

TEST(HmacSha256KeyTest, MatchesOneShotHmacForShortAndLongKeys) {
  for (size_t len : {0, 1, 32, 64, 65, 200}) {
    std::string key(len, 'k');
    for (size_t i = 0; i < len; ++i) key[i] = static_cast<char>(i * 7);
    crypto::HmacSha256Key k(key);
    EXPECT_EQ(k.Mac("message"), crypto::HmacSha256(key, "message")) << len;
    EXPECT_EQ(k.Mac(""), crypto::HmacSha256(key, "")) << len;
  }
}

}  // namespace
}  // namespace crossdock::aws::sigv4
