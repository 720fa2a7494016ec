// STS AssumeRole and the credential providers against the real peer (Ceph RGW, and the
// External ID front for ExternalId enforcement), over the real curl transport.
//
// Facts checked here about the peer (design for AWS, tolerate these): a role that does not
// exist answers 404 NoSuchEntity (AWS: 403 AccessDenied); a DurationSeconds above the role's
// MaxSessionDuration answers InvalidArgument with no message (AWS: ValidationError naming
// DurationSeconds); role chaining is permitted.
#include <gtest/gtest.h>

#include <random>

#include "crossdock/aws/aws_client.h"
#include "crossdock/aws/credentials/assume_role_provider.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/http/curl_transport.h"
#include "testing/peers.h"

namespace crossdock::aws {
namespace {

using crossdock::testing::Env;

#define REQUIRE_RGW()                                                                          \
  REQUIRE_PEER("RGW_ENDPOINT", "RGW_REGION", "RGW_VENDOR_ACCESS_KEY", "RGW_VENDOR_SECRET_KEY", \
               "RGW_INTRUDER_ACCESS_KEY", "RGW_INTRUDER_SECRET_KEY", "RGW_ROLE_ARN",           \
               "RGW_RO_ROLE_ARN", "RGW_BUCKET", "RGW_PREFIX", "RGW_CUSTOMER_ACCOUNT",          \
               "RGW_VENDOR_ARN")

CredentialsProviderPtr Keys(const char* key_var, const char* secret_var) {
  AwsCredentials c;
  c.access_key_id = Env(key_var);
  c.secret_access_key = Env(secret_var);
  return std::make_shared<StaticCredentialsProvider>(c);
}
CredentialsProviderPtr VendorKeys() {
  return Keys("RGW_VENDOR_ACCESS_KEY", "RGW_VENDOR_SECRET_KEY");
}
CredentialsProviderPtr IntruderKeys() {
  return Keys("RGW_INTRUDER_ACCESS_KEY", "RGW_INTRUDER_SECRET_KEY");
}

std::shared_ptr<http::HttpTransport> Transport() {
  static auto transport = std::make_shared<http::CurlTransport>();
  return transport;
}

std::string Unique() {
  std::random_device rd;
  return std::to_string(rd() % 100000000);
}

AssumeRoleOptions RoleOptions(const std::string& role_arn, const std::string& endpoint) {
  AssumeRoleOptions o;
  o.role_arn = role_arn;
  o.role_session_name = MakeRoleSessionName("itest", Unique());
  o.region = Env("RGW_REGION");
  o.endpoint_override = endpoint;
  return o;
}

sts::StsClient Sts(CredentialsProviderPtr source, const std::string& endpoint,
                   const std::string& caller = {}) {
  sts::StsClientOptions options;
  options.region = Env("RGW_REGION");
  options.endpoint_override = endpoint;
  options.caller = caller;
  auto client =
      sts::StsClient::Create(Transport(), std::move(source), SystemClock::Instance(), options);
  EXPECT_TRUE(client.ok());
  return std::move(client).value();
}

sts::AssumeRoleParams Params(const std::string& role_arn, const std::string& external_id = {}) {
  sts::AssumeRoleParams p;
  p.role_arn = role_arn;
  p.role_session_name = MakeRoleSessionName("itest", Unique());
  p.external_id = external_id;
  p.duration_seconds = 900;
  return p;
}

// A signed S3 request with the given credentials through AwsClient.
Result<http::HttpResponse> S3Send(CredentialsProviderPtr creds, const std::string& method,
                                  const std::string& path_and_query, std::string body = {}) {
  AwsClient client(Transport(), std::move(creds), SystemClock::Instance());
  AwsRequest r;
  r.http.method = method;
  r.http.url = Env("RGW_ENDPOINT") + path_and_query;
  r.http.body = std::move(body);
  r.signing.region = Env("RGW_REGION");
  r.signing.service = "s3";
  r.signing.s3_rules = true;
  r.operation = method + " " + path_and_query;
  return client.Send(r);
}
Result<http::HttpResponse> S3Get(CredentialsProviderPtr creds, const std::string& path_and_query) {
  return S3Send(std::move(creds), "GET", path_and_query);
}

TEST(StsPeer, VendorAssumesVendorSync) {
  REQUIRE_RGW();
  auto params = Params(Env("RGW_ROLE_ARN"));
  auto r = Sts(VendorKeys(), Env("RGW_ENDPOINT")).AssumeRole(params);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->assumed_role_user.arn, "arn:aws:sts::" + Env("RGW_CUSTOMER_ACCOUNT") +
                                          ":assumed-role/vendor-sync/" + params.role_session_name);
  EXPECT_TRUE(r->assumed_role_user.id.ends_with(":" + params.role_session_name))
      << r->assumed_role_user.id;  // RGW's <AssumeRoleId>
  ASSERT_TRUE(r->credentials.expiration.has_value());
  auto left = *r->credentials.expiration - SystemClock::Instance().Now();
  EXPECT_GT(left, std::chrono::minutes(14));
  EXPECT_LE(left, std::chrono::minutes(16));
  EXPECT_FALSE(r->credentials.session_token.empty());
}

TEST(StsPeer, IntruderIsDeniedWithTypedAccessDenied) {
  REQUIRE_RGW();
  auto r = Sts(IntruderKeys(), Env("RGW_ENDPOINT")).AssumeRole(Params(Env("RGW_ROLE_ARN")));
  ASSERT_FALSE(r.ok());
  const Error& e = r.error();
  EXPECT_EQ(sts::ClassifyStsError(e), sts::StsErrorKind::kAccessDenied);
  EXPECT_EQ(e.code(), ErrorCode::kAccessDenied);
  EXPECT_EQ(e.http_status(), 403);
  EXPECT_FALSE(e.request_id().empty());
  // RGW sends no message, so the caller's key and the role are named from our side.
  EXPECT_NE(e.message().find("the caller (static " + Env("RGW_INTRUDER_ACCESS_KEY") +
                             ") is not allowed to assume role " + Env("RGW_ROLE_ARN")),
            std::string::npos)
      << e.message();
}

TEST(StsPeer, MissingRoleIsNoSuchEntityOnRgw) {
  REQUIRE_RGW();
  std::string role = "arn:aws:iam::" + Env("RGW_CUSTOMER_ACCOUNT") + ":role/does-not-exist";
  auto r = Sts(VendorKeys(), Env("RGW_ENDPOINT"), Env("RGW_VENDOR_ARN")).AssumeRole(Params(role));
  ASSERT_FALSE(r.ok());
  // RGW: 404 NoSuchEntity. AWS answers 403 AccessDenied for a role it will not reveal, which
  // the AccessDenied message covers ("also check that the role exists").
  EXPECT_EQ(sts::ClassifyStsError(r.error()), sts::StsErrorKind::kNoSuchEntity);
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(r.error().http_status(), 404);
  EXPECT_NE(r.error().message().find("role " + role + " does not exist"), std::string::npos)
      << r.error().message();
}

TEST(StsPeer, BadSecretIsRejected) {
  REQUIRE_RGW();
  AwsCredentials c;
  c.access_key_id = Env("RGW_VENDOR_ACCESS_KEY");
  c.secret_access_key = "not-the-secret";
  auto r = Sts(std::make_shared<StaticCredentialsProvider>(c), Env("RGW_ENDPOINT"))
               .AssumeRole(Params(Env("RGW_ROLE_ARN")));
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(r.error().retryable());
  // RGW answers 403 (AccessDenied or SignatureDoesNotMatch); either way not retried and typed.
  EXPECT_TRUE(r.error().code() == ErrorCode::kAccessDenied ||
              r.error().code() == ErrorCode::kUnauthenticated)
      << r.error().ToString();
}

TEST(StsPeer, AssumedCredentialsListInsideThePrefixAndAreDeniedOutside) {
  REQUIRE_RGW();
  auto cache =
      MakeCachedAssumeRole(VendorKeys(), RoleOptions(Env("RGW_ROLE_ARN"), Env("RGW_ENDPOINT")),
                           Transport(), SystemClock::Instance());
  ASSERT_TRUE(cache.ok()) << cache.error().ToString();
  auto list =
      S3Get(*cache, "/" + Env("RGW_BUCKET") + "?list-type=2&prefix=" + Env("RGW_PREFIX") + "/");
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  EXPECT_EQ(list->status, 200);
  EXPECT_NE(list->body.find("<ListBucketResult"), std::string::npos);
  EXPECT_NE(list->body.find("<Prefix>" + Env("RGW_PREFIX") + "/</Prefix>"), std::string::npos);

  // Writing inside the prefix works; outside it the role's policy denies it.
  std::string inside =
      "/" + Env("RGW_BUCKET") + "/" + Env("RGW_PREFIX") + "/creds-itest-" + Unique();
  auto put = S3Send(*cache, "PUT", inside, "hello");
  ASSERT_TRUE(put.ok()) << put.error().ToString();
  auto got = S3Get(*cache, inside);
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(got->body, "hello");
  ASSERT_TRUE(S3Send(*cache, "DELETE", inside).ok());
  auto outside = S3Send(*cache, "PUT", "/" + Env("RGW_BUCKET") + "/outside-" + Unique(), "x");
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().code(), ErrorCode::kAccessDenied) << outside.error().ToString();
  EXPECT_EQ((*cache)->fetches(), 1u);  // every request used the one cached session
}

