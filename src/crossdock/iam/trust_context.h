// Trust policy checks that need to know who crossdock is: with the vendor principal and the
// organization's External ID(s) (flags of `policy check --type trust`, or the stored identity
// and organization), a trust policy is simulated for crossdock's AssumeRole with each External
// ID, without one and with a wrong one. It reports a trust that names another vendor, an
// External ID condition that is missing or names a different value, and, for Databricks, a
// missing self principal: "self" is exactly the role the policy belongs to (a role ARN given
// by the caller), not any role. Pure; findings are positioned at the document's start.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crossdock/iam/connection_types.h"
#include "crossdock/iam/finding.h"
#include "crossdock/iam/policy.h"

namespace crossdock::iam {

struct TrustContext {
  std::string vendor_principal;           // e.g. arn:aws:iam::568237466542:root (empty: skip)
  std::vector<std::string> external_ids;  // the organization's, current first
  std::string role_arn;                   // the role this trust policy is attached to
  std::optional<ConnectionType> for_type;
};

// Codes: trust-wrong-vendor, trust-external-id-missing, trust-external-id-mismatch,
// trust-missing-self.
std::vector<Finding> CheckTrustContext(const Policy& trust, const TrustContext& context);

}  // namespace crossdock::iam
