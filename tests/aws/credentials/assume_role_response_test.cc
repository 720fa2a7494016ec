// Parsing AssumeRole answers: AWS's documented response and Ceph RGW's variant.
#include "crossdock/aws/sts/assume_role_response.h"

#include <gtest/gtest.h>

#include "crossdock/core/time_format.h"

namespace crossdock::aws::sts {
namespace {

// The example response of the STS API reference (AssumeRole), with its namespace and
// whitespace-padded session token.
constexpr const char* kAwsDocumented =
    R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<AssumeRoleResult>
<SourceIdentity>Alice</SourceIdentity>
  <AssumedRoleUser>
    <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>
    <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>
  </AssumedRoleUser>
  <Credentials>
    <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
    <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
    <SessionToken>
     AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==
    </SessionToken>
    <Expiration>2019-11-09T13:34:41Z</Expiration>
  </Credentials>
  <PackedPolicySize>6</PackedPolicySize>
</AssumeRoleResult>
<ResponseMetadata>
<RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
</ResponseMetadata>
</AssumeRoleResponse>)";

// What Ceph RGW 16.2 sends (captured from the test peer): no namespace, no metadata,
// <AssumeRoleId>, nanosecond Expiration.
constexpr const char* kRgw =
    "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>uo4tbDBpkddzU4yogks"
    "</AccessKeyId><Expiration>2026-11-22T18:52:54.982774564Z</Expiration><SecretAccessKey>"
    "AFN9BR4P5AIG0G9DCJPPEYO223SMVLNF0HL852N</SecretAccessKey><SessionToken>HuS811VnPYGKsSH6U"
    "wUbdi1F0oUQjtV7g2gng9UjAvLOSBwO3/MKk5LOkyNrbmRPDGdmuQ0X/Yrzj4wZUzTCyhAMKUkVQ==</Session"
    "Token></Credentials><AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/vendor-"
    "sync/probe1</Arn><AssumeRoleId>da995618-a1d0-47c1-a995-53d842bab403:probe1</AssumeRoleId>"
    "</AssumedRoleUser><PackedPolicySize>0</PackedPolicySize></AssumeRoleResult>"
    "</AssumeRoleResponse>";

TEST(ParseAssumeRoleResponse, AwsDocumentedExample) {
  auto r = ParseAssumeRoleResponse(kAwsDocumented);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->credentials.access_key_id, "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(r->credentials.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
  EXPECT_TRUE(r->credentials.session_token.starts_with("AQoDYXdzEPT//"));
  EXPECT_TRUE(r->credentials.session_token.ends_with("oLxBA=="));  // padding trimmed
  ASSERT_TRUE(r->credentials.expiration.has_value());
  EXPECT_EQ(FormatIso8601(*r->credentials.expiration), "2019-11-09T13:34:41Z");
  EXPECT_EQ(r->assumed_role_user.arn, "arn:aws:sts::123456789012:assumed-role/demo/TestAR");
  EXPECT_EQ(r->assumed_role_user.id, "ARO123EXAMPLE123:TestAR");
  EXPECT_EQ(r->source_identity, "Alice");
  EXPECT_EQ(r->packed_policy_size, 6);
  EXPECT_EQ(r->request_id, "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
}

TEST(ParseAssumeRoleResponse, RgwVariantWithAssumeRoleIdAndNanoseconds) {
  auto r = ParseAssumeRoleResponse(kRgw);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->credentials.access_key_id, "uo4tbDBpkddzU4yogks");
  EXPECT_EQ(r->assumed_role_user.id, "da995618-a1d0-47c1-a995-53d842bab403:probe1");
  EXPECT_EQ(r->assumed_role_user.arn, "arn:aws:sts::111122223333:assumed-role/vendor-sync/probe1");
  ASSERT_TRUE(r->credentials.expiration.has_value());
  // Fractional seconds are kept below the second, not rounded up past it.
  EXPECT_EQ(FormatIso8601(*r->credentials.expiration), "2026-11-22T18:52:54Z");
  EXPECT_GT(*r->credentials.expiration, *ParseIso8601("2026-11-22T18:52:54Z"));
  EXPECT_EQ(r->packed_policy_size, 0);
  EXPECT_EQ(r->request_id, "");
}

TEST(ParseAssumeRoleResponse, NamespacePrefixesAreIgnored) {
  std::string prefixed =
      "<sts:AssumeRoleResponse xmlns:sts=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
      "<sts:AssumeRoleResult><sts:Credentials><sts:AccessKeyId>A</sts:AccessKeyId>"
      "<sts:SecretAccessKey>S</sts:SecretAccessKey><sts:SessionToken>T</sts:SessionToken>"
      "<sts:Expiration>2030-01-01T00:00:00.5+00:00</sts:Expiration></sts:Credentials>"
      "</sts:AssumeRoleResult></sts:AssumeRoleResponse>";
  auto r = ParseAssumeRoleResponse(prefixed);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->credentials.session_token, "T");
  EXPECT_EQ(r->packed_policy_size, -1);
}

TEST(ParseAssumeRoleResponse, MissingPiecesAreNamedAndSecretsNotQuoted) {
  struct Case {
    std::string body;
    const char* names;
  } cases[] = {
      {"not xml at all", "well-formed"},
      {"<Error><Code>AccessDenied</Code></Error>", "<AssumeRoleResult>"},
      {"<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>", "<Credentials>"},
      {"<AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>SECRET"
       "</SecretAccessKey><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>"
       "</AssumeRoleResult>",
       "<SessionToken>"},
      {"<AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>SECRET"
       "</SecretAccessKey><SessionToken>T</SessionToken><Expiration>tomorrow</Expiration>"
       "</Credentials></AssumeRoleResult>",
       "Expiration 'tomorrow'"},
  };
  for (const auto& c : cases) {
    auto r = ParseAssumeRoleResponse(c.body);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_NE(r.error().message().find(c.names), std::string::npos) << r.error().message();
    EXPECT_EQ(r.error().message().find("SECRET"), std::string::npos);
  }
}

}  // namespace
}  // namespace crossdock::aws::sts
