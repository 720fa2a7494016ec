// Golden cases with published expected values: AWS's SigV4 test suite (as carried by
// aws-c-auth's tests/aws-signing-test-suite/v4 and the classic aws4_testsuite), the IAM
// ListUsers example and key-derivation example from the SigV4 documentation, and the S3
// examples from "Signature Calculations for the Authorization Header" and "Query String
// Authentication" (examplebucket, AKIAIOSFODNN7EXAMPLE).
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "crossdock/aws/sigv4/signer.h"
#include "crossdock/core/hex.h"
#include "crossdock/core/time_format.h"

namespace crossdock::aws::sigv4 {
namespace {

AwsCredentials SuiteCredentials() {
  AwsCredentials c;
  c.access_key_id = "AKIDEXAMPLE";
  c.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  return c;
}

AwsCredentials S3DocCredentials() {
  AwsCredentials c;
  c.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  c.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  return c;
}

SigningConfig SuiteConfig(std::string service = "service") {
  SigningConfig config;
  config.region = "us-east-1";
  config.service = std::move(service);
  config.time = ParseAmzDate("20150830T123600Z").value();
  return config;
}

SigningConfig S3DocConfig() {
  SigningConfig config;
  config.region = "us-east-1";
  config.service = "s3";
  config.time = ParseAmzDate("20130524T000000Z").value();
  config.s3_rules = true;
  return config;
}

std::string SignatureOf(const SigningResult& r) { return r.signature; }

struct SuiteCase {
  const char* name;
  const char* method;
  const char* target;  // path and query as in the request line
  std::vector<http::Header> headers;
  std::string body;
  const char* signature;
};

// Header-signed cases from the v4 suite: request line and headers as in request.txt, signature
// from header-signed-request.txt. Host is given explicitly, as in the suite.
std::vector<SuiteCase> HeaderSuiteCases() {
  return {
      {"get-vanilla",
       "GET",
       "/",
       {},
       "",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-relative-relative-normalized",
       "GET",
       "/example1/example2/../..",
       {},
       "",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slash-dot-slash-normalized",
       "GET",
       "/./",
       {},
       "",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slashes-normalized",
       "GET",
       "//example//",
       {},
       "",
       "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"},
      {"get-space-normalized",
       "GET",
       "/example space/",
       {},
       "",
       "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
      {"get-utf8",
       "GET",
       "/\xE1\x88\xB4",
       {},
       "",
       "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
      {"get-unreserved",
       "GET",
       "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {},
       "",
       "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
      {"get-vanilla-query-unreserved",
       "GET",
       "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz="
       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {},
       "",
       "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
      {"get-vanilla-query-order-key-case",
       "GET",
       "/?Param2=value2&Param1=value1",
       {},
       "",
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get-vanilla-empty-query-key",
       "GET",
       "/?Param1=value1",
       {},
       "",
       "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
      {"get-vanilla-utf8-query",
       "GET",
       "/?\xE1\x88\xB4=bar",
       {},
       "",
       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
      {"get-header-value-trim",
       "GET",
       "/",
       {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}},
       "",
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"get-header-key-duplicate",
       "GET",
       "/",
       {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}},
       "",
       "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
      {"get-header-value-order",
       "GET",
       "/",
       {{"My-Header1", "value4"},
        {"My-Header1", "value1"},
        {"My-Header1", "value3"},
        {"My-Header1", "value2"}},
       "",
       "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"},
      // The suite's request.txt folds My-Header1 over three lines; its expected canonical
      // form (query-canonical-request.txt) reads each continuation line as another value of
      // the header: "my-header1:value1,value2,value3".
      {"get-header-value-multiline",
       "GET",
       "/",
       {{"My-Header1", "value1"}, {"My-Header1", "  value2"}, {"My-Header1", "     value3"}},
       "",
       "ba17b383a53190154eb5fa66a1b836cc297cc0a3d70a5d00705980573d8ff790"},
      {"post-vanilla",
       "POST",
       "/",
       {},
       "",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"post-x-www-form-urlencoded (signed body header)",
       "POST",
       "/",
       {{"Content-Type", "application/x-www-form-urlencoded"},
        {"Content-Length", "13"},
        {"x-amz-content-sha256",
         "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"}},
       "Param1=value1",
       "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"},
  };
}

TEST(SigV4SuiteTest, HeaderSignedCasesMatchPublishedSignatures) {
  for (const SuiteCase& c : HeaderSuiteCases()) {
    SCOPED_TRACE(c.name);
    http::HttpRequest request;
    request.method = c.method;
    request.url = std::string("https://example.amazonaws.com") + c.target;
    request.headers.emplace_back("Host", "example.amazonaws.com");
    for (const auto& h : c.headers) request.headers.push_back(h);
    request.body = c.body;
    auto result = SignRequest(request, SuiteCredentials(), SuiteConfig());
    ASSERT_TRUE(result.ok()) << result.error().ToString();
    EXPECT_EQ(result->signature, c.signature) << result->canonical_request;
  }
}

TEST(SigV4SuiteTest, HeaderTrimCanonicalRequest) {
  http::HttpRequest request;
  request.url = "https://example.amazonaws.com/";
  request.headers = {{"Host", "example.amazonaws.com"},
                     {"My-Header1", " value1"},
                     {"My-Header2", " \"a   b   c\""},
                     {"X-Amz-Date", "20150830T123600Z"}};
  EXPECT_EQ(CanonicalRequest(request, SuiteConfig(), kEmptySha256),
            "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\n"
            "x-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(SigV4SuiteTest, MultilineAndDuplicateHeadersCanonicalForm) {
  http::HttpRequest request;
  request.url = "https://example.amazonaws.com/";
  request.headers = {{"Host", "example.amazonaws.com"},
                     {"My-Header1", "value1\n  value2\n     value3"},
                     {"my-header2", "b"},
                     {"MY-HEADER2", "a"}};
  std::string cr = CanonicalRequest(request, SuiteConfig(), kEmptySha256);
  EXPECT_NE(cr.find("\nmy-header1:value1 value2 value3\nmy-header2:b,a\n"), std::string::npos)
      << cr;
}

TEST(SigV4SuiteTest, SessionTokenIsSignedInHeader) {
  http::HttpRequest request;
  request.url = "https://example.amazonaws.com/";
  request.headers = {{"Host", "example.amazonaws.com"}};
  AwsCredentials creds = SuiteCredentials();
  creds.session_token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
  auto result = SignRequest(request, creds, SuiteConfig());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->signature, "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8");
  EXPECT_EQ(result->signed_headers, "host;x-amz-date;x-amz-security-token");
  EXPECT_EQ(http::FindHeader(request.headers, "x-amz-security-token").value_or(""),
            creds.session_token);
}

TEST(SigV4SuiteTest, UnnormalizedSlashesWithS3Rules) {
  // get-slashes-unnormalized: the path is signed as sent.
  http::HttpRequest request;
  request.url = "https://example.amazonaws.com//example//";
  request.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  SigningConfig config = SuiteConfig();
  config.s3_rules = true;
  std::string cr = CanonicalRequest(request, config, kEmptySha256);
  EXPECT_EQ(cr.substr(0, cr.find('\n', 4)), "GET\n//example//");
  std::string sts = StringToSign(cr, config);
  crypto::HmacSha256Key key(
      DeriveSigningKey(SuiteCredentials().secret_access_key, "20150830", "us-east-1", "service"));
  EXPECT_EQ(SignatureHex(key, sts),
            "87cca117541a147f6df867677d98a7d80dff226d2bfca9e4ffa899665623c7e5");
}

TEST(SigV4SuiteTest, PresignedQueryOrderKeyCase) {
  http::HttpRequest request;
  request.url = "https://example.amazonaws.com/?Param2=value2&Param1=value1";
  auto result = PresignRequest(request, SuiteCredentials(), SuiteConfig(), 3600);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->signature, "86012e2c9ad4d77369f5d81c11f75158aae4f895a085212cc6d3f923d300bed5")
      << result->canonical_request;
  EXPECT_EQ(result->presigned_url,
            "https://example.amazonaws.com/?Param2=value2&Param1=value1&"
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&"
            "X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&"
            "X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&"
            "X-Amz-Signature=86012e2c9ad4d77369f5d81c11f75158aae4f895a085212cc6d3f923d300bed5");
}

// The suite's cases whose context.json changes a signer setting: "normalize": false (path
// signed as sent but still encoded twice, no x-amz-content-sha256), "sign_body": true (the
// x-amz-content-sha256 header), "omit_session_token" (post-sts-header-after) and a session
// token signed in the header (post-sts-header-before). Each setting is independent of the
// others, as in aws-c-auth's signing_config.
// https://github.com/awslabs/aws-c-auth/tree/main/tests/aws-signing-test-suite/v4
struct SettingsCase {
  std::string name;
  std::string method = "GET";
  std::string target = "/";
  std::vector<http::Header> headers;
  std::string body;
  std::optional<bool> normalize_path;
  std::optional<bool> signed_body_header;
  bool unsigned_payload = false;
  std::string session_token;
  bool omit_session_token = false;
  std::string signed_headers;
  std::string signature;
};

constexpr const char* kStsToken =
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfI"
    "eoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/"
    "kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0w"
    "q5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+"
    "scqKmlzm8FDrypNC"
    "9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

std::vector<SettingsCase> SettingsSuiteCases() {
  std::vector<SettingsCase> cases;
  auto unnormalized = [&](const char* name, const char* target, const char* signature) {
    SettingsCase c;
    c.name = name;
    c.target = target;
    c.normalize_path = false;
    c.signed_headers = "host;x-amz-date";
    c.signature = signature;
    cases.push_back(std::move(c));
  };
  unnormalized("get-relative-unnormalized", "/example/..",
               "eca7ead57bb5aa5c8e28007acd4ff04e1ff9a0ff3b237ec1554a184887ff9282");
  unnormalized("get-relative-relative-unnormalized", "/example1/example2/../..",
               "dc33e0856fd4baca4d7aa2146c38958283844764f38c74252a333df5e613003b");
  unnormalized("get-slash-dot-slash-unnormalized", "/./",
               "68714168e6557f8f2de0ef956fc24dc2593a4bd2961f8df51898d8a134695145");
  unnormalized("get-slash-pointless-dot-unnormalized", "/./example",
               "beb03f223f7deae4146464f06e29eebbee9c8afbe15c290cf07aa8b119e14cff");
  unnormalized("get-slash-unnormalized", "//",
               "c88bcd3d312d75078c0cd961d6deae3f4c754924b01669efcfcb439fd5e5b76e");
  unnormalized("get-slashes-unnormalized", "//example//",
               "87cca117541a147f6df867677d98a7d80dff226d2bfca9e4ffa899665623c7e5");
  unnormalized("get-space-unnormalized", "/example space/",
               "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741");
  {
    SettingsCase c;
    c.name = "post-x-www-form-urlencoded (sign_body)";
    c.method = "POST";
    c.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Content-Length", "13"}};
    c.body = "Param1=value1";
    c.signed_body_header = true;
    c.signed_headers = "content-length;content-type;host;x-amz-content-sha256;x-amz-date";
    c.signature = "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b";
    cases.push_back(std::move(c));
  }
  {
    SettingsCase c;
    c.name = "post-unsigned-payload (sign_body, UNSIGNED-PAYLOAD)";
    c.method = "POST";
    c.headers = {{"Content-Length", "13"}};
    c.body = "Param1=value1";
    c.signed_body_header = true;
    c.unsigned_payload = true;
    c.signed_headers = "content-length;host;x-amz-content-sha256;x-amz-date";
    c.signature = "9fb60e8938d2178a7d63b49e055d1e65d8f6226f38846e8e0293bf43ce29050c";
    cases.push_back(std::move(c));
  }
  {
    SettingsCase c;
    c.name = "post-sts-header-before";
    c.method = "POST";
    c.session_token = kStsToken;
    c.signed_headers = "host;x-amz-date;x-amz-security-token";
    c.signature = "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead";
    cases.push_back(std::move(c));
  }
  {
    SettingsCase c;
    c.name = "post-sts-header-after (omit_session_token)";
    c.method = "POST";
    c.session_token = kStsToken;
    c.omit_session_token = true;
    c.signed_headers = "host;x-amz-date";
    c.signature = "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b";
    cases.push_back(std::move(c));
  }
  return cases;
}

TEST(SigV4SuiteTest, SettingsCasesMatchPublishedSignatures) {
  for (const SettingsCase& c : SettingsSuiteCases()) {
    SCOPED_TRACE(c.name);
    http::HttpRequest request;
    request.method = c.method;
    request.url = "https://example.amazonaws.com" + c.target;
    request.headers.emplace_back("Host", "example.amazonaws.com");
    for (const auto& h : c.headers) request.headers.push_back(h);
    request.body = c.body;
    SigningConfig config = SuiteConfig();
    config.normalize_path = c.normalize_path;
    config.signed_body_header = c.signed_body_header;
    config.unsigned_payload = c.unsigned_payload;
    config.omit_session_token = c.omit_session_token;
    AwsCredentials creds = SuiteCredentials();
    creds.session_token = c.session_token;
    auto result = SignRequest(request, creds, config);
    ASSERT_TRUE(result.ok()) << result.error().ToString();
    EXPECT_EQ(result->signed_headers, c.signed_headers) << result->canonical_request;
    EXPECT_EQ(result->signature, c.signature) << result->canonical_request;
    EXPECT_EQ(http::FindHeader(request.headers, "x-amz-content-sha256").has_value(),
              c.signed_headers.find("x-amz-content-sha256") != std::string::npos);
    if (!c.session_token.empty()) {
      // Signed or not, the token travels with the request.
      EXPECT_EQ(http::FindHeader(request.headers, "x-amz-security-token").value_or(""),
                c.session_token);
    }
  }
}

// post-x-www-form-urlencoded, query-signed with "sign_body": the x-amz-content-sha256 header
// is signed among the headers and the body hash is the payload line
// (query-canonical-request.txt, query-signed-request.txt).
TEST(SigV4SuiteTest, PresignedWithSignedBodyHeader) {
  http::HttpRequest request;
  request.method = "POST";
  request.url = "https://example.amazonaws.com/";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Host", "example.amazonaws.com"},
                     {"Content-Length", "13"}};
  request.body = "Param1=value1";
  SigningConfig config = SuiteConfig();
  config.signed_body_header = true;
  auto result = PresignRequest(request, SuiteCredentials(), config, 3600);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->signed_headers, "content-length;content-type;host;x-amz-content-sha256");
  EXPECT_EQ(result->signature, "c2348f57d08c84939944d6c878b3f7be56316f8e7fd6817e81eded279a362d69")
      << result->canonical_request;
}

// Unnormalized canonical URIs as the suite's canonical requests give them: dot segments and
// empty segments kept, the path encoded twice.
TEST(SigV4SuiteTest, UnnormalizedCanonicalUris) {
  EXPECT_EQ(CanonicalUri("/example/..", false, true), "/example/..");
  EXPECT_EQ(CanonicalUri("/./example", false, true), "/./example");
  EXPECT_EQ(CanonicalUri("//", false, true), "//");
  EXPECT_EQ(CanonicalUri("/example space/", false, true), "/example%20space/");
  EXPECT_EQ(CanonicalUri("/a%20b", false, true), "/a%2520b");
  EXPECT_EQ(CanonicalUri("/a%20b", false, false), "/a%20b");
  EXPECT_EQ(CanonicalUri("/a/./b%20c", true, false), "/a/b%20c");
  EXPECT_EQ(CanonicalUri("", false, true), "/");
}

// S3 still implies its defaults, and each can be overridden on its own.
TEST(SigV4SuiteTest, S3RulesAreDefaultsOfIndependentSettings) {
  SigningConfig s3 = SuiteConfig("s3");
  s3.s3_rules = true;
  EXPECT_FALSE(s3.NormalizesPath());
  EXPECT_FALSE(s3.DoubleEncodes());
  EXPECT_TRUE(s3.AddsBodyHeader());
  s3.signed_body_header = false;
  EXPECT_FALSE(s3.AddsBodyHeader());
  EXPECT_FALSE(s3.NormalizesPath());
  SigningConfig general = SuiteConfig();
  EXPECT_TRUE(general.NormalizesPath());
  EXPECT_TRUE(general.DoubleEncodes());
  EXPECT_FALSE(general.AddsBodyHeader());
  general.normalize_path = false;
  EXPECT_TRUE(general.DoubleEncodes());
  EXPECT_FALSE(general.AddsBodyHeader());

  http::HttpRequest request;
  request.url = "https://examplebucket.s3.amazonaws.com/a/../b";
  auto result = SignRequest(request, S3DocCredentials(), s3);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->canonical_request.substr(0, 11), "GET\n/a/../b");
  EXPECT_FALSE(http::FindHeader(request.headers, "x-amz-content-sha256").has_value());
}

// The SigV4 documentation's worked example: IAM ListUsers.
TEST(SigV4DocsTest, IamListUsersExample) {
  http::HttpRequest request;
  request.url = "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                     {"Host", "iam.amazonaws.com"}};
  auto result = SignRequest(request, SuiteCredentials(), SuiteConfig("iam"));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->canonical_request,
            "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
            "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
            "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "content-type;host;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(result->string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(result->authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST(SigV4DocsTest, DeriveSigningKeyExample) {
  EXPECT_EQ(HexEncode(DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215",
                                       "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigV4S3DocsTest, GetObjectWithRange) {
  http::HttpRequest request;
  request.url = "https://examplebucket.s3.amazonaws.com/test.txt";
  request.headers = {{"Range", "bytes=0-9"}};
  auto result = SignRequest(request, S3DocCredentials(), S3DocConfig());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(
      result->canonical_request,
      "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(result->string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(SignatureOf(*result),
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(http::FindHeader(request.headers, "x-amz-content-sha256").value_or(""), kEmptySha256);
}

TEST(SigV4S3DocsTest, PutObjectWithContent) {
  // The documented request signs both Date and x-amz-date, so it is checked stage by stage
  // (SignRequest would rewrite Date, as botocore does).
  http::HttpRequest request;
  request.method = "PUT";
  request.url = "https://examplebucket.s3.amazonaws.com/test$file.text";
  request.body = "Welcome to Amazon S3.";
  const std::string body_hash = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
  request.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                     {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                     {"x-amz-date", "20130524T000000Z"},
                     {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                     {"x-amz-content-sha256", body_hash}};
  SigningConfig config = S3DocConfig();
  std::string cr = CanonicalRequest(request, config, "");
  EXPECT_EQ(cr,
            "PUT\n/test%24file.text\n\ndate:Fri, 24 May 2013 00:00:00 GMT\n"
            "host:examplebucket.s3.amazonaws.com\nx-amz-content-sha256:" +
                body_hash +
                "\nx-amz-date:20130524T000000Z\nx-amz-storage-class:REDUCED_REDUNDANCY\n\n"
                "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class\n" +
                body_hash);
  std::string sts = StringToSign(cr, config);
  EXPECT_EQ(sts,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
  crypto::HmacSha256Key key(
      DeriveSigningKey(S3DocCredentials().secret_access_key, "20130524", "us-east-1", "s3"));
  EXPECT_EQ(SignatureHex(key, sts),
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4S3DocsTest, PutObjectBodyIsHashed) {
  http::HttpRequest request;
  request.method = "PUT";
  request.url = "https://examplebucket.s3.amazonaws.com/test$file.text";
  request.body = "Welcome to Amazon S3.";
  auto result = SignRequest(request, S3DocCredentials(), S3DocConfig());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(http::FindHeader(request.headers, "x-amz-content-sha256").value_or(""),
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
}

TEST(SigV4S3DocsTest, GetBucketLifecycleAndListObjects) {
  {
    http::HttpRequest request;
    request.url = "https://examplebucket.s3.amazonaws.com/?lifecycle";
    auto result = SignRequest(request, S3DocCredentials(), S3DocConfig());
    ASSERT_TRUE(result.ok());
    EXPECT_NE(result->canonical_request.find("\n/\nlifecycle=\n"), std::string::npos);
    EXPECT_EQ(result->signature,
              "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  }
  {
    http::HttpRequest request;
    request.url = "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J";
    auto result = SignRequest(request, S3DocCredentials(), S3DocConfig());
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->signature,
              "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
  }
}

TEST(SigV4S3DocsTest, PresignedGetObject) {
  http::HttpRequest request;
  request.url = "https://examplebucket.s3.amazonaws.com/test.txt";
  auto result = PresignRequest(request, S3DocCredentials(), S3DocConfig(), 86400);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->canonical_request,
            "GET\n/test.txt\n"
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&"
            "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&"
            "X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\n"
            "host:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD");
  EXPECT_EQ(result->signature, "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  EXPECT_EQ(result->presigned_url,
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&"
            "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&"
            "X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&"
            "X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

}  // namespace
}  // namespace crossdock::aws::sigv4
