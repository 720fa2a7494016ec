// The generator: policies per connection type as the seeds describe them; every generated
// policy passes lint without error or warning, and every required operation is allowed.
#include "crossdock/iam/generate.h"

#include <gtest/gtest.h>

#include "crossdock/iam/arn.h"
#include "crossdock/iam/evaluate.h"
#include "crossdock/iam/lint.h"

namespace crossdock::iam {
namespace {

ConnectionSpec Spec(ConnectionType type, const std::string& region = "us-east-1") {
  ConnectionSpec s;
  s.type = type;
  s.region = region;
  s.vendor_account = "568237466542";
  s.external_ids = {"a1efa791-4530-43a0-962d-74e2ccf18309"};
  s.buckets = {{"syncoutput", ""}};
  std::string p = *PartitionForRegion(region);
  if (type == ConnectionType::kDatabricks) {
    s.role_arn = "arn:" + p + ":iam::111122223333:role/staging-role";
    s.databricks_external_id = "dbx-account-id";
  }
  if (type == ConnectionType::kKinesis) {
    s.buckets.clear();
    s.stream_arn = "arn:" + p + ":kinesis:" + region + ":111122223333:stream/clickstream";
  }
  return s;
}

std::vector<ConnectionSpec> AllSpecs() {
  std::vector<ConnectionSpec> out;
  for (const char* region : {"us-east-1", "cn-north-1", "us-gov-west-1"}) {
    for (ConnectionType t : {ConnectionType::kS3, ConnectionType::kDatabricks,
                             ConnectionType::kRedshiftServerless, ConnectionType::kKinesis}) {
      if (t == ConnectionType::kDatabricks && std::string(region) == "cn-north-1") continue;
      ConnectionSpec s = Spec(t, region);
      out.push_back(s);
      if (t != ConnectionType::kKinesis) {
        s.buckets = {{"syncoutput", "customers/eu"}, {"second-bucket", ""}};
      }
      std::string p = *PartitionForRegion(region);
      s.kms_key_arn = "arn:" + p + ":kms:" + region + ":111122223333:key/1234abcd";
      s.vendor_role_arn = "arn:" + p + ":iam::568237466542:role/convox/prod-ServiceRole";
      s.external_ids.push_back("new-external-id-after-rotation");
      out.push_back(s);
    }
  }
  return out;
}

std::string Describe(const ConnectionSpec& s) {
  return std::string(ConnectionTypeName(s.type)) + " " + s.region +
         " buckets=" + std::to_string(s.buckets.size()) + (s.kms_key_arn.empty() ? "" : " kms");
}

TEST(GenerateTest, EveryGeneratedPolicyPassesCheckWithoutErrorOrWarning) {
  for (const ConnectionSpec& s : AllSpecs()) {
    SCOPED_TRACE(Describe(s));
    auto g = GeneratePolicies(s);
    ASSERT_TRUE(g.ok()) << g.error().message();
    LintOptions perm;
    perm.for_type = s.type;
    perm.spec = s;
    LintReport pr = LintPolicy(g->permission_policy.dump(2), perm);
    LintOptions trust = perm;
    trust.type = PolicyType::kTrust;
    trust.own_account = "111122223333";
    LintReport tr = LintPolicy(g->trust_policy.dump(2), trust);
    for (const LintReport* r : {&pr, &tr}) {
      for (const Finding& f : r->findings) {
        EXPECT_EQ(f.severity, Severity::kSuggestion) << FormatFinding(f);
      }
    }
    // Also without the spec, as a customer running `policy check --for` would.
    LintOptions plain;
    plain.for_type = s.type;
    EXPECT_EQ(LintPolicy(g->permission_policy.dump(), plain).count(Severity::kError), 0u);
  }
}

TEST(GenerateTest, EveryRequiredOperationIsAllowed) {
  for (const ConnectionSpec& s : AllSpecs()) {
    SCOPED_TRACE(Describe(s));
    auto g = GeneratePolicies(s);
    ASSERT_TRUE(g.ok());
    std::vector<NamedPolicy> perm = {{"permission", *ParsePolicy(g->permission_policy.dump())}};
    std::vector<NamedPolicy> trust = {{"trust", *ParsePolicy(g->trust_policy.dump())}};
    auto ops = RequiredOperations(s);
    ASSERT_TRUE(ops.ok());
    EXPECT_GE(ops->size(), s.type == ConnectionType::kKinesis ? 4u : 8u);
    for (const Operation& op : *ops) {
      Request r("arn:aws:iam::111122223333:role/staging-role", op.action, op.resource);
      for (const auto& [k, v] : op.context) r.Set(k, v);
      EXPECT_EQ(Decide(perm, r), Decision::kAllow) << op.action << " " << op.resource;
    }
    auto trust_ops = RequiredTrustOperations(s);
    ASSERT_TRUE(trust_ops.ok());
    for (const Operation& op : *trust_ops) {
      Request r(op.principal, op.action, op.resource);
      for (const auto& [k, v] : op.context) r.Set(k, v);
      EXPECT_EQ(Decide(trust, r), Decision::kAllow) << op.principal;
      // The same principal with a wrong External ID is refused (confused deputy).
      if (!op.context.empty()) {
        Request wrong(op.principal, op.action, op.resource);
        wrong.Set("sts:ExternalId", "someone-elses-id");
        EXPECT_EQ(Decide(trust, wrong), Decision::kImplicitDeny) << op.principal;
      }
    }
    // Another account without the External ID cannot assume the role.
    Request stranger("arn:aws:iam::999988887777:root", "sts:AssumeRole", "*");
    EXPECT_NE(Decide(trust, stranger), Decision::kAllow);
  }
}

// Seed 000: the five S3 permissions plus crossdock's multipart actions, on the bucket and
// its objects; seed 004 adds s3:GetObjectAttributes for UNLOAD/COPY.
TEST(GenerateTest, S3ActionsFollowTheSeeds) {
  auto ops = RequiredOperations(Spec(ConnectionType::kS3));
  std::vector<std::string> actions;
  for (const Operation& op : *ops) actions.push_back(op.action);
  EXPECT_EQ(actions, (std::vector<std::string>{
                         "s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads",
                         "s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                         "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"}));
  EXPECT_EQ((*ops)[3].resource, "arn:aws:s3:::syncoutput/crossdock-connection-test");
  EXPECT_EQ((*ops)[3].grant, "arn:aws:s3:::syncoutput/*");
  auto rs = RequiredOperations(Spec(ConnectionType::kRedshiftServerless));
  bool attributes = false, credentials = false;
  for (const Operation& op : *rs) {
    attributes = attributes || op.action == "s3:GetObjectAttributes";
    credentials = credentials || op.action == "redshift-serverless:GetCredentials";
  }
  EXPECT_TRUE(attributes);
  EXPECT_TRUE(credentials);
}

TEST(GenerateTest, PathScopesObjectsAndListing) {
  ConnectionSpec s = Spec(ConnectionType::kS3);
  s.buckets = {*ParseBucketTarget("output/customers")};
  auto g = GeneratePolicies(s);
  ASSERT_TRUE(g.ok());
  std::string text = g->permission_policy.dump();
  EXPECT_NE(text.find("\"arn:aws:s3:::output/customers/*\""), std::string::npos);
  EXPECT_EQ(text.find("\"arn:aws:s3:::output/*\""), std::string::npos);
  std::vector<NamedPolicy> perm = {{"p", *ParsePolicy(text)}};
  Request outside("arn:aws:iam::111122223333:role/r", "s3:GetObject",
                  "arn:aws:s3:::output/other/file");
  EXPECT_EQ(Decide(perm, outside), Decision::kImplicitDeny);
  Request list_root("arn:aws:iam::111122223333:role/r", "s3:ListBucket", "arn:aws:s3:::output");
  list_root.Set("s3:prefix", "");
  EXPECT_EQ(Decide(perm, list_root), Decision::kImplicitDeny);
  Request list_path("arn:aws:iam::111122223333:role/r", "s3:ListBucket", "arn:aws:s3:::output");
  list_path.Set("s3:prefix", "customers/2024/");
  EXPECT_EQ(Decide(perm, list_path), Decision::kAllow);
}

// Seed 003: the dual trust policy (vendor, Databricks UC role, self) with both External IDs,
// and the AllowSelfAssume statement.
TEST(GenerateTest, DatabricksDualTrustAndSelfAssume) {
  auto g = GeneratePolicies(Spec(ConnectionType::kDatabricks));
  ASSERT_TRUE(g.ok());
  const auto& stmt = g->trust_policy["Statement"][0];
  EXPECT_EQ(
      stmt["Principal"]["AWS"],
      nlohmann::ordered_json::array({"arn:aws:iam::568237466542:root", kDatabricksPrincipalAws,
                                     "arn:aws:iam::111122223333:role/staging-role"}));
  EXPECT_EQ(
      stmt["Condition"]["StringEquals"]["sts:ExternalId"],
      nlohmann::ordered_json::array({"a1efa791-4530-43a0-962d-74e2ccf18309", "dbx-account-id"}));
  bool self = false;
  for (const auto& s : g->permission_policy["Statement"]) {
    if (s["Sid"] == "AllowSelfAssume") {
      self = true;
      EXPECT_EQ(s["Resource"], "arn:aws:iam::111122223333:role/staging-role");
    }
  }
  EXPECT_TRUE(self);
  auto gov = GeneratePolicies(Spec(ConnectionType::kDatabricks, "us-gov-west-1"));
  ASSERT_TRUE(gov.ok());
  EXPECT_EQ(gov->trust_policy["Statement"][0]["Principal"]["AWS"][1], kDatabricksPrincipalGovCloud);
  EXPECT_EQ(gov->trust_policy["Statement"][0]["Principal"]["AWS"][0],
            "arn:aws-us-gov:iam::568237466542:root");
}

// Seed 004: redshift.amazonaws.com may assume the role when a staging bucket is used.
TEST(GenerateTest, RedshiftServicePrincipalOnlyWithStaging) {
  auto g = GeneratePolicies(Spec(ConnectionType::kRedshiftServerless));
  ASSERT_TRUE(g.ok());
  ASSERT_EQ(g->trust_policy["Statement"].size(), 2u);
  EXPECT_EQ(g->trust_policy["Statement"][1]["Principal"]["Service"], "redshift.amazonaws.com");
  ConnectionSpec no_unload = Spec(ConnectionType::kRedshiftServerless);
  no_unload.buckets.clear();
  auto g2 = GeneratePolicies(no_unload);
  ASSERT_TRUE(g2.ok());
  EXPECT_EQ(g2->trust_policy["Statement"].size(), 1u);
  EXPECT_EQ(g2->permission_policy["Statement"].size(), 1u);
}

TEST(GenerateTest, VendorRoleAndPartitions) {
  ConnectionSpec s = Spec(ConnectionType::kS3, "cn-north-1");
  auto g = GeneratePolicies(s);
  ASSERT_TRUE(g.ok());
  std::string perm = g->permission_policy.dump();
  EXPECT_NE(perm.find("arn:aws-cn:s3:::syncoutput"), std::string::npos);
  EXPECT_EQ(perm.find("arn:aws:s3"), std::string::npos);
  EXPECT_EQ(g->trust_policy["Statement"][0]["Principal"]["AWS"],
            "arn:aws-cn:iam::568237466542:root");
  s.vendor_role_arn = "arn:aws-cn:iam::568237466542:role/convox/prod-ServiceRole";
  auto restricted = GeneratePolicies(s);
  ASSERT_TRUE(restricted.ok());
  EXPECT_EQ(restricted->trust_policy["Statement"][0]["Principal"]["AWS"], s.vendor_role_arn);
}

struct InvalidSpec {
  const char* field;
  void (*mutate)(ConnectionSpec&);
};

TEST(GenerateTest, ValidationNamesTheField) {
  std::vector<InvalidSpec> cases = {
      {"vendor_account", [](ConnectionSpec& s) { s.vendor_account = "5682"; }},
      {"external_id", [](ConnectionSpec& s) { s.external_ids.clear(); }},
      {"external_id", [](ConnectionSpec& s) { s.external_ids = {"has space"}; }},
      {"region", [](ConnectionSpec& s) { s.region = "Virginia"; }},
      {"vendor_role_arn",
       [](ConnectionSpec& s) { s.vendor_role_arn = "arn:aws:iam::999988887777:role/x"; }},
      {"role_arn", [](ConnectionSpec& s) { s.role_arn = "arn:aws:iam:::123456789012:role/x"; }},
      {"role_arn",
       [](ConnectionSpec& s) { s.role_arn = "arn:aws-us-gov:iam::123456789012:role/x"; }},
      {"kms_key_arn", [](ConnectionSpec& s) { s.kms_key_arn = "arn:aws:s3:::b"; }},
      {"bucket", [](ConnectionSpec& s) { s.buckets.clear(); }},
      {"bucket",
       [](ConnectionSpec& s) {
         s.buckets = {{"Bad_Name", ""}};
       }},
      {"bucket",
       [](ConnectionSpec& s) {
         s.buckets = {{"good", "a/../b"}};
       }},
      {"role_arn",
       [](ConnectionSpec& s) {
         s.type = ConnectionType::kDatabricks;
         s.databricks_external_id = "x1";
       }},
      {"databricks_external_id",
       [](ConnectionSpec& s) {
         s.type = ConnectionType::kDatabricks;
         s.role_arn = "arn:aws:iam::111122223333:role/r";
       }},
  };
  for (const InvalidSpec& c : cases) {
    ConnectionSpec s = Spec(ConnectionType::kS3);
    c.mutate(s);
    Status st = ValidateSpec(s);
    ASSERT_FALSE(st.ok()) << c.field;
    EXPECT_EQ(st.error().field(), c.field) << st.error().message();
    EXPECT_FALSE(GeneratePolicies(s).ok());
  }
  EXPECT_TRUE(ValidateSpec(Spec(ConnectionType::kS3)).ok());
}

TEST(GenerateTest, BucketTargets) {
  auto t = ParseBucketTarget("output/customers/");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->name, "output");
  EXPECT_EQ(t->prefix, "customers");
  EXPECT_FALSE(ParseBucketTarget("ab").ok());
  EXPECT_FALSE(ParseBucketTarget("out//x").ok());
  EXPECT_FALSE(ParseBucketTarget("out/x*").ok());
}

TEST(GenerateTest, CloudFormationTakesExternalIdsAsParameters) {
  ConnectionSpec s = Spec(ConnectionType::kDatabricks);
  s.role_arn.clear();  // the template names the role it creates
  s.role_arn = "";
  s.type = ConnectionType::kS3;
  auto json_text = RenderCloudFormation(s, false);
  ASSERT_TRUE(json_text.ok());
  auto tmpl = nlohmann::json::parse(*json_text);
  EXPECT_EQ(tmpl["Parameters"]["ExternalId"]["Default"], "a1efa791-4530-43a0-962d-74e2ccf18309");
  const auto& role = tmpl["Resources"]["CrossdockRole"];
  EXPECT_EQ(role["Type"], "AWS::IAM::Role");
  EXPECT_EQ(role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]
                ["StringEquals"]["sts:ExternalId"]["Ref"],
            "ExternalId");
  EXPECT_EQ(role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]["Sid"],
            "CrossdockObjects");
  auto yaml = RenderCloudFormation(s, true);
  ASSERT_TRUE(yaml.ok());
  EXPECT_NE(yaml->find("\"AWSTemplateFormatVersion\": \"2010-09-09\"\n"), std::string::npos);
  EXPECT_NE(yaml->find("\"Ref\": \"ExternalId\""), std::string::npos);
  EXPECT_NE(yaml->find("- \"Sid\": \"CrossdockObjects\""), std::string::npos) << *yaml;
  ConnectionSpec d = Spec(ConnectionType::kDatabricks);
  auto dt = RenderCloudFormation(d, false);
  ASSERT_TRUE(dt.ok());
  auto dtm = nlohmann::json::parse(*dt);
  EXPECT_EQ(dtm["Parameters"]["DatabricksExternalId"]["Default"], "dbx-account-id");
}

TEST(GenerateTest, TerraformUsesVariables) {
  ConnectionSpec s = Spec(ConnectionType::kS3);
  s.external_ids.push_back("second-id");
  auto tf = RenderTerraform(s);
  ASSERT_TRUE(tf.ok());
  EXPECT_NE(tf->find("variable \"external_id\""), std::string::npos);
  EXPECT_NE(tf->find("variable \"external_id2\""), std::string::npos);
  EXPECT_NE(tf->find("resource \"aws_iam_role\" \"crossdock\""), std::string::npos);
  EXPECT_NE(tf->find("resource \"aws_iam_role_policy\" \"crossdock\""), std::string::npos);
  EXPECT_NE(tf->find("var.external_id,"), std::string::npos) << *tf;
  EXPECT_EQ(tf->find("a1efa791-4530-43a0-962d-74e2ccf18309\",\n"), std::string::npos);
  ConnectionSpec d = Spec(ConnectionType::kDatabricks);
  d.role_arn.clear();
  d.type = ConnectionType::kDatabricks;
  EXPECT_FALSE(RenderTerraform(d).ok());  // Databricks needs the role ARN
}

TEST(GenerateTest, ToJsonCarriesOperations) {
  ConnectionSpec s = Spec(ConnectionType::kS3);
  auto g = GeneratePolicies(s);
  auto j = ToJson(s, *g);
  EXPECT_EQ(j["type"], "s3");
  EXPECT_EQ(j["operations"].size(), 8u);
  EXPECT_EQ(j["trust_operations"][0]["context"]["sts:ExternalId"],
            "a1efa791-4530-43a0-962d-74e2ccf18309");
}

}  // namespace
}  // namespace crossdock::iam

