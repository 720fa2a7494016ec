// The connection test with its requests audited: a drop-in for RunConnectionCheck in the
// integration tests. Every request the test sends is recorded and checked (testing/
// request_audit.h) against the permission and trust policies that `connection policies`
// generates for this very connection, so a probe that needs an action the customer was never
// asked to grant fails the test that runs it, whatever the probe's own verdict.
#pragma once

#include <gtest/gtest.h>

#include <iostream>
#include <memory>

#include "crossdock/connect/connection_check.h"
#include "crossdock/connect/policy_spec.h"
#include "crossdock/http/curl_transport.h"
#include "testing/request_audit.h"

namespace crossdock::connect {

inline Result<ConnectionCheckReport> AuditedCheck(const CheckInput& input, CheckEnvironment env) {
  auto recorder = std::make_shared<crossdock::testing::RecordingTransport>(
      std::make_shared<http::CurlTransport>());
  env.transport = recorder;
  auto report = RunConnectionCheck(input, env);
  // Access keys are the customer's own user: no role, no generated trust to check against.
  if (input.connection.auth_method != AuthMethod::kIamRole) return report;
  store::VendorIdentity vendor;
  vendor.account_id = env.vendor_account;
  auto spec = SpecForConnection(input.connection, vendor, input.external_ids);
  EXPECT_TRUE(spec.ok()) << spec.error().ToString();
  if (!spec.ok()) return report;
  auto policies = crossdock::testing::PoliciesFor(*spec);
  EXPECT_TRUE(policies.ok()) << policies.error().ToString();
  if (!policies.ok()) return report;
  auto audit = crossdock::testing::Audit(recorder->Take(), *policies);
  std::cout << audit.Summary() << "\n";
  EXPECT_TRUE(audit.outside.empty()) << audit.Summary();
  crossdock::testing::AddToTotals(audit);
  return report;
}

}  // namespace crossdock::connect
