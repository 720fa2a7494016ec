// DriftStore: when each connection is due for its next drift check, the history of check
// results and each connection's drift state (component "drift" migrations; tables
// connection_drift and connection_checks).
//
// Exactly once across workers, the way sync schedules are (sync/jobs/schedules.h): a worker
// reads the due rows and claims each with a compare-and-set on (connection_id,
// next_check_at) that moves next_check_at a lease ahead; of several workers seeing the same
// row exactly one changes it. Recording the result sets the next check an interval after
// now; a worker that dies mid-check leaves the row to be claimed again after the lease.
// Connections are picked up without wiring: ClaimDue() first adds a row, due at once, for
// every connection that has none, and drops rows of deleted connections.
//
// States: "unchecked" until the first result, then "ok" or "failing" (with failing_since).
// Record() writes the result, the new state and, on a change, the event in one transaction:
// ok -> failing records connection.drifted, failing -> ok connection.recovered (webhook
// outbox, notify/webhook_store.h). A connection failing from its first check is marked
// failing without an event: it never worked, it did not drift. History keeps the newest
// `keep_per_connection` results per connection. Results hold the failing probes' ids,
// titles, messages and fixes, never credentials. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"
#include "crossdock/store/store.h"

namespace crossdock::drift {

struct DriftOptions {
  std::chrono::seconds interval{24 * 3600};         // between two checks of a connection
  std::chrono::milliseconds lease{10 * 60 * 1000};  // a claimed check is retried after this
  int keep_per_connection = 100;                    // check results kept per connection
};

struct DriftStatus {
  std::string connection_id;
  std::string state = "unchecked";  // unchecked | ok | failing
  std::optional<TimePoint> failing_since;
  std::optional<TimePoint> recovered_at;  // the last failing -> ok
  std::optional<TimePoint> last_checked_at;
  std::optional<TimePoint> next_check_at;
  std::vector<std::string> failing_checks;  // ids of the last check's failed probes
};

struct CheckRecord {
  std::string id;  // "chk_..."
  std::string connection_id;
  TimePoint checked_at{};
  bool ok = false;
  // [{"id", "title", "status", "message", "diagnosis", "fix", "aws_code"}] of the probes
  // that failed or warned.
  nlohmann::json problems = nlohmann::json::array();
  std::chrono::milliseconds duration{0};
};

// A check this worker claimed.
struct DriftClaim {
  std::string connection_id;
  std::string org_id;
  std::string name;
  std::string type;
};

class DriftStore {
 public:
  // Applies the "drift" (and "webhooks") migrations. The store must outlive this object.
  static Result<std::unique_ptr<DriftStore>> Open(store::Store& store, const Clock& clock,
                                                  DriftOptions options = {});

  // Claims up to `limit` due checks (see above).
  Result<std::vector<DriftClaim>> ClaimDue(int limit = 20);
  // A check on demand (the CLI, the API): no claim, the result is recorded all the same.
  Result<DriftClaim> ClaimNow(const std::string& org_id, const std::string& connection_id);
  // Records a result, the state change and its event (see above).
  Result<CheckRecord> Record(const DriftClaim& claim, bool ok, const nlohmann::json& problems,
                             std::chrono::milliseconds duration);

  // The drift state of the organization's connections among `ids` (absent: unchecked).
  Result<std::map<std::string, DriftStatus>> States(const std::string& org_id,
                                                    const std::vector<std::string>& ids);
  // Newest first, a page at a time (store/page.h); kNotFound for another organization's.
  Result<store::Page<CheckRecord>> ListChecks(const std::string& org_id,
                                              const std::string& connection_id,
                                              const store::PageRequest& page);
  // Failing connections of every organization by connection type (for /metrics).
  Result<std::map<std::string, int64_t>> FailingByType();

  const DriftOptions& options() const { return options_; }

 private:
  DriftStore(store::Store& store, const Clock& clock, DriftOptions options)
      : store_(store), clock_(clock), options_(options) {}
  int64_t NowMs() const;

  store::Store& store_;
  const Clock& clock_;
  DriftOptions options_;
};

const std::vector<store::Migration>& DriftMigrations();

// {"state", "failing_since", "recovered_at", "last_checked_at", "next_check_at",
// "failing_checks"}: what connection lists carry as "drift".
nlohmann::json DriftToJson(const DriftStatus& s);
nlohmann::json CheckToJson(const CheckRecord& c);

}  // namespace crossdock::drift
