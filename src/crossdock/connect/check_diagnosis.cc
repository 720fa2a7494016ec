#include "crossdock/connect/check_diagnosis.h"

#include <fmt/format.h>

#include "crossdock/aws/sts/sts_errors.h"
#include "crossdock/iam/evaluate.h"
#include "crossdock/iam/operations.h"

namespace crossdock::connect {
namespace {

bool StartsWith(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }

bool MentionsKms(const Error& error) {
  return StartsWith(error.aws_code(), "KMS") || error.message().find("KMS") != std::string::npos ||
         error.message().find("kms:") != std::string::npos ||
         error.message().find("kms-keyid") != std::string::npos;  // Ceph RGW's wording
}

std::string TrustExplanation(const std::string& external_id, const DiagnosisContext& ctx) {
  if (!ctx.trust_policy) return "";
  iam::Request request(ctx.vendor_principal, "sts:AssumeRole", ctx.role_arn);
  if (!external_id.empty()) request.Set("sts:ExternalId", external_id);
  std::vector<iam::NamedPolicy> policies = {{"trust policy", *ctx.trust_policy}};
  return iam::FormatEvaluation(iam::Explain(policies, request));
}

}  // namespace

void RecordError(const Error& error, CheckResult& out) {
  out.message = error.message();
  out.aws_code = error.aws_code();
  out.http_status = error.http_status();
  out.request_id = error.request_id();
}

std::string ExplainProbe(const ProbeAction& probe, const DiagnosisContext& ctx) {
  if (!ctx.permission_policy) return "";
  std::string principal = ctx.role_arn.empty() ? "*" : ctx.role_arn;
  iam::Request request(principal, probe.action, probe.resource);
  for (const auto& [key, value] : probe.context) request.Set(key, value);
  std::vector<iam::NamedPolicy> policies = {{"permission policy", *ctx.permission_policy}};
  return iam::FormatEvaluation(iam::Explain(policies, request));
}

void DiagnoseAssumeRoleFailure(const Error& error, const std::string& external_id,
                               const DiagnosisContext& ctx, CheckResult& out) {
  RecordError(error, out);
  out.explanation = TrustExplanation(external_id, ctx);
  switch (aws::sts::ClassifyStsError(error)) {
    case aws::sts::StsErrorKind::kAccessDenied:
      out.diagnosis = fmt::format(
          "The role's trust policy does not let {} assume {} with this External ID. On AWS "
          "this also happens when the role does not exist.",
          ctx.vendor_principal.empty() ? "crossdock" : ctx.vendor_principal, ctx.role_arn);
      out.fix = fmt::format(
          "In IAM, open the role {} > Trust relationships and make sure one statement has "
          "Effect Allow, Action sts:AssumeRole, Principal {{\"AWS\": \"{}\"}} and Condition "
          "{{\"StringEquals\": {{\"sts:ExternalId\": \"{}\"}}}} (crossdock connection policies "
          "prints the exact document). Check the role ARN for typos.",
          ctx.role_arn, ctx.vendor_principal, external_id);
      break;
    case aws::sts::StsErrorKind::kNoSuchEntity:
      out.diagnosis = fmt::format("The role {} does not exist.", ctx.role_arn);
      out.fix =
          "Create the role, or correct the role ARN on the connection (account id, path "
          "and name are case-sensitive).";
      break;
    case aws::sts::StsErrorKind::kInvalidClientTokenId:
    case aws::sts::StsErrorKind::kSignatureMismatch:
    case aws::sts::StsErrorKind::kExpiredToken:
      out.diagnosis =
          "crossdock's own AWS credentials were refused by STS: this is a problem "
          "of the crossdock installation, not of the customer's role.";
      out.fix =
          "Check the vendor credentials crossdock runs with (environment, profile or "
          "instance role) and the STS endpoint.";
      break;
    case aws::sts::StsErrorKind::kRegionDisabled:
      out.diagnosis =
          fmt::format("STS is not activated in region {} for the role's account.", ctx.region);
      out.fix =
          "In IAM > Account settings, activate the STS endpoint for this region, or use "
          "a region where it is active.";
      break;
    case aws::sts::StsErrorKind::kValidation:
      out.diagnosis = "STS rejected a parameter of the request.";
      out.fix = "Check the role ARN format (arn:aws:iam::123456789012:role/NAME).";
      break;
    case aws::sts::StsErrorKind::kOther:
      out.diagnosis = "STS could not be reached or failed.";
      out.fix = "Retry; if it persists, check the network path to the STS endpoint.";
      break;
  }
}

namespace {

// The KMS action an S3 request needed: named by AWS's message ("not authorized to perform:
// kms:GenerateDataKey on resource: ..."), else what S3 calls for it (writes encrypt with a
// new data key, reads decrypt).
std::string KmsActionFor(const Error& error, const ProbeAction& probe) {
  const std::string& m = error.message();
  for (const char* action : {"kms:GenerateDataKey", "kms:Decrypt"}) {
    if (m.find(action) != std::string::npos) return action;
  }
  return probe.action == "s3:PutObject" ? "kms:GenerateDataKey" : "kms:Decrypt";
}

// An SSE-KMS denial: which KMS action, on which key, and whether the role's IAM policy or
// the key's policy (or a grant) must allow it. AWS's message says which one refused ("no
// identity-based policy allows" / "no resource-based policy allows"); when it does not,
// both are named.
void DiagnoseKmsFailure(const Error& error, const ProbeAction& probe, const DiagnosisContext& ctx,
                        const std::string& who, CheckResult& out) {
  const std::string action = KmsActionFor(error, probe);
  const std::string key = ctx.kms_key_arn.empty() ? "the bucket's KMS key ARN" : ctx.kms_key_arn;
  const std::string& text = error.message();
  // A key that does not exist (AWS: KMS.NotFoundException; RGW: "Failed to retrieve the
  // actual key") is not a permission problem.
  if (error.aws_code() == "KMS.NotFoundException" ||
      text.find("Failed to retrieve the actual key") != std::string::npos ||
      text.find("does not exist") != std::string::npos) {
    out.diagnosis = fmt::format("The KMS key {} does not exist in {}.", key, ctx.region);
    out.fix =
        "Correct the connection's kms_key_arn (crossdock connection update NAME --kms-key-arn "
        "KEY_ARN) to the key the bucket uses, in the bucket's region.";
    return;
  }
  const std::string grantee = ctx.role_arn.empty() ? "the access key's user" : ctx.role_arn;
  out.diagnosis =
      fmt::format("S3 needs {} on the KMS key {} for {}, and {} may not use the key.", action,
                  ctx.kms_key_arn.empty() ? "that encrypts the bucket" : key, probe.action, who);
  const std::string& m = error.message();
  const bool iam_refused = m.find("identity-based policy") != std::string::npos;
  const bool key_refused = m.find("resource-based policy") != std::string::npos ||
                           m.find("key policy") != std::string::npos;
  const std::string iam_fix =
      iam::GrantFix(action, key, ctx.role_arn.empty() ? "user's" : "role's") +
      (ctx.kms_key_arn.empty()
           ? " Also set the connection's kms_key_arn (crossdock connection update NAME "
             "--kms-key-arn KEY_ARN) so the generated policy has it."
           : "");
  const std::string key_fix = fmt::format(
      "Let {} use the key in the key policy of {}: a statement {{\"Effect\": \"Allow\", "
      "\"Principal\": {{\"AWS\": \"{}\"}}, \"Action\": [\"kms:GenerateDataKey\", "
      "\"kms:Decrypt\"], \"Resource\": \"*\"}}, or a grant: aws kms create-grant --key-id {} "
      "--grantee-principal {} --operations GenerateDataKey Decrypt.",
      grantee, key, grantee, key, grantee);
  if (iam_refused && !key_refused) {
    out.fix = iam_fix;
  } else if (key_refused && !iam_refused) {
    out.fix = key_fix;
  } else {
    out.fix = iam_fix + " " + key_fix;
  }
}

}  // namespace

void DiagnoseS3Failure(const Error& error, const ProbeAction& probe, const DiagnosisContext& ctx,
                       CheckResult& out) {
  RecordError(error, out);
  out.explanation = ExplainProbe(probe, ctx);
  const std::string who = ctx.role_arn.empty() ? "the access key's user" : "the role";
  if (MentionsKms(error)) {
    DiagnoseKmsFailure(error, probe, ctx, who, out);
    return;
  }
  switch (error.code()) {
    case ErrorCode::kAccessDenied:
      out.diagnosis = fmt::format("{} is not allowed {} on {}.",
                                  who == "the role" ? "The role" : "The access key's user",
                                  probe.action, probe.resource);
      out.fix = iam::GrantFix(probe.action,
                              probe.grant_resource.empty() ? probe.resource : probe.grant_resource,
                              ctx.role_arn.empty() ? "user's" : "role's") +
                " Object actions need the bucket/* ARN, bucket actions the bucket ARN.";
      break;
    case ErrorCode::kNotFound:
      out.diagnosis =
          fmt::format("The bucket {} does not exist, or is not visible to {}.", ctx.bucket, who);
      out.fix = "Check the bucket name on the connection (names are global and lower-case).";
      break;
    case ErrorCode::kFailedPrecondition:
      out.diagnosis = "The bucket is in another region than the connection says.";
      out.fix = "Set the connection's region to the bucket's region.";
      break;
    case ErrorCode::kUnauthenticated:
      out.diagnosis = "S3 refused the credentials.";
      out.fix = ctx.role_arn.empty()
                    ? "Check the access key id and secret access key on the connection."
                    : "Check crossdock's vendor credentials; the assumed session was refused.";
      break;
    default:
      out.diagnosis = "S3 did not complete the request.";
      out.fix = "Retry; if it persists, check the S3 endpoint and network path.";
      break;
  }
}

}  // namespace crossdock::connect
