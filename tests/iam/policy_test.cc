// Reading policy documents into the model. Grammar and shorthand forms per the IAM JSON
// policy grammar (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html)
// and the element pages cited per test.
#include "crossdock/iam/policy.h"

#include <gtest/gtest.h>

#include "test_data.h"

namespace crossdock::iam {
namespace {

bool HasCode(const std::vector<Finding>& findings, const std::string& code, int line = 0) {
  for (const Finding& f : findings) {
    if (f.code == code && (line == 0 || f.position.line == line)) return true;
  }
  return false;
}

// Statement may be a single object; Action/Resource a string
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html).
TEST(PolicyTest, AcceptsShorthandForms) {
  auto p = ParsePolicy(R"({"Version": "2012-10-17", "Statement": {"Effect": "Allow",
      "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}})");
  ASSERT_TRUE(p.ok()) << p.error().message();
  ASSERT_EQ(p->statements.size(), 1u);
  EXPECT_EQ(p->statements[0].action.values, std::vector<std::string>{"s3:GetObject"});
  EXPECT_EQ(p->statements[0].actions_lower, std::vector<std::string>{"s3:getobject"});
  EXPECT_EQ(p->statements[0].resource.values, std::vector<std::string>{"arn:aws:s3:::b/*"});
  EXPECT_TRUE(p->variables_enabled());
}

// Principal forms
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
TEST(PolicyTest, PrincipalForms) {
  auto p = ParsePolicy(R"({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
    {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "444455556666"],
      "Service": "redshift.amazonaws.com", "Federated": "cognito-identity.amazonaws.com",
      "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
     "Action": "sts:AssumeRole"}]})");
  ASSERT_TRUE(p.ok()) << p.error().message();
  ASSERT_EQ(p->statements[0].principals.size(), 1u);
  EXPECT_EQ(p->statements[0].principals[0].type, "*");
  const auto& pr = p->statements[1].principals;
  ASSERT_EQ(pr.size(), 5u);
  EXPECT_EQ(pr[0].type, "AWS");
  EXPECT_EQ(pr[1].value, "444455556666");
  EXPECT_EQ(pr[2].type, "Service");
  EXPECT_EQ(pr[3].type, "Federated");
  EXPECT_EQ(pr[4].type, "CanonicalUser");
  EXPECT_EQ(pr[2].position.line, 4);
}

// Condition block: operator -> key -> string or array
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html).
TEST(PolicyTest, ConditionOperatorsParsedOnce) {
  auto p = ParsePolicy(R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
    "Action": "s3:*", "Resource": "*", "Condition": {
      "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*", "b"]},
      "NumericLessThan": {"s3:max-keys": 10}, "Bool": {"aws:SecureTransport": false}}}]})");
  ASSERT_TRUE(p.ok()) << p.error().message();
  const auto& c = p->statements[0].conditions;
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].op.op, ConditionOp::kStringLike);
  EXPECT_EQ(c[0].op.set, SetQualifier::kForAnyValue);
  EXPECT_TRUE(c[0].op.if_exists);
  EXPECT_EQ(c[0].key_lower, "aws:tagkeys");
  EXPECT_EQ(c[1].values, std::vector<std::string>{"10"});
  EXPECT_EQ(c[2].values, std::vector<std::string>{"false"});
}

TEST(PolicyTest, ConditionOperatorNames) {
  EXPECT_TRUE(ParseConditionOperator("ArnNotLikeIfExists").ok());
  EXPECT_TRUE(ParseConditionOperator("ForAllValues:NumericGreaterThanEquals").ok());
  EXPECT_TRUE(ParseConditionOperator("NotIpAddress")->negated());
  EXPECT_FALSE(ParseConditionOperator("StringEquals")->negated());
  auto lower = ParseConditionOperator("stringequals");
  ASSERT_FALSE(lower.ok());
  EXPECT_NE(lower.error().message().find("write StringEquals"), std::string::npos);
  EXPECT_FALSE(ParseConditionOperator("NullIfExists").ok());
  EXPECT_FALSE(ParseConditionOperator("StringMatches").ok());
}

struct ReadCase {
  const char* doc;
  const char* code;
  int line;
};

class PolicyReadFindingTest : public ::testing::TestWithParam<ReadCase> {};

TEST_P(PolicyReadFindingTest, ReportsCodeAtLine) {
  PolicyRead r = ReadPolicy(GetParam().doc);
  EXPECT_TRUE(HasCode(r.findings, GetParam().code, GetParam().line)) << GetParam().doc;
  // Errors make the strict reader fail; warnings alone do not.
  EXPECT_EQ(ParsePolicy(GetParam().doc).ok(), !HasErrors(r.findings)) << GetParam().doc;
}

