// Diagnoses of failed connection checks: pure mapping from AWS errors (and the customer's
// documents) to what to fix. The troubleshooting lists of the vendor documents (seeds 003,
// 004) are the baseline: principal missing, External ID mismatch, action missing on a
// resource, bucket in another region, role missing, KMS key policy.
#include "crossdock/connect/check_diagnosis.h"

#include <gtest/gtest.h>

#include "crossdock/connect/connection_check.h"

namespace crossdock::connect {
namespace {

Error AwsError(ErrorCode code, const std::string& aws_code, int status,
               const std::string& message) {
  return Error(code, message).WithAws(aws_code, status, "req-1");
}

DiagnosisContext Ctx() {
  DiagnosisContext ctx;
  ctx.role_arn = "arn:aws:iam::111122223333:role/sync";
  ctx.vendor_principal = "arn:aws:iam::444455556666:root";
  ctx.region = "us-west-1";
  ctx.bucket = "syncoutput";
  return ctx;
}

TEST(CheckDiagnosis, AccessDeniedNamesActionAndTheResourceToGrant) {
  CheckResult r;
  ProbeAction probe{"s3:PutObject",
                    "arn:aws:s3:::syncoutput/customers/probe",
                    {},
                    "arn:aws:s3:::syncoutput/customers/*"};
  DiagnoseS3Failure(AwsError(ErrorCode::kAccessDenied, "AccessDenied", 403, "PutObject: denied"),
                    probe, Ctx(), r);
  EXPECT_EQ(r.aws_code, "AccessDenied");
  EXPECT_EQ(r.http_status, 403);
  EXPECT_EQ(r.request_id, "req-1");
  EXPECT_NE(r.diagnosis.find("s3:PutObject"), std::string::npos);
  EXPECT_NE(r.fix.find("\"arn:aws:s3:::syncoutput/customers/*\""), std::string::npos) << r.fix;
  EXPECT_TRUE(r.explanation.empty());  // no document supplied
}

TEST(CheckDiagnosis, WithThePermissionPolicyTheSimulatorNamesTheStatement) {
  DiagnosisContext ctx = Ctx();
  ctx.permission_policy = *iam::ParsePolicy(R"({"Version": "2012-10-17", "Statement": [
    {"Sid": "ReadOnly", "Effect": "Allow", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::syncoutput/*"}]})");
  CheckResult r;
  ProbeAction probe{"s3:DeleteObject", "arn:aws:s3:::syncoutput/k", {}, ""};
  DiagnoseS3Failure(AwsError(ErrorCode::kAccessDenied, "AccessDenied", 403, "denied"), probe, ctx,
                    r);
  EXPECT_NE(r.explanation.find("ImplicitDeny"), std::string::npos) << r.explanation;
  EXPECT_NE(r.explanation.find("s3:DeleteObject"), std::string::npos) << r.explanation;
}

TEST(CheckDiagnosis, KmsBucketAndWrongRegionAndMissingBucket) {
  ProbeAction probe{"s3:PutObject", "arn:aws:s3:::syncoutput/k", {}, ""};
  CheckResult kms;
  DiagnoseS3Failure(
      AwsError(ErrorCode::kAccessDenied, "KMS.DisabledException", 400, "The KMS key is disabled"),
      probe, Ctx(), kms);
  EXPECT_NE(kms.fix.find("kms:GenerateDataKey"), std::string::npos) << kms.fix;
  EXPECT_NE(kms.fix.find("key policy"), std::string::npos);

  CheckResult region;
  DiagnoseS3Failure(AwsError(ErrorCode::kFailedPrecondition, "PermanentRedirect", 301,
                             "the bucket is in region eu-west-1"),
                    probe, Ctx(), region);
  EXPECT_NE(region.fix.find("region"), std::string::npos);

  CheckResult missing;
  DiagnoseS3Failure(AwsError(ErrorCode::kNotFound, "NoSuchBucket", 404, "no bucket"), probe, Ctx(),
                    missing);
  EXPECT_NE(missing.diagnosis.find("syncoutput"), std::string::npos);
}

// AWS says which policy refused an SSE-KMS call; the fix names that one, with the key.
TEST(CheckDiagnosis, KmsDenialsNameTheIamStatementOrTheKeyPolicyAndGrant) {
  DiagnosisContext ctx = Ctx();
  ctx.kms_key_arn = "arn:aws:kms:us-west-1:111122223333:key/1234abcd";
  ProbeAction put{"s3:PutObject", "arn:aws:s3:::syncoutput/k", {}, ""};
  CheckResult iam;
  DiagnoseS3Failure(AwsError(ErrorCode::kAccessDenied, "AccessDenied", 403,
                             "User: arn:aws:sts::111122223333:assumed-role/sync/s is not "
                             "authorized to perform: kms:GenerateDataKey on resource: "
                             "arn:aws:kms:us-west-1:111122223333:key/1234abcd because no "
                             "identity-based policy allows the kms:GenerateDataKey action"),
                    put, ctx, iam);
  EXPECT_NE(iam.diagnosis.find("kms:GenerateDataKey"), std::string::npos) << iam.diagnosis;
  EXPECT_NE(iam.fix.find("Add \"kms:GenerateDataKey\" with Resource \"" + ctx.kms_key_arn),
            std::string::npos)
      << iam.fix;
  EXPECT_EQ(iam.fix.find("create-grant"), std::string::npos) << iam.fix;

  ProbeAction get{"s3:GetObject", "arn:aws:s3:::syncoutput/k", {}, ""};
  CheckResult key;
  DiagnoseS3Failure(AwsError(ErrorCode::kAccessDenied, "AccessDenied", 403,
                             "User: x is not authorized to perform: kms:Decrypt on resource: "
                             "arn:aws:kms:us-west-1:111122223333:key/1234abcd because no "
                             "resource-based policy allows the kms:Decrypt action"),
                    get, ctx, key);
  EXPECT_NE(key.diagnosis.find("kms:Decrypt"), std::string::npos) << key.diagnosis;
  EXPECT_NE(key.fix.find("key policy of " + ctx.kms_key_arn), std::string::npos) << key.fix;
  EXPECT_NE(key.fix.find("aws kms create-grant --key-id " + ctx.kms_key_arn +
                         " --grantee-principal arn:aws:iam::111122223333:role/sync"),
            std::string::npos)
      << key.fix;
  EXPECT_EQ(key.fix.find("permission policy"), std::string::npos) << key.fix;
}

TEST(CheckDiagnosis, AssumeRoleDeniedExplainsTheExternalIdCondition) {
  DiagnosisContext ctx = Ctx();
  ctx.trust_policy = *iam::ParsePolicy(R"({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
     "Action": "sts:AssumeRole",
     "Condition": {"StringEquals": {"sts:ExternalId": "expected-id"}}}]})");
  CheckResult r;
  DiagnoseAssumeRoleFailure(
      AwsError(ErrorCode::kAccessDenied, "AccessDenied", 403,
               "User: arn:aws:iam::444455556666:root is not authorized to perform: "
               "sts:AssumeRole on resource: arn:aws:iam::111122223333:role/sync"),
      "sent-id", ctx, r);
  EXPECT_NE(r.fix.find("sent-id"), std::string::npos) << r.fix;
  EXPECT_NE(r.fix.find("arn:aws:iam::444455556666:root"), std::string::npos);
  EXPECT_NE(r.explanation.find("expected-id"), std::string::npos) << r.explanation;
  EXPECT_NE(r.explanation.find("sent-id"), std::string::npos) << r.explanation;

  CheckResult missing_role;
  DiagnoseAssumeRoleFailure(AwsError(ErrorCode::kNotFound, "NoSuchEntity", 404, "role not found"),
                            "x", ctx, missing_role);
  EXPECT_NE(missing_role.diagnosis.find("does not exist"), std::string::npos);
}

TEST(CheckReport, OkOnlyWithoutFailuresAndJsonCarriesEveryField) {
  ConnectionCheckReport report;
  report.connection = "acme";
  CheckResult pass;
  pass.id = "list_objects";
  pass.status = CheckStatus::kPass;
  CheckResult warn;
  warn.id = "assume_role";
  warn.status = CheckStatus::kWarn;
  warn.fix = "do this";
  report.checks = {pass, warn};
  EXPECT_TRUE(report.ok());
  auto json = ToJson(report);
  EXPECT_EQ(json["ok"], true);
  EXPECT_EQ(json["checks"][1]["status"], "warn");
  EXPECT_EQ(json["checks"][1]["fix"], "do this");
  CheckResult fail;
  fail.id = "put_object";
  fail.status = CheckStatus::kFail;
  report.checks.push_back(fail);
  EXPECT_FALSE(report.ok());
  EXPECT_NE(FormatReport(report).find("FAIL  put_object"), std::string::npos);
  EXPECT_NE(FormatReport(report).find("1 passed, 1 failed, 1 warnings"), std::string::npos);
}

}  // namespace
}  // namespace crossdock::connect
