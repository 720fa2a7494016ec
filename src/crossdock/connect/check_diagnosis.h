// What a failed connection check means and how to fix it: pure functions from an AWS error
// (and, when the customer supplied them, their policy documents) to a diagnosis in the
// customer's terms.
//
// The baseline is the troubleshooting of the vendor documents: the principal missing from
// the trust policy, the External ID missing or mismatched, an action missing on a resource,
// the bucket in another region, a role that does not exist, a KMS key policy. With the
// customer's documents, the offline policy simulator names the statement and condition at
// fault ("Condition StringEquals sts:ExternalId expected X, request had Y"). It performs no
// I/O; connection_check.cc calls it with what AWS answered.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crossdock/connect/connection_check.h"
#include "crossdock/core/result.h"
#include "crossdock/iam/policy.h"

namespace crossdock::connect {

// One S3 operation a probe performs, as IAM sees it.
struct ProbeAction {
  std::string action;                                        // "s3:PutObject"
  std::string resource;                                      // "arn:aws:s3:::bucket/path/key"
  std::vector<std::pair<std::string, std::string>> context;  // e.g. {"s3:prefix", "path/"}
  // The resource to grant in the fix ("arn:aws:s3:::bucket/path/*"); empty: `resource`.
  std::string grant_resource;
};

struct DiagnosisContext {
  std::string role_arn;                          // the role crossdock assumed (empty: access keys)
  std::string vendor_principal;                  // crossdock's principal ARN
  std::string region;                            // the connection's region
  std::string bucket;                            // bucket name
  std::string kms_key_arn;                       // the connection's SSE-KMS key, if any
  std::optional<iam::Policy> permission_policy;  // as the customer supplied it
  std::optional<iam::Policy> trust_policy;
};

// Fills diagnosis, fix and (with a trust policy) explanation for a failed AssumeRole with
// `external_id` ("" when none was sent).
void DiagnoseAssumeRoleFailure(const Error& error, const std::string& external_id,
                               const DiagnosisContext& ctx, CheckResult& out);

// Fills diagnosis, fix and (with a permission policy) explanation for a failed S3 probe.
void DiagnoseS3Failure(const Error& error, const ProbeAction& probe, const DiagnosisContext& ctx,
                       CheckResult& out);

// Copies code, AWS code, status, request id and message of an error into a check.
void RecordError(const Error& error, CheckResult& out);

// The simulator's account of `probe` against the permission policy, or "" without one.
std::string ExplainProbe(const ProbeAction& probe, const DiagnosisContext& ctx);

}  // namespace crossdock::connect
