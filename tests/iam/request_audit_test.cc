// The request audit's own tests (testing/request_audit.h): the integration suite's claim of
// "0 requests outside the generated policies" is only as good as its classification of each
// request and its verdict, so both are checked here on hand-made signed requests, including
// requests the audit must flag.
#include "testing/request_audit.h"

#include <gtest/gtest.h>

namespace crossdock::testing {
namespace {

constexpr char kRole[] = "arn:aws:iam::111122223333:role/customer-role";

// A request as the recorder keeps it, signed with a role session's key for `service`.
RecordedRequest Signed(const std::string& service, std::string method, std::string url,
                       std::string body = "", http::Headers extra = {}) {
  RecordedRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.body = std::move(body);
  r.role_arn = kRole;
  r.headers = {{"Authorization", "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261207/us-east-1/" +
                                     service + "/aws4_request, SignedHeaders=host, Signature=00"},
               {"X-Amz-Security-Token", "token"}};
  for (auto& h : extra) r.headers.push_back(std::move(h));
  return r;
}

AuditPolicies S3Policies(const std::string& prefix) {
  iam::ConnectionSpec spec;
  spec.type = iam::ConnectionType::kS3;
  spec.buckets = {{"customer-bucket", prefix}};
  spec.vendor_account = "444455556666";
  spec.external_ids = {"cdx-test"};
  spec.role_arn = kRole;
  auto p = PoliciesFor(spec);
  EXPECT_TRUE(p.ok()) << p.error().ToString();
  return p.ok() ? *p : AuditPolicies{};
}

TEST(RequestAudit, ClassifiesS3RequestsWithTheirResourceAndConditionKeys) {
  auto list = Classify(Signed("s3", "GET",
                              "http://127.0.0.1:7480/customer-bucket?list-type=2&prefix=golden%2F&"
                              "delimiter=%2F"));
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].action, "s3:ListBucket");
  EXPECT_EQ((*list)[0].resource, "arn:aws:s3:::customer-bucket");
  bool prefix = false;
  for (const auto& [k, v] : (*list)[0].context) prefix |= k == "s3:prefix" && v == "golden/";
  EXPECT_TRUE(prefix);

  auto copy = Classify(Signed("s3", "PUT", "http://127.0.0.1:7480/customer-bucket/golden/b", "",
                              {{"x-amz-copy-source", "/customer-bucket/golden/a"}}));
  ASSERT_TRUE(copy.ok());
  ASSERT_EQ(copy->size(), 2u);  // write the target, read the source
  EXPECT_EQ((*copy)[0].resource, "arn:aws:s3:::customer-bucket/golden/b");
  EXPECT_EQ((*copy)[1].resource, "arn:aws:s3:::customer-bucket/golden/a");
}

TEST(RequestAudit, AnOperationOutsideTheTableIsAnError) {
  auto acl = Classify(Signed("s3", "PUT", "http://127.0.0.1:7480/customer-bucket?acl"));
  EXPECT_FALSE(acl.ok());  // CreateBucket (a PUT on the bucket) is not something crossdock does
  auto kinesis = Classify(Signed("kinesis", "POST", "http://127.0.0.1:4567/", "{}",
                                 {{"X-Amz-Target", "Kinesis_20131202.DeleteStream"}}));
  EXPECT_FALSE(kinesis.ok());
}

TEST(RequestAudit, FlagsRequestsOutsideTheGeneratedPolicy) {
  AuditPolicies p = S3Policies("golden");
  std::vector<RecordedRequest> inside = {
      Signed("s3", "PUT", "http://127.0.0.1:7480/customer-bucket/golden/part-0.csv"),
      Signed("s3", "GET", "http://127.0.0.1:7480/customer-bucket?list-type=2&prefix=golden%2Fx")};
  AuditReport ok = Audit(inside, p);
  EXPECT_EQ(ok.requests, 2u);
  EXPECT_EQ(ok.checked, 2u);
  EXPECT_TRUE(ok.outside.empty()) << ok.Summary();

  std::vector<RecordedRequest> outside = {
      Signed("s3", "GET", "http://127.0.0.1:7480/customer-bucket/elsewhere/secret.csv"),
      Signed("s3", "GET", "http://127.0.0.1:7480/customer-bucket?list-type=2&prefix=other%2F"),
      Signed("s3", "GET", "http://127.0.0.1:7480/customer-bucket?list-type=2")};
  AuditReport bad = Audit(outside, p);
  EXPECT_EQ(bad.outside.size(), 3u) << bad.Summary();

  // A role no generated policies were given for is counted, not judged.
  RecordedRequest stranger = inside[0];
  stranger.role_arn = "arn:aws:iam::111122223333:role/other";
  AuditReport unaudited = Audit({stranger}, p);
  EXPECT_EQ(unaudited.unaudited, 1u);
  EXPECT_EQ(unaudited.checked, 0u);
}

TEST(RequestAudit, KinesisCallsAreJudgedOnTheirStream) {
  iam::ConnectionSpec spec;
  spec.type = iam::ConnectionType::kKinesis;
  spec.vendor_account = "444455556666";
  spec.external_ids = {"cdx-test"};
  spec.role_arn = kRole;
  spec.stream_arn = "arn:aws:kinesis:us-east-1:111122223333:stream/clicks";
  auto p = PoliciesFor(spec);
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  auto by_name = Signed("kinesis", "POST", "http://127.0.0.1:4567/", R"({"StreamName":"clicks"})",
                        {{"X-Amz-Target", "Kinesis_20131202.DescribeStreamSummary"}});
  auto auths = Classify(by_name);
  ASSERT_TRUE(auths.ok()) << auths.error().ToString();
  EXPECT_EQ((*auths)[0].resource, spec.stream_arn);
  EXPECT_TRUE(Audit({by_name}, *p).outside.empty());

  auto other = Signed("kinesis", "POST", "http://127.0.0.1:4567/",
                      R"({"StreamARN":"arn:aws:kinesis:us-east-1:111122223333:stream/orders"})",
                      {{"X-Amz-Target", "Kinesis_20131202.ListShards"}});
  EXPECT_EQ(Audit({other}, *p).outside.size(), 1u);

  // GetRecords names only an iterator: without the answer that issued it, it cannot be judged.
  auto records = Signed("kinesis", "POST", "http://127.0.0.1:4567/", R"({"ShardIterator":"AAA"})",
                        {{"X-Amz-Target", "Kinesis_20131202.GetRecords"}});
  EXPECT_FALSE(Classify(records).ok());
  records.stream_arn = spec.stream_arn;
  EXPECT_TRUE(Audit({records}, *p).outside.empty());
}

}  // namespace
}  // namespace crossdock::testing
