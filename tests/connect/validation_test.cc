#include "crossdock/connect/validation.h"

#include <gtest/gtest.h>

#include "crossdock/connect/role_arn.h"
#include "crossdock/iam/generate.h"

namespace crossdock::connect {
namespace {

Connection S3Role() {
  Connection c;
  c.type = ConnectionType::kS3;
  c.name = "customer-lake";
  c.auth_method = AuthMethod::kIamRole;
  c.role_arn = "arn:aws:iam::123456789012:role/crossdock-access";
  c.region = "us-west-1";
  c.bucket = "output";
  c.path = "customers";
  return c;
}

Connection S3Key() {
  Connection c = S3Role();
  c.auth_method = AuthMethod::kAccessKey;
  c.role_arn.clear();
  c.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  c.secret_access_key.value = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  return c;
}

Connection Databricks() {
  Connection c = S3Role();
  c.type = ConnectionType::kDatabricks;
  c.bucket = "staging-bucket";
  c.path.clear();
  c.databricks.workspace_url = "https://dbc-1234abcd-5678.cloud.databricks.com";
  c.databricks.warehouse_id = "1234567890abcdef";
  c.databricks.token.value = "dapi0123456789abcdef";
  c.databricks.storage_credential = "polytomic-staging-credential";
  c.databricks.external_id = "a1efa791-4530-43a0-962d-74e2ccf18309";
  return c;
}

Connection Redshift() {
  Connection c = S3Role();
  c.type = ConnectionType::kRedshiftServerless;
  c.bucket.clear();
  c.path.clear();
  c.redshift.workgroup = "analytics";
  c.redshift.database = "dev";
  c.redshift.unload_enabled = true;
  c.redshift.unload_bucket = "unload-example";
  c.redshift.unload_region = "us-west-1";
  return c;
}

// The first error's field for `c`, or "" when valid.
std::string FirstField(const Connection& c, OrgPolicy org = {}) {
  Status st = CheckConnection(c, org);
  return st.ok() ? "" : st.error().field();
}

std::string Message(const Connection& c, OrgPolicy org = {}) {
  Status st = CheckConnection(c, org);
  return st.ok() ? "" : st.error().message();
}

TEST(Validation, AcceptsTheSeedConnections) {
  EXPECT_EQ(FirstField(S3Role()), "");
  EXPECT_EQ(FirstField(S3Key()), "");
  EXPECT_EQ(FirstField(Databricks()), "");
  EXPECT_EQ(FirstField(Redshift()), "");
  Connection vpc = Redshift();
  vpc.redshift.access = RedshiftAccess::kVpcEndpoint;
  vpc.redshift.vpc_endpoint_host = "wg.123456789012.us-west-1.redshift-serverless.amazonaws.com";
  EXPECT_EQ(FirstField(vpc), "");
  Connection gov = S3Role();
  gov.region = "us-gov-west-1";
  gov.role_arn = "arn:aws-us-gov:iam::123456789012:role/path/to/role";
  EXPECT_EQ(FirstField(gov), "");
}

TEST(Validation, KmsKeyArnIsAKeyOrAliasOfTheBucketsPartitionAndRegion) {
  Connection c = S3Role();
  c.kms_key_arn = "arn:aws:kms:us-west-1:123456789012:key/1234abcd-12ab";
  EXPECT_EQ(FirstField(c), "");
  c.kms_key_arn = "arn:aws:kms:us-west-1:123456789012:alias/lake";
  EXPECT_EQ(FirstField(c), "");
  c.kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab";
  EXPECT_EQ(FirstField(c), "kms_key_arn");
  EXPECT_NE(Message(c).find("region us-east-1"), std::string::npos) << Message(c);
  c.kms_key_arn = "arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab";
  EXPECT_EQ(FirstField(c), "kms_key_arn");
  EXPECT_NE(Message(c).find("partition aws-cn"), std::string::npos) << Message(c);
  c.kms_key_arn = "1234abcd-12ab";
  EXPECT_EQ(FirstField(c), "kms_key_arn");
  // Redshift without a staging bucket: the key is the unload bucket's, in its region.
  Connection r = Redshift();
  r.redshift.unload_region = "eu-west-1";
  r.kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab";
  EXPECT_EQ(FirstField(r), "");
  // Kinesis keeps its key under kinesis.
  Connection k = S3Role();
  k.type = ConnectionType::kKinesis;
  k.bucket.clear();
  k.path.clear();
  k.kinesis.stream_arn = "arn:aws:kinesis:us-west-1:123456789012:stream/clicks";
  k.kms_key_arn = "arn:aws:kms:us-west-1:123456789012:key/1234abcd-12ab";
  EXPECT_EQ(FirstField(k), "kms_key_arn");
  EXPECT_NE(Message(k).find("kinesis.kms_key_arn"), std::string::npos);
}

TEST(Validation, DatabricksUnityCatalogIsOneOfTheDeploymentsOfThePartition) {
  Connection c = Databricks();
  c.databricks.unity_catalog = "govcloud-dod";
  EXPECT_EQ(FirstField(c), "databricks.unity_catalog");  // a us-west-1 workspace
  c.region = "us-gov-west-1";
  c.role_arn = "arn:aws-us-gov:iam::123456789012:role/crossdock-access";
  EXPECT_EQ(FirstField(c), "");
  EXPECT_EQ(DatabricksUnityCatalogPrincipal(c),
            "arn:aws-us-gov:iam::170661010020:role/unity-catalog-prod-UCMasterRole-1DI6DL6ZP26AS");
  c.databricks.unity_catalog.clear();
  EXPECT_EQ(DatabricksUnityCatalogPrincipal(c), iam::kDatabricksPrincipalGovCloud);
  c.databricks.unity_catalog = "dod";
  EXPECT_EQ(FirstField(c), "databricks.unity_catalog");
  EXPECT_NE(Message(c).find("govcloud-dod"), std::string::npos);
}

TEST(Validation, Name) {
  for (const std::string& bad :
       std::vector<std::string>{"", "-lead", "has space", "slash/name", std::string(65, 'a')}) {
    Connection c = S3Role();
    c.name = bad;
    EXPECT_EQ(FirstField(c), "name") << bad;
  }
}

TEST(Validation, MalformedRoleArnNamesTheComponent) {
  struct Case {
    std::string arn;
    std::string says;
  } cases[] = {
      {"", "required"},
      {"arn:aws:iam:::123456789012:role/demo-role", "7 colon-separated"},
      {"arn:aws:iam::12345678901:role/x", "12 digits"},
      {"arn:aws:iam::123456789012:user/alice", "names a user"},
      {"arn:aws:s3:::bucket", "service is \"s3\""},
      {"arn:aws:iam:us-east-1:123456789012:role/x", "region component must be empty"},
      {"arn:azure:iam::123456789012:role/x", "unknown partition"},
      {"arn:aws:iam::123456789012:role/", "1 to 64"},
      {"arn:aws:iam::123456789012:role/bad name", "contains ' '"},
      {"role/x", "6"},
  };
  for (const auto& tc : cases) {
    Connection c = S3Role();
    c.role_arn = tc.arn;
    EXPECT_EQ(FirstField(c), "role_arn") << tc.arn;
    EXPECT_NE(Message(c).find(tc.says), std::string::npos) << tc.arn << ": " << Message(c);
  }
}

TEST(Validation, RoleArnPartitionMustMatchTheRegion) {
  Connection c = S3Role();
  c.region = "cn-north-1";
  EXPECT_EQ(FirstField(c), "role_arn");
  EXPECT_NE(Message(c).find("partition \"aws-cn\""), std::string::npos) << Message(c);
  c.role_arn = "arn:aws-cn:iam::123456789012:role/x";
  EXPECT_EQ(FirstField(c), "");
}

TEST(Validation, UnknownOrMalformedRegion) {
  for (std::string bad : {"", "us-east-7", "US-EAST-1", "useast1"}) {
    Connection c = S3Role();
    c.region = bad;
    std::vector<Error> errors = ValidateConnection(c, {});
    bool found = false;
    for (const auto& e : errors) found |= e.field() == "region";
    EXPECT_TRUE(found) << bad;
  }
}

TEST(Validation, BucketNamesFollowS3Rules) {
  for (const std::string& bad : std::vector<std::string>{
           "", "ab", std::string(64, 'a'), "Upper", "under_score", "-lead", "trail-", "two..dots",
           "192.168.5.4", "xn--punycode", "sthree-x", "amzn-s3-demo-bucket", "name-s3alias",
           "name--ol-s3", "name.mrap", "name--x-s3", "name--table-s3"}) {
    Connection c = S3Role();
    c.bucket = bad;
    EXPECT_EQ(FirstField(c), "bucket") << bad;
  }
  for (const std::string& good :
       std::vector<std::string>{"abc", "my.bucket-1", std::string(63, 'a'), "192.168.5.4x"}) {
    EXPECT_TRUE(ValidateBucketName(good).ok()) << good;
  }
}

TEST(Validation, PathsMustStayInsideTheirPrefix) {
  for (const std::string& bad :
       std::vector<std::string>{"..", "a/../b", "a/..", "./a", "/lead", "a//b", "a/./b",
                                std::string("ctl\x01"), "back\\slash", std::string(901, 'p')}) {
    Connection c = S3Role();
    c.path = bad;
    EXPECT_EQ(FirstField(c), "path") << bad;
  }
  for (std::string good : {"", "customers", "a/b/c", "with..dots", ".hidden-ok", "a.b/c..d"}) {
    EXPECT_TRUE(ValidatePath(good).ok()) << good;
  }
}

TEST(Validation, BucketWithPathIsSplitLikeTheSeed) {
  std::string bucket, path;
  SplitBucketAndPath("output/customers", &bucket, &path);
  EXPECT_EQ(bucket, "output");
  EXPECT_EQ(path, "customers");
  SplitBucketAndPath("output/customers/", &bucket, &path);
  EXPECT_EQ(path, "customers");
  SplitBucketAndPath("output", &bucket, &path);
  EXPECT_EQ(path, "");
  SplitBucketAndPath("output//x", &bucket, &path);
  EXPECT_FALSE(ValidatePath(path).ok());
}

TEST(Validation, AccessKeysAreRefusedWhenTheOrganizationIsRoleOnly) {
  EXPECT_EQ(FirstField(S3Key(), OrgPolicy{true}), "auth_method");
  EXPECT_NE(Message(S3Key(), OrgPolicy{true}).find("iam-role"), std::string::npos);
  EXPECT_EQ(FirstField(S3Role(), OrgPolicy{true}), "");
}

TEST(Validation, AccessKeyFields) {
  Connection c = S3Key();
  c.access_key_id = "akia-lower";
  EXPECT_EQ(FirstField(c), "access_key_id");
  c = S3Key();
  c.secret_access_key.value.reset();
  EXPECT_EQ(FirstField(c), "secret_access_key");
  c.secret_access_key.is_set = true;  // stored already: fine on update
  EXPECT_EQ(FirstField(c), "");
  c.secret_access_key.clear = true;
  EXPECT_EQ(FirstField(c), "secret_access_key");
  c = S3Key();
  c.secret_access_key.value = "has space";
  EXPECT_EQ(FirstField(c), "secret_access_key");
  c = S3Key();
  c.role_arn = "arn:aws:iam::123456789012:role/x";
  EXPECT_EQ(FirstField(c), "role_arn");
  c = S3Role();
  c.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  EXPECT_EQ(FirstField(c), "access_key_id");
}

TEST(Validation, DatabricksFields) {
  struct Case {
    std::function<void(Connection&)> mutate;
    std::string field;
  } cases[] = {
      {[](Connection& c) { c.databricks.workspace_url.clear(); }, "databricks.workspace_url"},
      {[](Connection& c) { c.databricks.workspace_url = "http://dbc.cloud.databricks.com"; },
       "databricks.workspace_url"},
      {[](Connection& c) { c.databricks.workspace_url = "https://dbc.x.com/sql?o=1"; },
       "databricks.workspace_url"},
      {[](Connection& c) { c.databricks.warehouse_id.clear(); }, "databricks.warehouse_id"},
      {[](Connection& c) { c.databricks.warehouse_id = "/sql/1.0/warehouses/abc"; },
       "databricks.warehouse_id"},
      {[](Connection& c) { c.databricks.token.value.reset(); }, "databricks.token"},
      {[](Connection& c) { c.databricks.storage_credential = "a.b"; },
       "databricks.storage_credential"},
      {[](Connection& c) { c.databricks.external_id = "not valid!"; }, "databricks.external_id"},
      {[](Connection& c) { c.bucket.clear(); }, "bucket"},
  };
  for (const auto& tc : cases) {
    Connection c = Databricks();
    tc.mutate(c);
    EXPECT_EQ(FirstField(c), tc.field);
  }
  Connection optional = Databricks();
  optional.databricks.storage_credential.clear();
  optional.databricks.external_id.clear();
  EXPECT_EQ(FirstField(optional), "");
}

TEST(Validation, RedshiftServerlessFields) {
  struct Case {
    std::function<void(Connection&)> mutate;
    std::string field;
  } cases[] = {
      {[](Connection& c) { c.redshift.workgroup.clear(); }, "redshift.workgroup"},
      {[](Connection& c) { c.redshift.workgroup = "Upper_Case"; }, "redshift.workgroup"},
      {[](Connection& c) { c.redshift.database.clear(); }, "redshift.database"},
      {[](Connection& c) { c.redshift.database = "9lives"; }, "redshift.database"},
      {[](Connection& c) { c.redshift.access = RedshiftAccess::kVpcEndpoint; },
       "redshift.vpc_endpoint.host"},
      {[](Connection& c) {
         c.redshift.access = RedshiftAccess::kVpcEndpoint;
         c.redshift.vpc_endpoint_host = "host.example.com";
         c.redshift.vpc_endpoint_port = 70000;
       },
       "redshift.vpc_endpoint.port"},
      {[](Connection& c) { c.redshift.vpc_endpoint_host = "host.example.com"; },
       "redshift.vpc_endpoint.host"},
      {[](Connection& c) { c.redshift.unload_bucket.clear(); }, "redshift.unload.bucket"},
      {[](Connection& c) { c.redshift.unload_bucket = "Bad_Bucket"; }, "redshift.unload.bucket"},
      {[](Connection& c) { c.redshift.unload_path = "../up"; }, "redshift.unload.path"},
      {[](Connection& c) { c.redshift.unload_region.clear(); }, "redshift.unload.region"},
      {[](Connection& c) { c.redshift.unload_region = "mars-1"; }, "redshift.unload.region"},
      {[](Connection& c) {
         c.auth_method = AuthMethod::kAccessKey;
         c.role_arn.clear();
       },
       "auth_method"},
      {[](Connection& c) { c.bucket = "Bad"; }, "bucket"},
  };
  for (const auto& tc : cases) {
    Connection c = Redshift();
    tc.mutate(c);
    EXPECT_EQ(FirstField(c), tc.field);
  }
  Connection no_unload = Redshift();
  no_unload.redshift.unload_enabled = false;
  no_unload.redshift.unload_bucket.clear();
  no_unload.redshift.unload_region.clear();
  EXPECT_EQ(FirstField(no_unload), "");
}

TEST(Validation, FieldsOfAnotherTypeAreRefused) {
  Connection c = S3Role();
  c.databricks.workspace_url = "https://dbc.cloud.databricks.com";
  EXPECT_EQ(FirstField(c), "databricks");
  c = S3Role();
  c.redshift.workgroup = "wg1";
  EXPECT_EQ(FirstField(c), "redshift");
}

TEST(Validation, AllProblemsAreListedAndTheFirstIsSummarised) {
  Connection c = S3Role();
  c.name = "";
  c.bucket = "X";
  c.region = "nowhere";
  EXPECT_GE(ValidateConnection(c, {}).size(), 3u);
  EXPECT_NE(Message(c).find("more problems"), std::string::npos);
}

}  // namespace
}  // namespace crossdock::connect