TEST(StsPeer, RoleChainingVendorSyncThenReadonly) {
  REQUIRE_RGW();
  auto chain = MakeAssumeRoleChain(VendorKeys(),
                                   {RoleOptions(Env("RGW_ROLE_ARN"), Env("RGW_ENDPOINT")),
                                    RoleOptions(Env("RGW_RO_ROLE_ARN"), Env("RGW_ENDPOINT"))},
                                   Transport(), SystemClock::Instance());
  ASSERT_TRUE(chain.ok()) << chain.error().ToString();
  auto creds = (*chain)->GetCredentials();
  ASSERT_TRUE(creds.ok()) << creds.error().ToString();
  auto* last = dynamic_cast<AssumeRoleProvider*>((*chain)->inner().get());
  ASSERT_NE(last, nullptr);
  ASSERT_TRUE(last->last_assumed().has_value());
  EXPECT_NE(last->last_assumed()->user.arn.find(":assumed-role/vendor-readonly/"),
            std::string::npos);
  EXPECT_EQ(last->effective_duration_seconds(), 3600);  // chained: 1 hour at most
  auto list =
      S3Get(*chain, "/" + Env("RGW_BUCKET") + "?list-type=2&prefix=" + Env("RGW_PREFIX") + "/");
  ASSERT_TRUE(list.ok()) << list.error().ToString();
}

