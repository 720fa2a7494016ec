// Lint: every code fires on a failing document and stays quiet on its corrected twin.
// Each case names the AWS page behind the rule.
#include "crossdock/iam/lint.h"

#include <gtest/gtest.h>

#include "test_data.h"

namespace crossdock::iam {
namespace {

std::vector<std::string> Codes(const LintReport& r) {
  std::vector<std::string> out;
  for (const Finding& f : r.findings) out.push_back(f.code);
  return out;
}

bool Has(const LintReport& r, const std::string& code) {
  for (const Finding& f : r.findings) {
    if (f.code == code) return true;
  }
  return false;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + " ";
  return out;
}

std::string Doc(const std::string& statements) {
  return "{\"Version\": \"2012-10-17\", \"Statement\": [" + statements + "]}";
}

struct LintCase {
  const char* code;
  PolicyType type;
  const char* failing;
  const char* passing;
  const char* source;  // the AWS page the rule follows
};

class LintCodeTest : public ::testing::TestWithParam<LintCase> {};

TEST_P(LintCodeTest, FailsAndPasses) {
  const LintCase& c = GetParam();
  LintOptions o;
  o.type = c.type;
  LintReport bad = LintPolicy(Doc(c.failing), o);
  EXPECT_TRUE(Has(bad, c.code)) << c.code << " not in: " << Join(Codes(bad)) << " (" << c.source
                                << ")";
  for (const Finding& f : bad.findings) {
    EXPECT_GT(f.position.line, 0) << f.code;
    EXPECT_FALSE(f.message.empty()) << f.code;
    EXPECT_FALSE(f.fix.empty()) << f.code;
  }
  LintReport good = LintPolicy(Doc(c.passing), o);
  EXPECT_TRUE(good.findings.empty()) << c.code << " passing twin has: " << Join(Codes(good));
}

constexpr const char* kBucketStmt =
    R"({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"})";
constexpr const char* kTrustOk =
    R"({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::568237466542:root"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": "ext-1"}}})";

