// Webhook signing and verification: the signature is HMAC-SHA256 over "timestamp.body" (checked
// against OpenSSL's HMAC computed here), verification refuses a changed body, a wrong secret,
// a stale or future timestamp and a malformed header, and accepts any one of several v1 values.
#include "crossdock/notify/signature.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crossdock/core/hex.h"

namespace crossdock::notify {
namespace {

std::string OpenSslHmacHex(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return HexEncode(std::string(reinterpret_cast<char*>(out), len));
}

const TimePoint kNow = TimePoint(std::chrono::seconds(1700000000));
constexpr int64_t kTs = 1700000000;
const std::string kBody = R"({"id":"evt_1","type":"run.failed"})";

TEST(WebhookSignature, IsHmacSha256OfTimestampDotBody) {
  EXPECT_EQ(SignatureHex("whsec_test", kTs, kBody),
            OpenSslHmacHex("whsec_test", "1700000000." + kBody));
  EXPECT_EQ(SignatureHeaderValue("whsec_test", kTs, kBody),
            "v1=" + OpenSslHmacHex("whsec_test", "1700000000." + kBody));
  // The timestamp is part of what is signed.
  EXPECT_NE(SignatureHex("whsec_test", kTs + 1, kBody), SignatureHex("whsec_test", kTs, kBody));
}

TEST(WebhookSignature, VerifiesWhatWasSigned) {
  std::string header = SignatureHeaderValue("s3cret-s3cret-s3cret", kTs, kBody);
  EXPECT_TRUE(VerifySignature("s3cret-s3cret-s3cret", "1700000000", header, kBody, kNow).ok());
  // Within the tolerance either way.
  EXPECT_TRUE(VerifySignature("s3cret-s3cret-s3cret", "1700000000", header, kBody,
                              kNow + std::chrono::seconds(299))
                  .ok());
}

TEST(WebhookSignature, RefusesChangedBodyWrongSecretAndReplays) {
  std::string header = SignatureHeaderValue("secret-one-secret", kTs, kBody);
  auto changed = VerifySignature("secret-one-secret", "1700000000", header, kBody + " ", kNow);
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.error().code(), ErrorCode::kUnauthenticated);
  auto wrong = VerifySignature("secret-two-secret", "1700000000", header, kBody, kNow);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code(), ErrorCode::kUnauthenticated);
  auto stale = VerifySignature("secret-one-secret", "1700000000", header, kBody,
                               kNow + std::chrono::seconds(301));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(stale.error().field(), "X-Crossdock-Timestamp");
  auto future = VerifySignature("secret-one-secret", "1700000000", header, kBody,
                                kNow - std::chrono::seconds(301));
  EXPECT_FALSE(future.ok());
  // A replay with a fresh timestamp but the old signature does not verify.
  auto resigned = VerifySignature("secret-one-secret", "1700000100", header, kBody,
                                  kNow + std::chrono::seconds(100));
  ASSERT_FALSE(resigned.ok());
  EXPECT_EQ(resigned.error().code(), ErrorCode::kUnauthenticated);
}

TEST(WebhookSignature, MalformedHeaders) {
  std::string header = SignatureHeaderValue("secret-one-secret", kTs, kBody);
  for (const char* ts : {"", "17e8", "1700000000 ", "now"}) {
    auto r = VerifySignature("secret-one-secret", ts, header, kBody, kNow);
    ASSERT_FALSE(r.ok()) << ts;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << ts;
  }
  std::string hex = SignatureHex("secret-one-secret", kTs, kBody);
  EXPECT_FALSE(VerifySignature("secret-one-secret", "1700000000", hex, kBody, kNow).ok())
      << "without the v1= prefix";
  EXPECT_FALSE(
      VerifySignature("secret-one-secret", "1700000000", "v1=" + hex.substr(1), kBody, kNow).ok());
  // Several signatures (a secret being changed): any one matching verifies.
  EXPECT_TRUE(
      VerifySignature("secret-one-secret", "1700000000", "v1=00ff, " + header, kBody, kNow).ok());
}

}  // namespace
}  // namespace crossdock::notify