namespace crossdock::iam {
namespace {

// Seed 002 (Imply Polaris): a role that reads one Kinesis stream, nothing in S3.
TEST(GenerateKinesis, PermissionPolicyComesFromTheOperationTable) {
  ConnectionSpec s = Spec(ConnectionType::kKinesis, "eu-west-1");
  s.buckets.clear();
  s.stream_arn = "arn:aws:kinesis:eu-west-1:111122223333:stream/clickstream";
  auto policies = GeneratePolicies(s);
  ASSERT_TRUE(policies.ok()) << policies.error().ToString();
  const auto& statements = policies->permission_policy["Statement"];
  ASSERT_EQ(statements.size(), 1u) << policies->permission_policy.dump(2);
  EXPECT_EQ(statements[0]["Resource"], s.stream_arn);
  std::vector<std::string> actions = statements[0]["Action"];
  EXPECT_EQ(actions, ActionsFor(ConnectionType::kKinesis, ResourceKind::kStream, false));
  EXPECT_EQ(actions,
            (std::vector<std::string>{"kinesis:DescribeStreamSummary", "kinesis:ListShards",
                                      "kinesis:GetShardIterator", "kinesis:GetRecords"}));
  EXPECT_EQ(policies->permission_policy.dump().find("s3:"), std::string::npos);

  s.kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd";
  auto with_key = GeneratePolicies(s);
  ASSERT_TRUE(with_key.ok());
  const auto& both = with_key->permission_policy["Statement"];
  ASSERT_EQ(both.size(), 2u);
  // No GenerateDataKey: crossdock only reads.
  EXPECT_EQ(both[1]["Action"], nlohmann::ordered_json::array({"kms:Decrypt"}));
  EXPECT_EQ(both[1]["Resource"], s.kms_key_arn);

  auto ops = RequiredOperations(s);
  ASSERT_TRUE(ops.ok());
  ASSERT_EQ(ops->size(), 5u);
  EXPECT_EQ((*ops)[0].resource, s.stream_arn);
  EXPECT_EQ((*ops)[4].action, "kms:Decrypt");
}

// SSE-KMS on a bucket: writes need a data key, reads (and multipart uploads) decryption.
TEST(GenerateKms, ABucketKeyAddsGenerateDataKeyAndDecryptOnTheKey) {
  ConnectionSpec s = Spec(ConnectionType::kS3, "eu-west-1");
  s.kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd";
  auto policies = GeneratePolicies(s);
  ASSERT_TRUE(policies.ok()) << policies.error().ToString();
  const auto& statements = policies->permission_policy["Statement"];
  const nlohmann::ordered_json* kms = nullptr;
  for (const auto& st : statements) {
    if (st["Sid"] == "CrossdockKmsKey") kms = &st;
  }
  ASSERT_NE(kms, nullptr) << policies->permission_policy.dump(2);
  EXPECT_EQ((*kms)["Action"],
            nlohmann::ordered_json::array({"kms:Decrypt", "kms:GenerateDataKey"}));
  EXPECT_EQ((*kms)["Resource"], s.kms_key_arn);
  EXPECT_FALSE(kms->contains("Condition"));

  // An alias ARN cannot be a Resource for key operations: any key of the account and region
  // narrowed to the alias by kms:ResourceAliases.
  s.kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:alias/lake";
  auto aliased = GeneratePolicies(s);
  ASSERT_TRUE(aliased.ok()) << aliased.error().ToString();
  for (const auto& st : aliased->permission_policy["Statement"]) {
    if (st["Sid"] != "CrossdockKmsKey") continue;
    EXPECT_EQ(st["Resource"], "arn:aws:kms:eu-west-1:111122223333:key/*");
    EXPECT_EQ(st["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"], "alias/lake");
  }
  auto ops = RequiredOperations(s);
  ASSERT_TRUE(ops.ok());
  bool found = false;
  for (const auto& op : *ops) {
    if (op.action != "kms:GenerateDataKey") continue;
    found = true;
    EXPECT_EQ(
        op.context,
        (std::vector<std::pair<std::string, std::string>>{{"kms:ResourceAliases", "alias/lake"}}));
  }
  EXPECT_TRUE(found);

  for (const char* bad : {"arn:aws:kms:eu-west-1:111122223333:1234abcd",
                          "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd",
                          "arn:aws:kms::111122223333:key/1234abcd", "arn:aws:s3:::bucket"}) {
    s.kms_key_arn = bad;
    Status st = ValidateSpec(s);
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_EQ(st.error().field(), "kms_key_arn") << bad;
  }
}

TEST(GenerateDatabricks, TheGovCloudDodUnityCatalogPrincipalIsSelectable) {
  ASSERT_NE(FindDatabricksUnityCatalog("govcloud-dod"), nullptr);
  EXPECT_STREQ(
      FindDatabricksUnityCatalog("govcloud-dod")->principal,
      "arn:aws-us-gov:iam::170661010020:role/unity-catalog-prod-UCMasterRole-1DI6DL6ZP26AS");
  EXPECT_STREQ(DefaultDatabricksUnityCatalog("aws-us-gov")->principal,
               kDatabricksPrincipalGovCloud);
  EXPECT_EQ(DefaultDatabricksUnityCatalog("aws-cn"), nullptr);
}

TEST(GenerateKinesis, TheStreamArnIsRequiredAndChecked) {
  ConnectionSpec s = Spec(ConnectionType::kKinesis);
  s.stream_arn.clear();
  EXPECT_EQ(ValidateSpec(s).error().field(), "stream_arn");
  s.stream_arn = "arn:aws:s3:::clickstream";
  EXPECT_EQ(ValidateSpec(s).error().field(), "stream_arn");
  s.stream_arn = "arn:aws-cn:kinesis:cn-north-1:111122223333:stream/clickstream";
  EXPECT_NE(ValidateSpec(s).error().message().find("partition"), std::string::npos);
  s.stream_arn = "arn:aws:kinesis:us-east-1:111122223333:stream/clickstream";
  EXPECT_TRUE(ValidateSpec(s).ok());
}

}  // namespace
}  // namespace crossdock::iam
