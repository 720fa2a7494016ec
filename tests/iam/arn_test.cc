// ARN parsing and matching. Format per "IAM identifiers"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html) and the Resource
// element
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
#include "crossdock/iam/arn.h"

#include <gtest/gtest.h>

namespace crossdock::iam {
namespace {

TEST(ArnTest, ParsesComponents) {
  auto arn = ParseArn("arn:aws:iam::123456789012:role/path/demo-role");
  ASSERT_TRUE(arn.ok()) << arn.error().message();
  EXPECT_EQ(arn->partition, "aws");
  EXPECT_EQ(arn->service, "iam");
  EXPECT_EQ(arn->region, "");
  EXPECT_EQ(arn->account, "123456789012");
  EXPECT_EQ(arn->resource, "role/path/demo-role");
  EXPECT_EQ(arn->ToString(), "arn:aws:iam::123456789012:role/path/demo-role");
}

TEST(ArnTest, ResourceMayContainColons) {
  auto arn = ParseArn("arn:aws:s3:::bucket/a:b/c");
  ASSERT_TRUE(arn.ok());
  EXPECT_EQ(arn->resource, "bucket/a:b/c");
}

// Seed 002 prints arn:aws:iam:::123456789012:role/demo-role (one colon too many).
TEST(ArnTest, RejectsExtraColonAfterServiceNamingTheAccount) {
  auto arn = ParseArn("arn:aws:iam:::123456789012:role/demo-role");
  ASSERT_FALSE(arn.ok());
  EXPECT_EQ(arn.error().field(), "arn.account");
  EXPECT_NE(arn.error().message().find("one colon too many"), std::string::npos);
  EXPECT_NE(arn.error().message().find("arn:aws:iam::123456789012:role/demo-role"),
            std::string::npos);
}

struct BadArn {
  const char* text;
  const char* field;
};

class BadArnTest : public ::testing::TestWithParam<BadArn> {};

TEST_P(BadArnTest, NamesTheComponent) {
  auto arn = ParseArn(GetParam().text);
  ASSERT_FALSE(arn.ok()) << GetParam().text;
  EXPECT_EQ(arn.error().field(), GetParam().field) << arn.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    Components, BadArnTest,
    ::testing::Values(BadArn{"", "arn.prefix"}, BadArn{"ARN:aws:s3:::b", "arn.prefix"},
                      BadArn{"123456789012", "arn.prefix"}, BadArn{"arn:aws:s3", "arn.resource"},
                      BadArn{"arn:aws-gov:s3:::bucket", "arn.partition"},
                      BadArn{"arn:aws::::x", "arn.service"},
                      BadArn{"arn:aws:S3:::bucket", "arn.service"},
                      BadArn{"arn:aws:kms:useast:123456789012:key/1", "arn.region"},
                      BadArn{"arn:aws:iam::12345:role/x", "arn.account"},
                      BadArn{"arn:aws:iam::123456789012:", "arn.resource"},
                      BadArn{"arn:aws:iam:us-east-1:123456789012:role/x", "arn.region"},
                      BadArn{"arn:aws:iam::123456789012:rol/x", "arn.resource"},
                      BadArn{"arn:aws:s3:::Bad_Bucket", "arn.resource"},
                      BadArn{"arn:aws:s3:us-east-1::bucket", "arn.region"},
                      BadArn{"arn:aws:kms::123456789012:key/1", "arn.region"},
                      BadArn{"arn:aws:kms:us-east-1:123456789012:secret/1", "arn.resource"},
                      BadArn{"arn:aws:s3:::bucket/*", "arn.resource"},
                      // Found by fuzz/arn_parser_fuzz.cc: a control character in the key.
                      BadArn{"arn:aws:s3:::bkt/a\x1f*", "arn.resource"},
                      BadArn{"arn:aws:iam::123456789012:role/a\nb", "arn.resource"}));

TEST(ArnTest, PatternsAllowWildcards) {
  EXPECT_TRUE(ParseArnPattern("*").ok());
  EXPECT_TRUE(ParseArnPattern("arn:aws:s3:::bucket/*").ok());
  EXPECT_TRUE(ParseArnPattern("arn:aws:iam::*:role/x").ok());
  EXPECT_TRUE(ParseArnPattern("arn:*:s3:::b?cket").ok());
  EXPECT_FALSE(ParseArnPattern("arn:aws:iam:::123456789012:role/demo-role").ok());
}

TEST(ArnTest, Partitions) {
  EXPECT_EQ(*PartitionForRegion("us-east-1"), "aws");
  EXPECT_EQ(*PartitionForRegion("eu-central-2"), "aws");
  EXPECT_EQ(*PartitionForRegion("cn-north-1"), "aws-cn");
  EXPECT_EQ(*PartitionForRegion("us-gov-west-1"), "aws-us-gov");
  auto bad = PartitionForRegion("virginia");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field(), "region");
}

TEST(ArnTest, GlobMatch) {
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("a*c", "abbbc"));
  EXPECT_TRUE(GlobMatch("a?c", "abc"));
  EXPECT_FALSE(GlobMatch("a?c", "ac"));
  EXPECT_TRUE(GlobMatch("*b*", "aaabaaa"));
  EXPECT_FALSE(GlobMatch("abc", "ABC"));
  EXPECT_TRUE(GlobMatch("abc", "ABC", true));
  EXPECT_TRUE(GlobMatch("s3:get*", "s3:GetObject", true));
  std::string literal_star = std::string("a") + kGlobEscape + "*";
  EXPECT_TRUE(GlobMatch(literal_star, "a*"));
  EXPECT_FALSE(GlobMatch(literal_star, "ab"));
}

TEST(ArnTest, ArnMatchIsPerComponent) {
  EXPECT_TRUE(ArnMatch("*", "arn:aws:s3:::b"));
  EXPECT_TRUE(ArnMatch("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y"));
  EXPECT_FALSE(ArnMatch("arn:aws:s3:::b/*", "arn:aws:s3:::b"));
  EXPECT_TRUE(ArnMatch("arn:aws:iam::*:role/x", "arn:aws:iam::123456789012:role/x"));
  // A wildcard in the account component does not reach into the resource.
  EXPECT_FALSE(ArnMatch("arn:aws:iam::*", "arn:aws:iam::123456789012:role/x"));
  EXPECT_TRUE(ArnMatch("arn:aws:iam::*:*", "arn:aws:iam::123456789012:role/x"));
  EXPECT_FALSE(ArnMatch("arn:aws:s3:::b", "not-an-arn"));
}

}  // namespace
}  // namespace crossdock::iam
