// "bucket/path" scopes: parsing seed 001's form, resolving keys inside the prefix and
// refusing every way of escaping it, including encoded ones.
#include "crossdock/aws/s3/scoped_bucket.h"

#include <gtest/gtest.h>

namespace crossdock::aws::s3 {
namespace {

std::shared_ptr<S3Client> OfflineClient() {
  S3Options o = S3Options::FromAccessKey("AKID", "secret");
  o.endpoint_override = "http://127.0.0.1:1";
  return S3Client::Make(o).value();
}

TEST(BucketScopeTest, ParsesSeedForm) {
  auto s = ParseBucketScope("output/customers").value();
  EXPECT_EQ(s.bucket, "output");
  EXPECT_EQ(s.prefix, "customers/");
  EXPECT_EQ(s.ToString(), "s3://output/customers/");
  EXPECT_EQ(ParseBucketScope("output")->prefix, "");
  EXPECT_EQ(ParseBucketScope("output/")->prefix, "");
  EXPECT_EQ(ParseBucketScope("s3://output/a/b/")->prefix, "a/b/");
}

TEST(BucketScopeTest, RefusesBadBucketsAndPaths) {
  for (const char* bad : {"Output/x", "ab/x", "output/../x", "output//x", "output/a/./b",
                          "output/%2e%2e/x", "output/a\\b", "/output"}) {
    auto r = ParseBucketScope(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().field(), "bucket");
    EXPECT_NE(r.error().message().find(bad), std::string::npos) << r.error().message();
  }
}

TEST(ScopedBucketTest, ResolvesInsideThePrefix) {
  ScopedBucket b(OfflineClient(), ParseBucketScope("output/customers").value());
  EXPECT_EQ(b.Resolve("a.csv").value(), "customers/a.csv");
  EXPECT_EQ(b.Resolve("2024/01/day.csv.zst").value(), "customers/2024/01/day.csv.zst");
  EXPECT_EQ(b.Resolve("dir/").value(), "customers/dir/");
  EXPECT_EQ(b.Resolve("..a/b..").value(), "customers/..a/b..");  // dots inside names are fine
  EXPECT_EQ(b.Resolve("100%").value(), "customers/100%");        // a literal percent is fine
  EXPECT_EQ(b.Resolve("a%20b").value(), "customers/a%20b");
  EXPECT_EQ(b.ResolvePrefix("").value(), "customers/");
  EXPECT_EQ(b.Relative("customers/x/y"), "x/y");
}

TEST(ScopedBucketTest, RefusesEscapes) {
  ScopedBucket b(OfflineClient(), ParseBucketScope("output/customers").value());
  const char* escapes[] = {
      "..",
      "../x",
      "a/../../x",
      "a/..",
      "./x",
      "a/./b",
      "/etc/passwd",
      "/x",
      "a//b",
      "a\\..\\b",
      "..\\x",
      "%2e%2e/x",
      "%2E%2E/x",
      "a/%2e%2e/%2e%2e/x",
      "%2e/x",
      "%2fx",
      "a%2f..%2fb",
      "..%2fx",
      "%5c..%5cx",
      "%252e%252e/x",
      "%25252e%25252e/x",
      "a\x01"
      "b",
      "a\nb",
      "",
  };
  for (const char* key : escapes) {
    auto r = b.Resolve(key);
    ASSERT_FALSE(r.ok()) << "accepted: " << key;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << key;
    EXPECT_EQ(r.error().field(), "key") << key;
    // The message names the key and the fix.
    if (*key != '\0') {
      EXPECT_NE(r.error().message().find(std::string("\"") + key + "\""), std::string::npos)
          << r.error().message();
      EXPECT_NE(r.error().message().find("use a plain relative key"), std::string::npos);
    }
  }
  auto r = b.Resolve("%2e%2e/secrets");
  EXPECT_NE(r.error().message().find("percent-decoded form \"../secrets\""), std::string::npos)
      << r.error().message();
  EXPECT_NE(r.error().message().find("s3://output/customers/"), std::string::npos);
}

TEST(ScopedBucketTest, OperationsRefuseBeforeAnyRequest) {
  // The endpoint is unreachable: a refused key must fail with kInvalidArgument, not a
  // transport error, proving no request was attempted.
  ScopedBucket b(OfflineClient(), ParseBucketScope("output/customers").value());
  EXPECT_EQ(b.Head("../x").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(b.Put("../x", "data").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(b.Delete("/x").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(b.List("../").error().code(), ErrorCode::kInvalidArgument);
  std::vector<std::string> keys = {"ok", "%2e%2e/x"};
  EXPECT_EQ(b.DeleteMany(keys).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(b.Copy("a", "../b").error().code(), ErrorCode::kInvalidArgument);
  StringByteStream in("x");
  EXPECT_EQ(b.Upload("a/../../b", in).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(b.CreateMultipartUpload("..").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(b.ListMultipartUploads("/").error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace crossdock::aws::s3
