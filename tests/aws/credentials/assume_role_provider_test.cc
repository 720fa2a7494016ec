// AssumeRoleProvider and StsClient over the real AwsClient and signer, with STS answers that
// the real peer cannot give (AWS-shaped errors): the wire request, duration downgrade,
// chaining caps, backoff on denial, session names.
#include "crossdock/aws/credentials/assume_role_provider.h"

#include <gtest/gtest.h>

#include <regex>

#include "aws/credentials/canned_transport.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/core/time_format.h"

namespace crossdock::aws {
namespace {

using testing::AssumeRoleOk;
using testing::CannedTransport;
using testing::StsError;

constexpr const char* kRole = "arn:aws:iam::111122223333:role/vendor-sync";

CredentialsProviderPtr VendorKeys() {
  AwsCredentials c;
  c.access_key_id = "AKIDVENDOR";
  c.secret_access_key = "vendor-secret";
  return std::make_shared<StaticCredentialsProvider>(c);
}

RetryOptions NoRetry() {
  RetryOptions r;
  r.max_attempts = 1;
  return r;
}

AssumeRoleOptions Options() {
  AssumeRoleOptions o;
  o.role_arn = kRole;
  o.role_session_name = "crossdock-acme-1a2b3c4d";
  o.external_id = "ext-id-1234567890";
  o.region = "eu-west-1";
  return o;
}

TEST(StsClient, SendsASignedFormPostToTheRegionalEndpoint) {
  ManualClock clock(*ParseIso8601("2030-01-01T00:00:00Z"));
  auto transport = std::make_shared<CannedTransport>();
  transport->Answer(200, AssumeRoleOk("ASIA1", "2030-01-01T01:00:00Z"));
  sts::StsClientOptions options;
  options.region = "eu-west-1";
  auto client = sts::StsClient::Create(transport, VendorKeys(), clock, options, NoRetry());
  ASSERT_TRUE(client.ok()) << client.error().ToString();
  sts::AssumeRoleParams params;
  params.role_arn = kRole;
  params.role_session_name = "crossdock-acme-1a2b3c4d";
  params.external_id = "ext-id-1234567890";
  params.duration_seconds = 900;
  auto result = client->AssumeRole(params);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->credentials.access_key_id, "ASIA1");
  EXPECT_EQ(result->assumed_role_user.id, "AROAEXAMPLE:s");

  auto sent = transport->sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_EQ(sent[0].url, "https://sts.eu-west-1.amazonaws.com/");
  EXPECT_EQ(sent[0].body,
            "Action=AssumeRole&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fvendor-sync"
            "&RoleSessionName=crossdock-acme-1a2b3c4d&ExternalId=ext-id-1234567890"
            "&DurationSeconds=900");
  EXPECT_EQ(http::FindHeader(sent[0].headers, "Content-Type").value_or(""),
            "application/x-www-form-urlencoded; charset=utf-8");
  std::string auth = http::FindHeader(sent[0].headers, "Authorization").value_or("");
  EXPECT_TRUE(auth.starts_with(
      "AWS4-HMAC-SHA256 Credential=AKIDVENDOR/20300101/eu-west-1/sts/aws4_request"))
      << auth;
  EXPECT_EQ(http::FindHeader(sent[0].headers, "X-Amz-Date").value_or(""), "20300101T000000Z");
}

TEST(StsClient, PartitionsAndOverride) {
  ManualClock clock(*ParseIso8601("2030-01-01T00:00:00Z"));
  auto transport = std::make_shared<CannedTransport>();
  struct Case {
    const char* region;
    const char* override_url;
    const char* endpoint;
  } cases[] = {
      {"cn-north-1", "", "https://sts.cn-north-1.amazonaws.com.cn"},
      {"us-gov-west-1", "", "https://sts.us-gov-west-1.amazonaws.com"},
      {"us-east-1", "", "https://sts.us-east-1.amazonaws.com"},
      {"us-east-1", "http://127.0.0.1:7480/", "http://127.0.0.1:7480"},
  };
  for (const auto& c : cases) {
    sts::StsClientOptions options;
    options.region = c.region;
    options.endpoint_override = c.override_url;
    auto client = sts::StsClient::Create(transport, VendorKeys(), clock, options);
    ASSERT_TRUE(client.ok()) << c.region;
    EXPECT_EQ(client->endpoint(), c.endpoint);
  }
  sts::StsClientOptions bad;
  bad.region = "moon-1";
  EXPECT_FALSE(sts::StsClient::Create(transport, VendorKeys(), clock, bad).ok());
}

TEST(AssumeRoleProvider, InvalidOptionsAreRejectedBeforeAnyCall) {
  ManualClock clock(*ParseIso8601("2030-01-01T00:00:00Z"));
  auto transport = std::make_shared<CannedTransport>();
  AssumeRoleOptions o = Options();
  o.external_id = "has spaces";
  auto p = AssumeRoleProvider::Create(VendorKeys(), o, transport, clock);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().field(), "external_id");
  EXPECT_TRUE(transport->sent().empty());
}

