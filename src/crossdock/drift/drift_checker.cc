#include "crossdock/drift/drift_checker.h"

#include "crossdock/connect/service.h"
#include "crossdock/connect/vendor_identity.h"

namespace crossdock::drift {

nlohmann::json ProblemsOf(const connect::ConnectionCheckReport& report) {
  nlohmann::json out = nlohmann::json::array();
  for (const connect::CheckResult& r : report.checks) {
    if (r.status != connect::CheckStatus::kFail && r.status != connect::CheckStatus::kWarn) {
      continue;
    }
    out.push_back({{"id", r.id},
                   {"title", r.title},
                   {"status", connect::CheckStatusName(r.status)},
                   {"message", r.message},
                   {"diagnosis", r.diagnosis},
                   {"fix", r.fix},
                   {"aws_code", r.aws_code}});
  }
  return out;
}

DriftChecker::DriftChecker(store::Store& store, DriftStore& drift, DriftCheckerOptions options)
    : store_(store), drift_(drift), options_(std::move(options)) {
  if (!options_.run) {
    options_.run = [this](const connect::CheckInput& in) {
      connect::CheckEnvironment env = options_.env;
      if (connect::AssumesVendorRole(in.connection)) {
        // The identity of the connection's partition (the error names region and the fix).
        auto identities = store_.ListVendorIdentities();
        if (!identities.ok()) return Result<connect::ConnectionCheckReport>(identities.error());
        auto vendor = connect::VendorIdentityForRegion(*identities, in.connection.region);
        if (!vendor.ok()) return Result<connect::ConnectionCheckReport>(vendor.error());
        env.vendor_account = vendor->account_id;
        if (env.vendor_principal_arn.empty()) env.vendor_principal_arn = vendor->role_arn;
      }
      return connect::RunConnectionCheck(in, env);
    };
  }
}

Result<CheckRecord> DriftChecker::Check(const DriftClaim& claim) {
  connect::ConnectionService service(store_);
  ASSIGN_OR_RETURN(connect::Connection c,
                   service.GetConnection(claim.org_id, claim.connection_id, true));
  ASSIGN_OR_RETURN(connect::ExternalIds ids, service.GetExternalIds(claim.org_id));
  connect::CheckInput in;
  in.connection = std::move(c);
  in.external_ids = ids.All();
  auto started = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(connect::ConnectionCheckReport report, options_.run(in));
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return drift_.Record(claim, report.ok(), ProblemsOf(report), took);
}

Result<DriftPassReport> DriftChecker::RunDue(int limit) {
  DriftPassReport out;
  ASSIGN_OR_RETURN(auto claims, drift_.ClaimDue(limit));
  for (const DriftClaim& claim : claims) {
    auto rec = Check(claim);
    if (!rec.ok()) {
      ++out.errors;
      continue;
    }
    ++out.checked;
    if (!rec->ok) ++out.failing;
  }
  return out;
}

Result<CheckRecord> DriftChecker::CheckNow(const std::string& org_id,
                                           const std::string& id_or_name) {
  connect::ConnectionService service(store_);
  ASSIGN_OR_RETURN(connect::Connection c, service.GetConnection(org_id, id_or_name));
  ASSIGN_OR_RETURN(DriftClaim claim, drift_.ClaimNow(org_id, c.id));
  return Check(claim);
}

}  // namespace crossdock::drift