TEST(StsPeer, DurationAboveTheRoleMaximumIsDowngraded) {
  REQUIRE_RGW();
  AssumeRoleOptions o = RoleOptions(Env("RGW_ROLE_ARN"), Env("RGW_ENDPOINT"));
  o.duration = std::chrono::hours(12);  // the peer's roles allow 1 hour
  auto provider = AssumeRoleProvider::Create(VendorKeys(), o, Transport(), SystemClock::Instance());
  ASSERT_TRUE(provider.ok());
  auto creds = (*provider)->GetCredentials();
  ASSERT_TRUE(creds.ok()) << creds.error().ToString();
  EXPECT_EQ((*provider)->sts_calls(), 2u);
  EXPECT_EQ((*provider)->effective_duration_seconds(), 3600);
  auto left = *creds->expiration - SystemClock::Instance().Now();
  EXPECT_GT(left, std::chrono::minutes(55));
  EXPECT_LE(left, std::chrono::minutes(61));
  ASSERT_TRUE((*provider)->GetCredentials().ok());
  EXPECT_EQ((*provider)->sts_calls(), 3u);  // later calls go straight to 1 hour
}

TEST(StsPeer, CacheRefreshesFromStsAcrossExpiryOnAnInjectedClock) {
  REQUIRE_RGW();
  // STS signing uses the real clock; the cache's idea of time is advanced by hand.
  AssumeRoleOptions o = RoleOptions(Env("RGW_ROLE_ARN"), Env("RGW_ENDPOINT"));
  o.duration = std::chrono::seconds(900);
  auto provider = AssumeRoleProvider::Create(VendorKeys(), o, Transport(), SystemClock::Instance());
  ASSERT_TRUE(provider.ok());
  ManualClock clock(SystemClock::Instance().Now());
  CachingCredentialsProvider cache(*provider, clock);
  auto first = cache.GetCredentials();
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  clock.Advance(std::chrono::minutes(9));
  EXPECT_EQ(cache.GetCredentials()->access_key_id, first->access_key_id);
  clock.Advance(std::chrono::minutes(1) + std::chrono::seconds(5));  // within 5 min of expiry
  auto second = cache.GetCredentials();
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_NE(second->access_key_id, first->access_key_id);
  EXPECT_EQ((*provider)->sts_calls(), 2u);
  auto list = S3Get(std::make_shared<StaticCredentialsProvider>(*second),
                    "/" + Env("RGW_BUCKET") + "?list-type=2&prefix=" + Env("RGW_PREFIX") + "/");
  ASSERT_TRUE(list.ok()) << list.error().ToString();
}

