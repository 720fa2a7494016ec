#include "crossdock/iam/policy_set.h"

#include <gtest/gtest.h>

#include "crossdock/iam/policy.h"

namespace crossdock::iam {
namespace {

// Seed 004's two policies as published: the Data API one with a missing and a trailing comma.
constexpr const char* kDataApi = R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Action": ["redshift-data:CancelStatement", "redshift-data:DescribeStatement"
  "redshift-data:DescribeTable", "redshift-data:ExecuteStatement",
  "redshift-data:GetStatementResult", "redshift-data:ListDatabases", "redshift-data:ListSchemas",
  "redshift-data:ListTables", "redshift-serverless:GetCredentials",], "Resource": "*"}]})";
constexpr const char* kBucket = R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Action": ["s3:PutObject", "s3:GetObject", "s3:GetObjectAttributes", "s3:ListBucket",
  "s3:DeleteObject"], "Resource": ["arn:aws:s3:::unload-example",
  "arn:aws:s3:::unload-example/*"]}]})";

bool Mentions(const LintReport& r, std::string_view action) {
  for (const auto& f : r.findings) {
    if (f.code == "missing-permission" && f.message.find(action) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST(PolicySet, CombinesStatementsOfRepairedDocuments) {
  auto combined = CombinePolicyDocuments({kDataApi, kBucket});
  ASSERT_TRUE(combined.ok()) << combined.error().ToString();
  auto policy = ParsePolicy(*combined);
  ASSERT_TRUE(policy.ok()) << policy.error().ToString();
  EXPECT_EQ(policy->statements.size(), 2u);
  auto bad = CombinePolicyDocuments({kBucket, "not json at all"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field(), "policy 2");
}

TEST(PolicySet, SeedFoursTwoPoliciesTogetherHaveNoFalseMissingActions) {
  LintOptions options;
  options.for_type = ConnectionType::kRedshiftServerless;
  LintReport alone = LintPolicy(kBucket, options);
  EXPECT_TRUE(Mentions(alone, "redshift-data:ExecuteStatement"));
  LintSetReport set = LintPolicySet({kDataApi, kBucket}, options);
  ASSERT_EQ(set.documents.size(), 2u);
  // Each document alone is judged without the needs: only the comma repairs remain.
  EXPECT_FALSE(Mentions(set.documents[1], "s3:PutObject"));
  EXPECT_FALSE(Mentions(set.together, "redshift-data:ExecuteStatement"));
  EXPECT_FALSE(Mentions(set.together, "s3:PutObject"));
  EXPECT_FALSE(Mentions(set.together, "redshift-serverless:GetCredentials"));
  // What neither grants is still reported, once.
  EXPECT_TRUE(Mentions(set.together, "s3:GetBucketLocation"));
}

}  // namespace
}  // namespace crossdock::iam
