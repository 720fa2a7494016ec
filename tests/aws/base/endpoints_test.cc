// Partitions, region validation and endpoint URLs.
// Regional STS endpoints: https://docs.aws.amazon.com/general/latest/gr/sts.html
// China: https://docs.amazonaws.cn/en_us/aws/latest/userguide/endpoints-Beijing.html
#include "crossdock/aws/endpoints.h"

#include <gtest/gtest.h>

namespace crossdock::aws {
namespace {

TEST(Endpoints, PartitionsByRegion) {
  EXPECT_EQ(PartitionForRegion("us-east-1")->id, "aws");
  EXPECT_EQ(PartitionForRegion("eu-central-2")->id, "aws");
  EXPECT_EQ(PartitionForRegion("cn-north-1")->id, "aws-cn");
  EXPECT_EQ(PartitionForRegion("cn-north-1")->dns_suffix, "amazonaws.com.cn");
  EXPECT_EQ(PartitionForRegion("us-gov-west-1")->id, "aws-us-gov");
}

TEST(Endpoints, MalformedAndUnknownRegions) {
  for (const char* bad : {"", "useast1", "US-EAST-1", "us-east-", "-east-1", "us east 1"}) {
    auto r = PartitionForRegion(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field(), "region");
  }
  EXPECT_TRUE(ValidateRegion("us-west-2").ok());
  auto typo = ValidateRegion("us-east-7");
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error().field(), "region");
  EXPECT_NE(typo.error().message().find("us-east-7"), std::string::npos);
}

TEST(Endpoints, ServiceUrls) {
  EXPECT_EQ(*StsEndpoint("eu-west-1"), "https://sts.eu-west-1.amazonaws.com");
  EXPECT_EQ(*StsEndpoint("cn-northwest-1"), "https://sts.cn-northwest-1.amazonaws.com.cn");
  EXPECT_EQ(*StsEndpoint("us-gov-east-1"), "https://sts.us-gov-east-1.amazonaws.com");
  EXPECT_EQ(*S3Endpoint("us-east-1"), "https://s3.us-east-1.amazonaws.com");
  EXPECT_EQ(*ServiceEndpoint("redshift-data", "eu-west-2"),
            "https://redshift-data.eu-west-2.amazonaws.com");
  EXPECT_EQ(*ServiceEndpoint("iam", "us-west-2"), "https://iam.amazonaws.com");
  EXPECT_EQ(*ServiceEndpoint("iam", "us-gov-west-1"), "https://iam.us-gov.amazonaws.com");
  EXPECT_EQ(*S3Endpoint("us-east-1", "http://127.0.0.1:7480/"), "http://127.0.0.1:7480");
  EXPECT_FALSE(StsEndpoint("nowhere").ok());
}

}  // namespace
}  // namespace crossdock::aws