INSTANTIATE_TEST_SUITE_P(
    Codes, LintCodeTest,
    ::testing::Values(
        LintCase{"principal-in-identity-policy", PolicyType::kIdentity,
                 R"({"Effect": "Allow", "Principal": {"AWS": "111122223333"},
                     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"})",
                 kBucketStmt,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "reference_policies_elements_principal.html"},
        LintCase{"principal-missing", PolicyType::kTrust,
                 R"({"Effect": "Allow", "Action": "sts:AssumeRole"})", kTrustOk,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "reference_policies_elements_principal.html"},
        LintCase{"resource-missing", PolicyType::kIdentity,
                 R"({"Effect": "Allow", "Action": "s3:GetObject"})", kBucketStmt,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "reference_policies_elements_resource.html"},
        LintCase{"trust-has-resource", PolicyType::kTrust,
                 R"({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::568237466542:root"},
                     "Action": "sts:AssumeRole", "Resource": "*",
                     "Condition": {"StringEquals": {"sts:ExternalId": "ext-1"}}})",
                 kTrustOk,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "id_roles_terms-and-concepts.html"},
        LintCase{"notprincipal-with-allow", PolicyType::kResource,
                 R"({"Effect": "Allow", "NotPrincipal": {"AWS": "111122223333"},
                     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"})",
                 R"({"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
                     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"})",
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "reference_policies_elements_notprincipal.html"},
        LintCase{
            "allow-with-notaction", PolicyType::kIdentity,
            R"({"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::bkt/*"})",
            R"({"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"})",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
            "reference_policies_elements_notaction.html"},
        LintCase{
            "action-unknown", PolicyType::kIdentity,
            R"({"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "arn:aws:s3:::bkt/*"})",
            kBucketStmt,
            "https://docs.aws.amazon.com/service-authorization/latest/reference/"
            "list_amazons3.html"},
        LintCase{"action-unknown", PolicyType::kIdentity,
                 R"({"Effect": "Allow", "Action": "redshift-data:Run*", "Resource": "*"})",
                 R"({"Effect": "Allow", "Action": "redshift-data:List*", "Resource": "*"})",
                 "https://docs.aws.amazon.com/service-authorization/latest/reference/"
                 "list_amazonredshiftdataapi.html"},
        LintCase{"arn-malformed", PolicyType::kIdentity,
                 R"({"Effect": "Allow", "Action": "sts:AssumeRole",
                     "Resource": "arn:aws:iam:::123456789012:role/demo-role"})",
                 R"({"Effect": "Allow", "Action": "sts:AssumeRole",
                     "Resource": "arn:aws:iam::123456789012:role/demo-role"})",
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"},
        LintCase{"arn-malformed", PolicyType::kTrust,
                 R"({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam:::568237466542:root"},
                     "Action": "sts:AssumeRole",
                     "Condition": {"StringEquals": {"sts:ExternalId": "ext-1"}}})",
                 kTrustOk, "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"},
        LintCase{"s3-object-action-on-bucket", PolicyType::kIdentity,
                 R"({"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                     "Resource": "arn:aws:s3:::bkt"})",
                 R"({"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                     "Resource": ["arn:aws:s3:::bkt", "arn:aws:s3:::bkt/*"]})",
                 "https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
                 "using-with-s3-policy-actions.html"},
        LintCase{
            "s3-bucket-action-on-object", PolicyType::kIdentity,
            R"({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bkt/*"})",
            R"({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bkt"})",
            "https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
            "using-with-s3-policy-actions.html"},
        LintCase{"trust-principal-wildcard", PolicyType::kTrust,
                 R"({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
                     "Condition": {"StringEquals": {"sts:ExternalId": "ext-1"}}})",
                 kTrustOk,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "reference_policies_elements_principal.html"},
        LintCase{"trust-missing-external-id", PolicyType::kTrust,
                 R"({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::568237466542:root"},
                     "Action": "sts:AssumeRole"})",
                 kTrustOk, "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html"},
        LintCase{"wildcard-resource-destructive", PolicyType::kIdentity,
                 R"({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})",
                 R"({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::bkt/*"})",
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"},
        LintCase{"condition-wildcard-non-like", PolicyType::kIdentity,
                 R"({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bkt",
                     "Condition": {"StringEquals": {"s3:prefix": "home/*"}}})",
                 R"({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bkt",
                     "Condition": {"StringLike": {"s3:prefix": "home/*"}}})",
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "reference_policies_elements_condition_operators.html"},
        LintCase{"condition-value-invalid", PolicyType::kIdentity,
                 R"({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bkt",
                     "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/33"},
                                   "DateLessThan": {"aws:CurrentTime": "next year"}}})",
                 R"({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bkt",
                     "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
                                   "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}})",
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "reference_policies_elements_condition_operators.html"},
        LintCase{
            "effect-invalid", PolicyType::kIdentity,
            R"({"Effect": "allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"})",
            kBucketStmt,
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
            "reference_policies_elements_effect.html"},
        LintCase{
            "element-unknown", PolicyType::kIdentity,
            R"({"Effect": "Allow", "Actions": "s3:GetObject", "Action": "s3:GetObject",
                     "Resource": "arn:aws:s3:::bkt/*"})",
            kBucketStmt,
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"},
        LintCase{"condition-operator-unknown", PolicyType::kIdentity,
                 R"({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bkt",
                     "Condition": {"StringEqualsAnyCase": {"s3:prefix": "a/"}}})",
                 R"({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bkt",
                     "Condition": {"StringEqualsIgnoreCase": {"s3:prefix": "a/"}}})",
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "reference_policies_elements_condition_operators.html"}));

TEST(LintTest, ServicesOutsideTheCatalogueAreNotJudged) {
  LintReport r = LintPolicy(Doc(R"({"Effect": "Allow", "Action": "glue:MadeUpAction",
                                     "Resource": "*"})"),
                            {});
  EXPECT_FALSE(Has(r, "action-unknown"));
}

TEST(LintTest, SuggestsTheNearestAction) {
  LintReport r = LintPolicy(Doc(R"({"Effect": "Allow", "Action": "s3:GetObjects",
                                     "Resource": "arn:aws:s3:::bkt/*"})"),
                            {});
  ASSERT_TRUE(Has(r, "action-unknown"));
  EXPECT_NE(r.findings[0].fix.find("s3:GetObject"), std::string::npos) << r.findings[0].fix;
  EXPECT_EQ(r.findings[0].position.line, 1);
}

TEST(LintTest, OwnAccountPrincipalIsNotAConfusedDeputy) {
  LintOptions o;
  o.type = PolicyType::kTrust;
  o.own_account = "111122223333";
  LintReport r = LintPolicy(Doc(R"({"Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:role/ops"}, "Action": "sts:AssumeRole"})"),
                            o);
  EXPECT_FALSE(Has(r, "trust-missing-external-id"));
}

TEST(LintTest, Seed004BrokenPolicyReportsBothErrorsAndCorrection) {
  LintReport r = LintPolicy(testing::ReadData("seeds/seed004_redshift_permission_broken.json"), {});
  ASSERT_EQ(r.findings.size(), 2u) << Join(Codes(r));
  EXPECT_EQ(r.findings[0].code, "json-missing-comma");
  EXPECT_EQ(r.findings[0].position.line, 8);
  EXPECT_EQ(r.findings[1].code, "json-trailing-comma");
  EXPECT_EQ(r.findings[1].position.line, 15);
  EXPECT_TRUE(r.has_errors());
  EXPECT_FALSE(r.corrected.empty());
  EXPECT_TRUE(LintPolicy(r.corrected, {}).findings.empty());
  auto json = ToJson(r);
  EXPECT_EQ(json["errors"], 2);
  EXPECT_EQ(json["findings"][0]["line"], 8);
  EXPECT_TRUE(json.contains("corrected"));
  std::string text = FormatLintReport(r, "p.json");
  EXPECT_NE(text.find("p.json:8:34 error json-missing-comma"), std::string::npos) << text;
  EXPECT_NE(text.find("p.json:15:37 error json-trailing-comma"), std::string::npos) << text;
}

// The vendor documents' own policies: what crossdock says about each.
TEST(LintTest, SeedPolicies) {
  LintOptions trust;
  trust.type = PolicyType::kTrust;
  EXPECT_TRUE(
      LintPolicy(testing::ReadData("seeds/seed000_s3_permission.json"), {}).findings.empty());
  EXPECT_TRUE(LintPolicy(testing::ReadData("seeds/seed000_trust_external_id.json"), trust)
                  .findings.empty());
  LintReport no_id =
      LintPolicy(testing::ReadData("seeds/seed000_trust_no_external_id.json"), trust);
  EXPECT_EQ(Codes(no_id), std::vector<std::string>{"trust-missing-external-id"});
  EXPECT_TRUE(
      LintPolicy(testing::ReadData("seeds/seed002_imply_trust.json"), trust).findings.empty());
  // Seed 003 prints placeholders such as <YOUR-AWS-ACCOUNT-ID> inside ARNs.
  LintReport placeholders =
      LintPolicy(testing::ReadData("seeds/seed003_databricks_trust.json"), trust);
  EXPECT_EQ(Codes(placeholders), std::vector<std::string>{"arn-malformed"});
  // Seed 004: the redshift.amazonaws.com service principal needs no External ID.
  EXPECT_TRUE(
      LintPolicy(testing::ReadData("seeds/seed004_unload_trust.json"), trust).findings.empty());
  EXPECT_TRUE(
      LintPolicy(testing::ReadData("seeds/seed004_unload_permission.json"), {}).findings.empty());
}

TEST(LintTest, ForS3ReportsWhatSeed000Lacks) {
  LintOptions o;
  o.for_type = ConnectionType::kS3;
  LintReport r = LintPolicy(testing::ReadData("seeds/seed000_s3_permission.json"), o);
  std::vector<std::string> lacking;
  for (const Finding& f : r.findings) {
    ASSERT_EQ(f.code, "missing-permission");
    for (const char* a : {"s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
                          "s3:ListBucketMultipartUploads", "s3:PutObject"}) {
      if (f.message.find(std::string("needs ") + a + " ") != std::string::npos) {
        lacking.push_back(a);
      }
    }
  }
  EXPECT_EQ(lacking,
            (std::vector<std::string>{"s3:ListBucketMultipartUploads", "s3:AbortMultipartUpload",
                                      "s3:ListMultipartUploadParts"}));
}

TEST(LintTest, ForRedshiftServerlessOnTheCorrectedSeed004Policy) {
  LintReport broken =
      LintPolicy(testing::ReadData("seeds/seed004_redshift_permission_broken.json"), {});
  LintOptions o;
  o.for_type = ConnectionType::kRedshiftServerless;
  // Seed 004's Data API list lacks BatchExecuteStatement, which every Redshift load sends
  // (one transaction for CREATE, COPY and MERGE): that is the one thing to add.
  LintReport corrected = LintPolicy(broken.corrected, o);
  ASSERT_EQ(corrected.findings.size(), 1u);
  EXPECT_NE(corrected.findings[0].message.find("redshift-data:BatchExecuteStatement"),
            std::string::npos)
      << corrected.findings[0].message;
  LintReport without_credentials =
      LintPolicy(Doc(R"({"Effect": "Allow", "Action": "redshift-data:*", "Resource": "*"})"), o);
  ASSERT_EQ(without_credentials.findings.size(), 1u);
  EXPECT_NE(without_credentials.findings[0].message.find("redshift-serverless:GetCredentials"),
            std::string::npos);
}

TEST(LintTest, ForDatabricksNeedsSelfAssumeAndUnityCatalog) {
  LintOptions o;
  o.for_type = ConnectionType::kDatabricks;
  LintReport perm = LintPolicy(testing::ReadData("seeds/seed000_s3_permission.json"), o);
  bool self = false;
  for (const Finding& f : perm.findings) {
    self = self || f.message.find("assume itself") != std::string::npos;
  }
  EXPECT_TRUE(self);
  o.type = PolicyType::kTrust;
  LintReport trust = LintPolicy(testing::ReadData("seeds/seed000_trust_external_id.json"), o);
  EXPECT_TRUE(Has(trust, "missing-permission"));
  LintReport dual =
      LintPolicy(testing::ReadData("seeds/seed003_databricks_trust_vendor_role.json"), o);
  EXPECT_FALSE(Has(dual, "missing-permission"));
}

}  // namespace
}  // namespace crossdock::iam

namespace crossdock::iam {
namespace {

// Inputs the fuzzer found (fuzz/policy_parser_fuzz.cc): each must lint without throwing and
// serialize to JSON.
TEST(LintTest, FuzzRegressions) {
  for (const char* name :
       {"fuzz/invalid-utf8-in-key.json", "fuzz/invalid-utf8-after-syntax-error.json",
        "fuzz/invalid-utf8-after-backslash.json"}) {
    std::string text = testing::ReadData(name);
    ASSERT_FALSE(text.empty()) << name;
    LintReport r = LintPolicy(text, {});
    EXPECT_TRUE(r.has_errors()) << name;
    EXPECT_NO_THROW((void)ToJson(r).dump()) << name;
  }
}

}  // namespace
}  // namespace crossdock::iam
