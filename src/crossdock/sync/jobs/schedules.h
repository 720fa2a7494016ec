// ScheduleStore: the schedule and pause state of each sync (table sync_schedules, migrations
// of component "sync_schedules", separate from the "sync" ones) and the scheduler tick that
// turns due schedules into queued runs.
//
// Exactly once across processes: every worker (`crossdock worker`, `serve --workers N`)
// calls EnqueueDue() from its loop. A schedule is claimed with a compare-and-set on
// (sync_id, next_run_at): the row's next_run_at moves to the next time after now in the same
// transaction that queues the run, so of several workers seeing the same due row exactly one
// changes it and queues; a worker that dies mid-tick rolls back and another claims the row.
// Missed periods (no worker was up) coalesce: the next time is computed from now, so one run
// is queued however many periods passed. A sync that still has a run queued or running is
// not queued again (that period is skipped). A paused sync keeps its schedule but is never
// due; resuming computes the next time from the moment of resuming. Thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"
#include "crossdock/store/migrations.h"
#include "crossdock/store/sql.h"
#include "crossdock/sync/schedule.h"

namespace crossdock::sync {

struct ScheduleState {
  std::optional<Schedule> schedule;
  bool paused = false;
  std::optional<TimePoint> next_run_at;  // unset without a schedule or while paused
};

// What one tick did, for logs and tests.
struct TickReport {
  std::vector<std::string> queued_runs;    // run ids
  std::vector<std::string> skipped_syncs;  // due, but a run was still queued or running
};

class ScheduleStore {
 public:
  ScheduleStore(store::SqlDatabase& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Sets (or with nullopt removes) the schedule of a sync; the next time counts from now.
  Status SetSchedule(const std::string& org_id, const std::string& sync_id,
                     const std::optional<Schedule>& schedule);
  // Pauses or resumes a sync's schedule.
  Status SetPaused(const std::string& org_id, const std::string& sync_id, bool paused);
  // The states of the organization's syncs that have one, by sync id.
  Result<std::map<std::string, ScheduleState>> List(const std::string& org_id);
  Status Remove(const std::string& sync_id);

  // The scheduler tick: queues a run for each due schedule (at most `limit`), see above.
  Result<TickReport> EnqueueDue(int limit = 50);

 private:
  int64_t NowMs() const;
  Status Upsert(const std::string& org_id, const std::string& sync_id,
                const std::optional<std::optional<Schedule>>& schedule, std::optional<bool> paused);

  store::SqlDatabase& db_;
  const Clock& clock_;
};

const std::vector<store::Migration>& ScheduleMigrations();

}  // namespace crossdock::sync