TEST(AssumeRoleProvider, DowngradesDurationWhenTheRoleAllowsLess) {
  ManualClock clock(*ParseIso8601("2030-01-01T00:00:00Z"));
  auto transport = std::make_shared<CannedTransport>();
  transport->Answer(400, StsError("ValidationError",
                                  "The requested DurationSeconds exceeds the MaxSessionDuration "
                                  "set for this role."));
  transport->Answer(200, AssumeRoleOk("ASIA1", "2030-01-01T01:00:00Z"));
  transport->Answer(200, AssumeRoleOk("ASIA2", "2030-01-01T02:00:00Z"));
  AssumeRoleOptions o = Options();
  o.duration = std::chrono::hours(12);
  auto provider = AssumeRoleProvider::Create(VendorKeys(), o, transport, clock, NoRetry());
  ASSERT_TRUE(provider.ok());
  CachingCredentialsProvider cache(*provider, clock);

  auto c = cache.GetCredentials();
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->access_key_id, "ASIA1");
  EXPECT_EQ((*provider)->effective_duration_seconds(), 3600);
  ASSERT_TRUE((*provider)->last_assumed().has_value());
  EXPECT_EQ((*provider)->last_assumed()->duration_seconds, 3600);

  clock.Advance(std::chrono::minutes(56));  // refresh: straight at the downgraded duration
  EXPECT_EQ(cache.GetCredentials()->access_key_id, "ASIA2");
  auto sent = transport->sent();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_NE(sent[0].body.find("&DurationSeconds=43200"), std::string::npos);
  EXPECT_NE(sent[1].body.find("&DurationSeconds=3600"), std::string::npos);
  EXPECT_NE(sent[2].body.find("&DurationSeconds=3600"), std::string::npos);
}

TEST(AssumeRoleProvider, DowngradesForTheRoleChainingLimit) {
  ManualClock clock(*ParseIso8601("2030-01-01T00:00:00Z"));
  auto transport = std::make_shared<CannedTransport>();
  transport->Answer(400, StsError("ValidationError",
                                  "The requested DurationSeconds exceeds the 1 hour session "
                                  "limit for roles assumed by role chaining."));
  transport->Answer(200, AssumeRoleOk("ASIA1", "2030-01-01T01:00:00Z"));
  AssumeRoleOptions o = Options();
  o.duration = std::chrono::hours(2);
  auto provider = AssumeRoleProvider::Create(VendorKeys(), o, transport, clock, NoRetry());
  ASSERT_TRUE(provider.ok());
  ASSERT_TRUE((*provider)->GetCredentials().ok());
  EXPECT_EQ((*provider)->sts_calls(), 2u);
  EXPECT_EQ((*provider)->effective_duration_seconds(), 3600);
}