INSTANTIATE_TEST_SUITE_P(
    Grammar, PolicyReadFindingTest,
    ::testing::Values(
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_effect.html
        ReadCase{"{\"Version\":\"2012-10-17\",\"Statement\":[{\n\"Effect\":\"allow\","
                 "\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}",
                 "effect-invalid", 2},
        ReadCase{"{\"Version\":\"2012-10-17\",\"Statement\":[\n{\"Action\":\"s3:GetObject\","
                 "\"Resource\":\"*\"}]}",
                 "effect-missing", 2},
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
        ReadCase{"{\"Version\":\"2024-01-01\",\"Statement\":[{\"Effect\":\"Allow\","
                 "\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}",
                 "version-unknown", 1},
        ReadCase{"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
                 "\"Resource\":\"*\"}]}",
                 "version-missing", 1},
        ReadCase{"{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                 "\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}",
                 "version-old", 1},
        ReadCase{"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\n"
                 "\"action\":\"s3:GetObject\",\"Resource\":\"*\"}]}",
                 "element-unknown", 2},
        ReadCase{"{\"Version\":\"2012-10-17\",\"Statment\":[]}", "element-unknown", 1},
        ReadCase{"{\"Version\":\"2012-10-17\"}", "statement-missing", 1},
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
        ReadCase{"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                 "\"Action\":\"s3:GetObject\",\n\"NotAction\":\"iam:*\",\"Resource\":\"*\"}]}",
                 "action-and-notaction", 2},
        ReadCase{"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                 "\"Resource\":\"*\"}]}",
                 "action-missing", 1},
        ReadCase{"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                 "\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\n\"NotResource\":\"*\"}]}",
                 "resource-and-notresource", 2},
        ReadCase{"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                 "\"Action\":\"GetObject\",\"Resource\":\"*\"}]}",
                 "action-malformed", 1},
        ReadCase{"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                 "\"Action\":[\"s3:GetObject\", 5],\"Resource\":\"*\"}]}",
                 "element-type", 1},
        ReadCase{
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            "\"Principal\":\"arn:aws:iam::111122223333:root\",\"Action\":\"sts:AssumeRole\"}]}",
            "principal-malformed", 1},
        ReadCase{"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                 "\"Principal\":{\"aws\":\"111122223333\"},\"Action\":\"sts:AssumeRole\"}]}",
                 "principal-malformed", 1},
        ReadCase{"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                 "\"Principal\":{\"AWS\":\"1\"},\"NotPrincipal\":{\"AWS\":\"2\"},"
                 "\"Action\":\"sts:AssumeRole\"}]}",
                 "principal-and-notprincipal", 1},
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
        ReadCase{"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                 "\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\n"
                 "\"StringEqual\":{\"aws:username\":\"a\"}}}]}",
                 "condition-operator-unknown", 2},
        ReadCase{"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                 "\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{"
                 "\"Null\":{\"aws:username\":\"maybe\"}}}]}",
                 "condition-malformed", 1},
        ReadCase{"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                 "\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":[]}]}",
                 "condition-malformed", 1},
        ReadCase{"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\","
                 "\"Action\":\"s3:GetObject\",\"Resource\":\"*\"},\n{\"Sid\":\"A\","
                 "\"Effect\":\"Allow\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\"}]}",
                 "sid-duplicate", 2},
        ReadCase{"[1]", "policy-not-object", 1},
        ReadCase{"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"\n"
                 "\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}",
                 "json-missing-comma", 1},
        ReadCase{"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                 "\"Effect\":\"Deny\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}",
                 "json-duplicate-key", 1},
        ReadCase{"{\"Version\":\"2012-10-17\",", "json-syntax", 1}));

TEST(PolicyTest, StrictParseNamesLineAndFix) {
  auto p = ParsePolicy(
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\n\"Effect\":\"allow\","
      "\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().field(), "policy");
  EXPECT_NE(p.error().message().find("line 2, column 10"), std::string::npos)
      << p.error().message();
  EXPECT_NE(p.error().message().find("write \"Allow\""), std::string::npos);
}

// Every seed policy parses (seed 003 holds placeholders such as <YOUR-AWS-ACCOUNT-ID>, which
// are strings and parse; lint flags them).
TEST(PolicyTest, SeedDocumentsParse) {
  for (const char* name :
       {"seed000_s3_permission.json", "seed000_trust_no_external_id.json",
        "seed000_trust_external_id.json", "seed001_s3_permission.json", "seed002_imply_trust.json",
        "seed003_databricks_permission.json", "seed003_databricks_trust.json",
        "seed003_databricks_trust_vendor_role.json", "seed004_redshift_trust.json",
        "seed004_unload_permission.json", "seed004_unload_trust.json"}) {
    std::string text = testing::ReadData(std::string("seeds/") + name);
    ASSERT_FALSE(text.empty()) << name;
    auto p = ParsePolicy(text);
    EXPECT_TRUE(p.ok()) << name << ": " << (p.ok() ? "" : p.error().message());
  }
}

TEST(PolicyTest, Seed004BrokenPolicyReportsBothLinesAndCorrects) {
  std::string text = testing::ReadData("seeds/seed004_redshift_permission_broken.json");
  PolicyRead r = ReadPolicy(text);
  EXPECT_TRUE(HasCode(r.findings, "json-missing-comma", 8));
  EXPECT_TRUE(HasCode(r.findings, "json-trailing-comma", 15));
  ASSERT_EQ(r.findings.size(), 2u);
  ASSERT_TRUE(r.policy);  // the repaired document is still read
  EXPECT_EQ(r.policy->statements[0].action.values.size(), 9u);
  auto fixed = ParsePolicy(r.corrected);
  ASSERT_TRUE(fixed.ok()) << fixed.error().message();
  EXPECT_FALSE(ParsePolicy(text).ok());
}

}  // namespace
}  // namespace crossdock::iam