namespace crossdock::connect {
namespace {

Connection Kinesis() {
  Connection c;
  c.type = ConnectionType::kKinesis;
  c.name = "clickstream";
  c.auth_method = AuthMethod::kIamRole;
  c.role_arn = "arn:aws:iam::123456789012:role/polaris-kinesis";
  c.region = "us-west-2";
  c.kinesis.stream_arn = "arn:aws:kinesis:us-west-2:123456789012:stream/clickstream";
  return c;
}

TEST(ValidationKinesis, AnEmptyRegionIsTheStreamsAndAnyOtherIsRefused) {
  Connection c = Kinesis();
  c.region.clear();
  ApplyDerivedFields(c);
  EXPECT_EQ(c.region, "us-west-2");
  EXPECT_TRUE(ValidateConnection(c, {}).empty());
  c.region = "eu-west-1";
  ApplyDerivedFields(c);  // a region given is kept, and refused when it is not the stream's
  auto errors = ValidateConnection(c, {});
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors.front().field(), "region");
  Connection s3;
  s3.type = ConnectionType::kS3;
  ApplyDerivedFields(s3);  // other types have nothing to take it from
  EXPECT_EQ(s3.region, "");
}

TEST(ValidationKinesis, RoleOnlyStreamArnAndNoBucket) {
  EXPECT_TRUE(ValidateConnection(Kinesis(), {}).empty());
  EXPECT_EQ(KinesisStreamName(Kinesis().kinesis.stream_arn), "clickstream");
  Connection keys = Kinesis();
  keys.auth_method = AuthMethod::kAccessKey;
  keys.role_arn.clear();
  keys.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  keys.secret_access_key.value = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  auto errors = ValidateConnection(keys, {});
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors.front().field(), "auth_method");
  EXPECT_NE(errors.front().message().find("IAM role only"), std::string::npos);

  Connection bad = Kinesis();
  bad.kinesis.stream_arn = "arn:aws:kinesis:us-west-2:123456789012:clickstream";
  EXPECT_EQ(ValidateConnection(bad, {}).front().field(), "kinesis.stream_arn");
  bad = Kinesis();
  bad.region = "eu-west-1";
  bad.role_arn = "arn:aws:iam::123456789012:role/polaris-kinesis";
  EXPECT_EQ(ValidateConnection(bad, {}).front().field(), "region");
  bad = Kinesis();
  bad.kinesis.kms_key_arn = "alias/aws/kinesis";
  EXPECT_EQ(ValidateConnection(bad, {}).front().field(), "kinesis.kms_key_arn");
  bad = Kinesis();
  bad.bucket = "output";
  EXPECT_EQ(ValidateConnection(bad, {}).front().field(), "bucket");
  Connection s3;
  s3.type = ConnectionType::kS3;
  s3.kinesis.stream_arn = Kinesis().kinesis.stream_arn;
  bool refused = false;
  for (const Error& e : ValidateConnection(s3, {})) refused |= e.field() == "kinesis";
  EXPECT_TRUE(refused);
}

}  // namespace
}  // namespace crossdock::connect
