// The operation table (iam/operations.h) against what is derived from it: the generated
// permission policies allow exactly the table's actions, every operation is allowed by its
// type's generated policy when simulated, docs/operations.md is the table's current text,
// and the Databricks templates deploy in one step yet admit the self-assume.
#include "crossdock/iam/operations.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "crossdock/iam/evaluate.h"
#include "crossdock/iam/generate.h"
#include "crossdock/iam/policy.h"
#include "iam/test_data.h"

namespace crossdock::iam {
namespace {

ConnectionSpec SpecOf(ConnectionType type, bool kms) {
  ConnectionSpec s;
  s.type = type;
  s.region = "us-east-1";
  s.vendor_account = "444455556666";
  s.external_ids = {"cdx-test-id"};
  s.buckets = {{"data-bucket", "output/customers"}};
  s.role_arn = "arn:aws:iam::111122223333:role/crossdock-role";
  if (type == ConnectionType::kDatabricks) s.databricks_external_id = "dbx-id";
  if (type == ConnectionType::kKinesis) {
    s.buckets.clear();
    s.stream_arn = "arn:aws:kinesis:us-east-1:111122223333:stream/clickstream";
  }
  if (kms) s.kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef";
  return s;
}

std::set<std::string> PolicyActions(const nlohmann::ordered_json& policy) {
  std::set<std::string> out;
  for (const auto& st : policy["Statement"]) {
    if (st["Action"].is_string()) {
      out.insert(st["Action"].get<std::string>());
    } else {
      for (const auto& a : st["Action"]) out.insert(a.get<std::string>());
    }
  }
  return out;
}

TEST(OperationTable, TheGeneratedPolicyAllowsExactlyTheTablesActions) {
  for (const ConnectionTypeInfo& t : ConnectionTypes()) {
    if (!t.aws) {  // a database login (postgres): no operations, nothing to generate
      EXPECT_TRUE(OperationsFor(t.type).empty()) << t.name;
      auto none = GeneratePolicies(SpecOf(t.type, false));
      ASSERT_FALSE(none.ok()) << t.name;
      EXPECT_EQ(none.error().code(), ErrorCode::kFailedPrecondition) << t.name;
      continue;
    }
    for (bool kms : {false, true}) {
      std::set<std::string> table;
      for (const OperationDef* op : OperationsFor(t.type)) {
        if (op->issuer == Issuer::kServiceForKms && !kms) continue;
        for (const Requirement& r : op->requirements) table.insert(r.action);
      }
      auto g = GeneratePolicies(SpecOf(t.type, kms));
      ASSERT_TRUE(g.ok()) << g.error().ToString();
      EXPECT_EQ(PolicyActions(g->permission_policy), table) << t.name << " kms=" << kms;
    }
  }
  EXPECT_EQ(OperationsFor(ConnectionType::kS3).size(), 16u);
  EXPECT_NE(FindOperation("redshift-data:BatchExecuteStatement"), nullptr);
  EXPECT_EQ(FindOperation("s3:PutBucketPolicy"), nullptr);
}

TEST(OperationTable, EveryRequiredOperationIsAllowedByItsGeneratedPolicy) {
  for (const ConnectionTypeInfo& t : ConnectionTypes()) {
    if (!t.aws) continue;
    ConnectionSpec spec = SpecOf(t.type, true);
    auto g = GeneratePolicies(spec);
    auto ops = RequiredOperations(spec);
    ASSERT_TRUE(g.ok() && ops.ok());
    auto policy = ParsePolicy(g->permission_policy.dump());
    ASSERT_TRUE(policy.ok());
    std::vector<NamedPolicy> policies = {{"generated", *policy}};
    for (const Operation& op : *ops) {
      Request r("arn:aws:sts::111122223333:assumed-role/crossdock-role/s", op.action, op.resource);
      for (const auto& [k, v] : op.context) r.Set(k, v);
      EXPECT_EQ(Decide(policies, r), Decision::kAllow)
          << t.name << ": " << op.action << " on " << op.resource;
      EXPECT_FALSE(op.apis.empty()) << op.action;
    }
    if (t.type == ConnectionType::kKinesis) {
      EXPECT_EQ(ops->size(), 5u);  // four stream reads and kms:Decrypt
      continue;
    }
    // An existence check inside the path lists the key itself as prefix: allowed. Listing
    // outside the path is not.
    Request inside("arn:aws:sts::111122223333:assumed-role/crossdock-role/s", "s3:ListBucket",
                   "arn:aws:s3:::data-bucket");
    inside.Set("s3:prefix", "output/customers/run_1/manifest.json");
    EXPECT_EQ(Decide(policies, inside), Decision::kAllow) << t.name;
    Request outside = inside;
    outside.Set("s3:prefix", "output/other/");
    EXPECT_EQ(Decide(policies, outside), Decision::kImplicitDeny) << t.name;
  }
}

TEST(OperationTable, TheFixNamesTheActionAndResource) {
  EXPECT_EQ(GrantFix("s3:PutObject", "arn:aws:s3:::b/p/*"),
            "Add \"s3:PutObject\" with Resource \"arn:aws:s3:::b/p/*\" to the role's permission "
            "policy (crossdock connection policies NAME prints the complete policy).");
  EXPECT_EQ(ApisNeeding(ConnectionType::kS3, "s3:ListBucket"),
            std::vector<std::string>{"s3:ListObjectsV2"});
}

TEST(OperationTable, DocsOperationsMdIsTheTablesText) {
  std::string doc = testing::ReadData("../../../docs/operations.md");
  ASSERT_FALSE(doc.empty());
  EXPECT_NE(doc.find(OperationTableMarkdown()), std::string::npos)
      << "docs/operations.md is stale: regenerate it with `crossdock policy operations > "
         "docs/operations.md`";
}

// CloudFormation creates the role and its trust policy together, and IAM refuses a principal
// that does not exist yet: the template must not name the role in its own trust policy.
TEST(OperationTable, DatabricksTemplatesDeployInOneStepAndStillSelfAssume) {
  ConnectionSpec spec = SpecOf(ConnectionType::kDatabricks, false);
  auto text = RenderCloudFormation(spec, false);
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  auto tmpl = nlohmann::json::parse(*text);
  auto trust = tmpl["Resources"]["CrossdockRole"]["Properties"]["AssumeRolePolicyDocument"];
  // Resolve the template's references as CloudFormation would for account 111122223333.
  std::string resolved = trust.dump();
  auto replace_all = [&](const std::string& from, const std::string& to) {
    for (size_t at; (at = resolved.find(from)) != std::string::npos;) {
      resolved.replace(at, from.size(), to);
    }
  };
  replace_all(R"({"Fn::Sub":"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${RoleName}"})",
              R"("arn:aws:iam::111122223333:role/crossdock-role")");
  replace_all(R"({"Fn::Sub":"arn:${AWS::Partition}:iam::${AWS::AccountId}:root"})",
              R"("arn:aws:iam::111122223333:root")");
  replace_all(R"({"Ref":"ExternalId"})", R"("cdx-test-id")");
  replace_all(R"({"Ref":"DatabricksExternalId"})", R"("dbx-id")");
  const nlohmann::json resolved_trust = nlohmann::json::parse(resolved);
  for (const auto& st : resolved_trust["Statement"]) {
    std::string principals = st["Principal"].dump();
    EXPECT_EQ(principals.find("role/crossdock-role"), std::string::npos)
        << "the role names itself as principal: CloudFormation cannot create it";
  }
  auto policy = ParsePolicy(resolved);
  ASSERT_TRUE(policy.ok()) << policy.error().ToString() << "\n" << resolved;
  std::vector<NamedPolicy> policies = {{"trust", *policy}};
  Request self("arn:aws:iam::111122223333:role/crossdock-role", "sts:AssumeRole",
               "arn:aws:iam::111122223333:role/crossdock-role");
  self.Set("sts:ExternalId", "dbx-id");
  EXPECT_EQ(Decide(policies, self), Decision::kAllow);
  Request other("arn:aws:iam::111122223333:role/another-role", "sts:AssumeRole",
                "arn:aws:iam::111122223333:role/crossdock-role");
  other.Set("sts:ExternalId", "dbx-id");
  EXPECT_EQ(Decide(policies, other), Decision::kImplicitDeny);
  Request vendor("arn:aws:iam::444455556666:root", "sts:AssumeRole",
                 "arn:aws:iam::111122223333:role/crossdock-role");
  vendor.Set("sts:ExternalId", "cdx-test-id");
  EXPECT_EQ(Decide(policies, vendor), Decision::kAllow);

  auto tf = RenderTerraform(spec);
  ASSERT_TRUE(tf.ok());
  EXPECT_EQ(tf->find("\"arn:aws:iam::111122223333:role/crossdock-role\""), std::string::npos)
      << *tf;
  EXPECT_NE(tf->find("\"ArnEquals\""), std::string::npos) << *tf;
  // The console JSON keeps the vendor documents' self-assume form.
  auto g = GeneratePolicies(spec);
  EXPECT_NE(g->trust_policy.dump().find("role/crossdock-role"), std::string::npos);
}

}  // namespace
}  // namespace crossdock::iam