TEST(AssumeRoleProvider, ChainedHopsStartAtOneHour) {
  ManualClock clock(*ParseIso8601("2030-01-01T00:00:00Z"));
  auto transport = std::make_shared<CannedTransport>();
  transport->Answer(200, AssumeRoleOk("ASIAHOP", "2030-01-01T01:00:00Z"));
  transport->Answer(200, AssumeRoleOk("ASIACUSTOMER", "2030-01-01T01:00:00Z"));
  AssumeRoleOptions hop = Options();
  hop.role_arn = "arn:aws:iam::444455556666:role/crossdock-hop";
  hop.external_id.clear();
  hop.duration = std::chrono::hours(4);
  AssumeRoleOptions customer = Options();
  customer.duration = std::chrono::hours(4);
  auto chain = MakeAssumeRoleChain(VendorKeys(), {hop, customer}, transport, clock, {}, NoRetry());
  ASSERT_TRUE(chain.ok()) << chain.error().ToString();
  auto c = (*chain)->GetCredentials();
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->access_key_id, "ASIACUSTOMER");
  auto sent = transport->sent();
  ASSERT_EQ(sent.size(), 2u);
  // The hop is signed by the vendor's keys and may last 4 hours; the customer role is signed
  // by the hop's session (role chaining) and capped at 1 hour.
  EXPECT_NE(sent[0].body.find("RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fcrossdock-hop"),
            std::string::npos);
  EXPECT_NE(sent[0].body.find("&DurationSeconds=14400"), std::string::npos);
  EXPECT_TRUE(http::FindHeader(sent[0].headers, "Authorization")->find("AKIDVENDOR/") !=
              std::string::npos);
  EXPECT_NE(sent[1].body.find("&DurationSeconds=3600"), std::string::npos);
  EXPECT_TRUE(http::FindHeader(sent[1].headers, "Authorization")->find("ASIAHOP/") !=
              std::string::npos);
  EXPECT_EQ(http::FindHeader(sent[1].headers, "X-Amz-Security-Token").value_or(""), "token");
}

TEST(AssumeRoleProvider, DenialIsTypedAndTheCacheBacksOff) {
  ManualClock clock(*ParseIso8601("2030-01-01T00:00:00Z"));
  auto transport = std::make_shared<CannedTransport>();
  transport->Answer(403, StsError("AccessDenied",
                                  "User: arn:aws:iam::777788889999:user/intruder is not "
                                  "authorized to perform: sts:AssumeRole on resource: "
                                  "arn:aws:iam::111122223333:role/vendor-sync"));
  auto cache = MakeCachedAssumeRole(VendorKeys(), Options(), transport, clock, {}, NoRetry());
  ASSERT_TRUE(cache.ok());
  for (int i = 0; i < 5; ++i) {
    auto c = (*cache)->GetCredentials();
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code(), ErrorCode::kAccessDenied);
    EXPECT_EQ(sts::ClassifyStsError(c.error()), sts::StsErrorKind::kAccessDenied);
    EXPECT_NE(c.error().message().find("arn:aws:iam::777788889999:user/intruder is not allowed "
                                       "to assume role arn:aws:iam::111122223333:role/vendor-sync"),
              std::string::npos)
        << c.error().message();
  }
  EXPECT_EQ(transport->sent().size(), 1u);  // no hammering of STS
}

TEST(AssumeRoleProvider, ValidationErrorOtherThanDurationIsNotRetried) {
  ManualClock clock(*ParseIso8601("2030-01-01T00:00:00Z"));
  auto transport = std::make_shared<CannedTransport>();
  transport->Answer(400, StsError("ValidationError", "Policy is not valid JSON"));
  AssumeRoleOptions o = Options();
  o.duration = std::chrono::hours(12);
  auto provider = AssumeRoleProvider::Create(VendorKeys(), o, transport, clock, NoRetry());
  ASSERT_TRUE(provider.ok());
  auto c = (*provider)->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(transport->sent().size(), 1u);
  EXPECT_EQ((*provider)->effective_duration_seconds(), 43200);
}

TEST(MakeRoleSessionName, TraceableValidAndBounded) {
  EXPECT_EQ(MakeRoleSessionName("acme-s3", "1a2b3c4d"), "crossdock-acme-s3-1a2b3c4d");
  EXPECT_EQ(MakeRoleSessionName("Acme Corp / prod", "1a2b3c4d"),
            "crossdock-Acme-Corp---prod-1a2b3c4d");
  std::string long_name = MakeRoleSessionName(std::string(200, 'x'), "1a2b3c4d");
  EXPECT_EQ(long_name.size(), 64u);
  EXPECT_TRUE(long_name.starts_with("crossdock-xxx"));
  EXPECT_TRUE(long_name.ends_with("-1a2b3c4d"));
  std::regex valid(R"([\w+=,.@-]{2,64})");
  for (const char* label : {"", "a", "üñí", "conn:with:colons", "x y z"}) {
    std::string n = MakeRoleSessionName(label);
    EXPECT_TRUE(std::regex_match(n, valid)) << n;
    EXPECT_TRUE(n.starts_with("crossdock-")) << n;
  }
  EXPECT_NE(MakeRoleSessionName("a"), MakeRoleSessionName("a"));  // random suffix
}

}  // namespace
}  // namespace crossdock::aws
