// The checks of a connection test that read the customer's policy documents instead of
// calling AWS: what crossdock cannot try from its side.
//
// Databricks: the trust policy must let the Unity Catalog role (the partition's, GovCloud
// included) and the role itself assume the role with the Databricks External ID, and the
// permission policy must allow the role sts:AssumeRole on itself (seed 003's troubleshooting).
// Redshift Serverless: the trust policy must let redshift.amazonaws.com assume the role for
// UNLOAD and COPY (seed 004). For every type, the documents are compared with what the
// connection needs (iam::DiffPolicies), both ways. Without documents these checks are
// skipped with a note saying how to supply them. Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include "crossdock/connect/check_diagnosis.h"
#include "crossdock/connect/connection_check.h"

namespace crossdock::connect {

void AddDocumentChecks(const CheckInput& input, const DiagnosisContext& ctx,
                       const std::string& vendor_account, std::vector<CheckResult>& checks);

}  // namespace crossdock::connect