// ---- External ID, through the front that enforces sts:ExternalId as AWS does ----

#define REQUIRE_FRONT()                                                                         \
  REQUIRE_PEER("CROSSDOCK_STS_ENDPOINT", "RGW_EXTID_ROLE_ARN", "RGW_EXTERNAL_ID", "RGW_REGION", \
               "RGW_VENDOR_ACCESS_KEY", "RGW_VENDOR_SECRET_KEY", "RGW_BUCKET", "RGW_PREFIX",    \
               "RGW_VENDOR_ARN")

TEST(StsExternalId, RightExternalIdIsAccepted) {
  REQUIRE_FRONT();
  auto r = Sts(VendorKeys(), Env("CROSSDOCK_STS_ENDPOINT"))
               .AssumeRole(Params(Env("RGW_EXTID_ROLE_ARN"), Env("RGW_EXTERNAL_ID")));
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_NE(r->assumed_role_user.arn.find(":assumed-role/vendor-sync-extid/"), std::string::npos);
}

TEST(StsExternalId, WrongExternalIdIsAccessDeniedNamingTheVendor) {
  REQUIRE_FRONT();
  auto r = Sts(VendorKeys(), Env("CROSSDOCK_STS_ENDPOINT"))
               .AssumeRole(Params(Env("RGW_EXTID_ROLE_ARN"), "wrong-external-id"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(sts::ClassifyStsError(r.error()), sts::StsErrorKind::kAccessDenied);
  EXPECT_EQ(r.error().code(), ErrorCode::kAccessDenied);
  // The front answers with AWS's message, which names the principal.
  EXPECT_NE(r.error().message().find(Env("RGW_VENDOR_ARN") + " is not allowed to assume role " +
                                     Env("RGW_EXTID_ROLE_ARN")),
            std::string::npos)
      << r.error().message();
  EXPECT_NE(r.error().message().find("External ID sent must equal"), std::string::npos);
}

TEST(StsExternalId, MissingExternalIdIsAccessDenied) {
  REQUIRE_FRONT();
  auto r = Sts(VendorKeys(), Env("CROSSDOCK_STS_ENDPOINT"))
               .AssumeRole(Params(Env("RGW_EXTID_ROLE_ARN")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(sts::ClassifyStsError(r.error()), sts::StsErrorKind::kAccessDenied);
  EXPECT_NE(r.error().message().find("no External ID was sent"), std::string::npos)
      << r.error().message();
}

TEST(StsExternalId, CachedRoleWithExternalIdWorksOnS3) {
  REQUIRE_FRONT();
  AssumeRoleOptions o = RoleOptions(Env("RGW_EXTID_ROLE_ARN"), Env("CROSSDOCK_STS_ENDPOINT"));
  o.external_id = Env("RGW_EXTERNAL_ID");
  auto cache = MakeCachedAssumeRole(VendorKeys(), o, Transport(), SystemClock::Instance());
  ASSERT_TRUE(cache.ok());
  AwsClient client(Transport(), *cache, SystemClock::Instance());
  AwsRequest r;
  r.http.url = Env("CROSSDOCK_STS_ENDPOINT") + "/" + Env("RGW_BUCKET") +
               "?list-type=2&prefix=" + Env("RGW_PREFIX") + "/";
  r.signing.region = Env("RGW_REGION");
  r.signing.service = "s3";
  r.signing.s3_rules = true;
  auto list = client.Send(r);
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  EXPECT_NE(list->body.find("<ListBucketResult"), std::string::npos);
}

}  // namespace
}  // namespace crossdock::aws
