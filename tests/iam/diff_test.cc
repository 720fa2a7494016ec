// Diff both ways, on the seed documents against what crossdock generates.
#include "crossdock/iam/diff.h"

#include <gtest/gtest.h>

#include "crossdock/iam/generate.h"
#include "test_data.h"

namespace crossdock::iam {
namespace {

std::string Required(ConnectionType type, const std::string& bucket) {
  ConnectionSpec s;
  s.type = type;
  s.vendor_account = "568237466542";
  s.external_ids = {"0000"};
  s.buckets = {{bucket, ""}};
  return GeneratePolicies(s)->permission_policy.dump();
}

TEST(DiffTest, IdenticalPoliciesAreTheSame) {
  std::string req = Required(ConnectionType::kS3, "syncoutput");
  auto d = DiffPolicyText(req, req);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->same()) << FormatDiff(*d);
}

// Seed 000's policy lacks crossdock's multipart actions.
TEST(DiffTest, Seed000LacksMultipartActions) {
  auto d = DiffPolicyText(Required(ConnectionType::kS3, "syncoutput"),
                          testing::ReadData("seeds/seed000_s3_permission.json"));
  ASSERT_TRUE(d.ok()) << d.error().message();
  std::vector<std::string> missing;
  for (const MissingGrant& m : d->missing) missing.push_back(m.action + " " + m.resource);
  EXPECT_EQ(missing,
            (std::vector<std::string>{
                "s3:AbortMultipartUpload arn:aws:s3:::syncoutput/crossdock-connection-test",
                "s3:ListMultipartUploadParts "
                "arn:aws:s3:::syncoutput/crossdock-connection-test",
                "s3:ListBucketMultipartUploads arn:aws:s3:::syncoutput"}));
  for (const MissingGrant& m : d->missing) {
    EXPECT_EQ(m.decision, "ImplicitDeny");
    EXPECT_NE(m.explanation.find("Action did not match"), std::string::npos) << m.explanation;
  }
  // Seed 000 grants object actions on the bucket ARN too; nothing beyond the requirement
  // in actions or resources.
  EXPECT_TRUE(d->excess.empty()) << FormatDiff(*d);
}

// Seed 001 asks for s3:ReplicateObject, which crossdock does not need.
TEST(DiffTest, Seed001GrantsReplicateObjectBeyond) {
  auto d = DiffPolicyText(Required(ConnectionType::kS3, "syncoutput"),
                          testing::ReadData("seeds/seed001_s3_permission.json"));
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->excess.size(), 1u) << FormatDiff(*d);
  EXPECT_EQ(d->excess[0].element, "Action");
  EXPECT_EQ(d->excess[0].value, "s3:ReplicateObject");
  EXPECT_EQ(d->excess[0].position.line, 8);
  EXPECT_FALSE(d->missing.empty());  // and it lacks GetBucketLocation and multipart
}

TEST(DiffTest, WildcardsAreExcess) {
  auto d = DiffPolicyText(Required(ConnectionType::kS3, "syncoutput"),
                          R"({"Version": "2012-10-17", "Statement": [
                              {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->missing.empty()) << FormatDiff(*d);
  bool action = false, resource = false;
  for (const ExcessGrant& g : d->excess) {
    if (g.element == "Action" && g.value == "s3:*") {
      action = true;
      EXPECT_NE(g.message.find("s3:BypassGovernanceRetention"), std::string::npos) << g.message;
    }
    if (g.element == "Resource" && g.value == "*") resource = true;
  }
  EXPECT_TRUE(action);
  EXPECT_TRUE(resource);
  auto j = ToJson(*d);
  EXPECT_FALSE(j["same"]);
  EXPECT_EQ(j["missing"].size(), 0u);
}

TEST(DiffTest, PrefixConditionDroppedIsExcess) {
  ConnectionSpec s;
  s.vendor_account = "568237466542";
  s.external_ids = {"0000"};
  s.buckets = {{"out", "customers"}};
  std::string req = GeneratePolicies(s)->permission_policy.dump();
  std::string actual = R"({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
      "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
     "Resource": "arn:aws:s3:::out/customers/*"},
    {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation",
      "s3:ListBucketMultipartUploads"], "Resource": "arn:aws:s3:::out"}]})";
  auto d = DiffPolicyText(req, actual);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->missing.empty()) << FormatDiff(*d);
  ASSERT_EQ(d->excess.size(), 1u) << FormatDiff(*d);
  EXPECT_EQ(d->excess[0].element, "Condition");
  EXPECT_EQ(d->excess[0].value, "s3:prefix");
  EXPECT_EQ(d->excess[0].statement, 1);
}

TEST(DiffTest, TrustPolicyWithoutExternalIdAndExtraPrincipal) {
  std::string req = testing::ReadData("seeds/seed000_trust_external_id.json");
  std::string actual = R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"AWS": ["arn:aws:iam::568237466542:root", "arn:aws:iam::999988887777:root"]},
    "Action": "sts:AssumeRole"}]})";
  auto d = DiffPolicyText(req, actual);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->missing.empty());
  bool condition = false, principal = false;
  for (const ExcessGrant& g : d->excess) {
    condition = condition || (g.element == "Condition" && g.value == "sts:ExternalId");
    principal =
        principal || (g.element == "Principal" && g.value == "arn:aws:iam::999988887777:root");
  }
  EXPECT_TRUE(condition) << FormatDiff(*d);
  EXPECT_TRUE(principal) << FormatDiff(*d);
  // The other way round: the actual policy demands an External ID crossdock does not send.
  auto back = DiffPolicyText(actual, req);
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->missing.empty());
}

TEST(DiffTest, UnreadableDocumentsNameWhichOne) {
  auto d = DiffPolicyText("{", "{}");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().field(), "required");
  auto e = DiffPolicyText(testing::ReadData("seeds/seed000_s3_permission.json"),
                          testing::ReadData("seeds/seed004_redshift_permission_broken.json"));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().field(), "actual");
  EXPECT_NE(e.error().message().find("line 8"), std::string::npos) << e.error().message();
}

}  // namespace
}  // namespace crossdock::iam
