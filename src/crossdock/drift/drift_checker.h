// DriftChecker: runs the connection test (connect/connection_check.h) for connections due a
// drift check and records each result in the DriftStore. Workers call RunDue() from their
// loop (`crossdock worker`, `serve --workers N`); `crossdock connection drift-check` calls
// CheckNow() for one connection.
//
// A check is the same test a user runs by hand, with the organization's External IDs and
// the connection's stored secrets; what is kept is whether it passed and, for each probe
// that failed or warned, its id, title, message, diagnosis and fix. A test that cannot run
// at all (no vendor identity configured, the connection deleted meanwhile) records nothing:
// the claim's lease runs out and the check is tried again then. Thread-safe when the
// environment's transport and credentials are.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "crossdock/connect/connection_check.h"
#include "crossdock/drift/drift_store.h"
#include "crossdock/store/store.h"

namespace crossdock::drift {

using CheckRunner =
    std::function<Result<connect::ConnectionCheckReport>(const connect::CheckInput&)>;

struct DriftCheckerOptions {
  // How crossdock reaches AWS; vendor_account and (when empty) vendor_principal_arn come from
  // the store's vendor identity.
  connect::CheckEnvironment env;
  // Runs one test; null: connect::RunConnectionCheck with `env` (tests inject outcomes).
  CheckRunner run;
};

struct DriftPassReport {
  int checked = 0;
  int failing = 0;
  int errors = 0;  // tests that could not run (nothing recorded)
};

class DriftChecker {
 public:
  DriftChecker(store::Store& store, DriftStore& drift, DriftCheckerOptions options);

  // Claims the due checks (at most `limit`) and runs them one after another.
  Result<DriftPassReport> RunDue(int limit = 20);
  // Checks one connection (id or name) now and records the result.
  Result<CheckRecord> CheckNow(const std::string& org_id, const std::string& id_or_name);

 private:
  Result<CheckRecord> Check(const DriftClaim& claim);

  store::Store& store_;
  DriftStore& drift_;
  DriftCheckerOptions options_;
};

// The failed and warned probes of a report as stored in a check's "problems".
nlohmann::json ProblemsOf(const connect::ConnectionCheckReport& report);

}  // namespace crossdock::drift
