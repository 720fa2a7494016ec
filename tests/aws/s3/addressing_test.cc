// URL building: path-style and virtual-hosted addressing, key encoding exactly as SigV4's
// S3 rules sign it, bucket-name rules.
#include "crossdock/aws/s3/addressing.h"

#include <gtest/gtest.h>

namespace crossdock::aws::s3 {
namespace {

TEST(AddressingTest, UriEncodeKeepsUnreservedAndOptionallySlash) {
  EXPECT_EQ(UriEncode("a/b c+d~e_f.g-h", true), "a/b%20c%2Bd~e_f.g-h");
  EXPECT_EQ(UriEncode("a/b", false), "a%2Fb");
  EXPECT_EQ(UriEncode("\xc3\xa9t\xc3\xa9", true), "%C3%A9t%C3%A9");
  EXPECT_EQ(UriEncode("100%", true), "100%25");
}

TEST(AddressingTest, UriDecode) {
  EXPECT_EQ(UriDecode("a%2Fb%20c+").value(), "a/b c+");
  EXPECT_EQ(UriDecode("%2e%2E").value(), "..");
  EXPECT_FALSE(UriDecode("bad%2").ok());
  EXPECT_FALSE(UriDecode("bad%zz").ok());
}

TEST(AddressingTest, AutoPicksPathStyleForIpLocalhostAndDottedBuckets) {
  EXPECT_EQ(ResolveStyle(AddressingStyle::kAuto, "http://127.0.0.1:7480", "bucket"),
            AddressingStyle::kPath);
  EXPECT_EQ(ResolveStyle(AddressingStyle::kAuto, "http://localhost:9000", "bucket"),
            AddressingStyle::kPath);
  EXPECT_EQ(ResolveStyle(AddressingStyle::kAuto, "http://[::1]:7480", "bucket"),
            AddressingStyle::kPath);
  EXPECT_EQ(ResolveStyle(AddressingStyle::kAuto, "https://s3.eu-west-1.amazonaws.com", "my.data"),
            AddressingStyle::kPath);
  EXPECT_EQ(ResolveStyle(AddressingStyle::kAuto, "https://s3.eu-west-1.amazonaws.com", "Legacy_B"),
            AddressingStyle::kPath);
  EXPECT_EQ(ResolveStyle(AddressingStyle::kAuto, "https://s3.eu-west-1.amazonaws.com", "output"),
            AddressingStyle::kVirtualHosted);
  EXPECT_EQ(ResolveStyle(AddressingStyle::kVirtualHosted, "http://127.0.0.1", "b.c"),
            AddressingStyle::kVirtualHosted);
}

TEST(AddressingTest, BuildUrl) {
  EXPECT_EQ(BuildUrl("http://127.0.0.1:7480", AddressingStyle::kAuto, "bkt", "dir/a b.txt"),
            "http://127.0.0.1:7480/bkt/dir/a%20b.txt");
  EXPECT_EQ(BuildUrl("http://127.0.0.1:7480", AddressingStyle::kAuto, "bkt", ""),
            "http://127.0.0.1:7480/bkt");
  EXPECT_EQ(BuildUrl("https://s3.us-east-1.amazonaws.com", AddressingStyle::kAuto, "output",
                     "customers/x"),
            "https://output.s3.us-east-1.amazonaws.com/customers/x");
  EXPECT_EQ(BuildUrl("https://s3.us-east-1.amazonaws.com", AddressingStyle::kAuto, "output", "",
                     {{"list-type", "2"}, {"prefix", "a b/"}}),
            "https://output.s3.us-east-1.amazonaws.com/?list-type=2&prefix=a%20b%2F");
  EXPECT_EQ(BuildUrl("http://h:1", AddressingStyle::kPath, "b", "k", {{"uploads", "", false}}),
            "http://h:1/b/k?uploads");
  // Dot segments are sent as they are (the transport must not normalize them).
  EXPECT_EQ(BuildUrl("http://h:1", AddressingStyle::kPath, "b", "a/../k"), "http://h:1/b/a/../k");
}

TEST(AddressingTest, EndpointHost) {
  EXPECT_EQ(EndpointHost("http://127.0.0.1:7480"), "127.0.0.1");
  EXPECT_EQ(EndpointHost("https://s3.amazonaws.com/"), "s3.amazonaws.com");
  EXPECT_EQ(EndpointHost("http://[::1]:7480"), "[::1]");
  EXPECT_TRUE(IsIpOrLocalhost("10.0.0.1"));
  EXPECT_FALSE(IsIpOrLocalhost("10.0.0.1.example.com"));
}

TEST(AddressingTest, BucketNames) {
  EXPECT_TRUE(ValidateBucketName("output").ok());
  EXPECT_TRUE(ValidateBucketName("my.bucket-1").ok());
  for (const char* bad : {"ab", "Upper", "under_score", "-start", "end-", "a..b", "192.168.1.1",
                          "has space", "with/slash"}) {
    auto st = ValidateBucketName(bad);
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_EQ(st.error().field(), "bucket");
    EXPECT_NE(st.error().message().find(bad), std::string::npos);
  }
  EXPECT_FALSE(ValidateBucketName(std::string(64, 'a')).ok());
}

}  // namespace
}  // namespace crossdock::aws::s3
