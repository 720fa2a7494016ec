// JobStore: sync definitions, runs, cursors and worker heartbeats in the Store's database
// (component "sync" migrations; SQLite on one machine, PostgreSQL for several workers).
//
// Run life: queued -> running (claimed by a worker: worker_id, attempt + 1, heartbeat) ->
// committing -> succeeded | failed | cancelled. Claiming uses SELECT ... FOR UPDATE SKIP
// LOCKED on PostgreSQL (SQLite serialises writers, BEGIN IMMEDIATE). A running run whose
// heartbeat is older than the lease is claimed again by another worker (takeover) until
// max_attempts, then failed. Every change a worker makes to its run is a compare-and-set on
// (id, worker_id, attempt), so a worker that lost its run (taken over) cannot finish it:
// each run reaches a final state exactly once. The incremental cursor is saved in the same
// transaction as the succeeded state. One run per sync may be queued or active at a time.
// Every read and write of definitions and runs is scoped by organization. Times are UTC
// milliseconds. Thread-safe (the database serialises).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"
#include "crossdock/store/store.h"
#include "crossdock/sync/jobs/schedules.h"
#include "crossdock/sync/spec.h"

namespace crossdock::sync {

enum class RunStatus { kQueued, kRunning, kCommitting, kSucceeded, kFailed, kCancelled };
const char* RunStatusName(RunStatus s);
Result<RunStatus> ParseRunStatus(std::string_view s);
bool IsFinal(RunStatus s);

struct SyncDefinition {
  std::string id;  // "sync_..."
  std::string org_id;
  std::string name;  // unique per organization
  SyncSpec spec;
  std::optional<std::string> cursor;  // last committed incremental cursor
  TimePoint created_at{};
  TimePoint updated_at{};
  // Filled by SyncService::Get/List (not stored with the definition): the schedule and the
  // newest run's id, status and end.
  ScheduleState schedule;
  std::optional<std::string> last_run_id;
  std::optional<std::string> last_run_status;
  std::optional<TimePoint> last_run_finished_at;
};

struct SyncRun {
  std::string id;  // "run_<yyyymmddThhmmss>_<random>": sortable by creation
  std::string sync_id;
  std::string org_id;
  RunStatus status = RunStatus::kQueued;
  int attempt = 0;
  std::string worker_id;
  std::optional<TimePoint> heartbeat_at;
  bool cancel_requested = false;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  uint64_t files = 0;
  TimePoint created_at{};
  std::optional<TimePoint> started_at;
  std::optional<TimePoint> finished_at;
  std::string error;
  std::optional<std::string> cursor_from;
  std::optional<std::string> cursor_to;
  std::string manifest;  // location of the committed manifest
  // finished - started, when finished.
  std::optional<std::chrono::milliseconds> duration() const;
};

// What a worker reports when a run ends.
struct RunEnd {
  RunStatus status = RunStatus::kSucceeded;
  uint64_t rows = 0, bytes = 0, files = 0;
  std::string error;
  std::string manifest;
  std::optional<std::string> cursor_to;  // saved on the definition when succeeded
};

struct ClaimOptions {
  std::chrono::milliseconds lease{30000};  // heartbeat age after which a run is taken over
  int max_attempts = 3;                    // attempts before a repeatedly dying run fails
  std::string only_run;                    // claim this run only (the CLI's inline run)
};

// Narrows a run list; empty members do not filter.
struct RunFilter {
  std::optional<RunStatus> status;
  std::optional<TimePoint> since;  // runs created at or after this time
};

// How much run history to keep. Only finished runs are ever pruned; zero keeps everything.
struct RetentionPolicy {
  std::chrono::hours max_age{0};  // runs created longer ago are deleted
  int keep_per_sync = 0;          // at most this many newest runs per sync are kept
  int batch = 500;                // runs deleted per transaction (keeps writers waiting briefly)
};

class JobStore {
 public:
  // Applies the "sync" migrations. The store must outlive the JobStore.
  static Result<std::unique_ptr<JobStore>> Open(store::Store& store, const Clock& clock);

  Result<SyncDefinition> CreateSync(const std::string& org_id, const std::string& name,
                                    const SyncSpec& spec);
  // By id or by name.
  Result<SyncDefinition> GetSync(const std::string& org_id, const std::string& id_or_name);
  // Ordered by name, a page at a time (store/page.h); with a `name_prefix`, only the syncs
  // whose name starts with it (case-sensitive).
  Result<store::Page<SyncDefinition>> ListSyncs(const std::string& org_id,
                                                const store::PageRequest& page,
                                                const std::string& name_prefix = {});
  // Every definition of every organization (workers sweeping staging).
  Result<std::vector<SyncDefinition>> ListAllSyncs();
  // Replaces the name and spec of a sync (the cursor stays: it follows the same source only
  // when the source is unchanged, so a changed source resets it). kFailedPrecondition while a
  // run is active; kAlreadyExists when another sync has the name.
  Result<SyncDefinition> UpdateSync(const std::string& org_id, const std::string& id_or_name,
                                    const std::string& name, const SyncSpec& spec);
  Status DeleteSync(const std::string& org_id, const std::string& id_or_name);

  // kFailedPrecondition naming the active run when one is queued or running.
  Result<SyncRun> EnqueueRun(const std::string& org_id, const std::string& sync_id_or_name);
  // Queues a run inside the caller's transaction; nullopt when one is queued or active.
  static Result<std::optional<SyncRun>> EnqueueIn(store::SqlSession& s, const std::string& org_id,
                                                  const std::string& sync_id, int64_t now_ms);
  // Fills the schedule and last-run fields of the organization's definitions.
  Status Decorate(const std::string& org_id, std::vector<SyncDefinition>& defs);
  Result<SyncRun> GetRun(const std::string& org_id, const std::string& run_id);
  // Newest first, a page at a time (store/page.h).
  Result<store::Page<SyncRun>> ListRuns(const std::string& org_id, const std::string& sync_id,
                                        const RunFilter& filter, const store::PageRequest& page);
  // A queued run is cancelled at once; a running one is flagged and its worker stops it.
  Result<SyncRun> RequestCancel(const std::string& org_id, const std::string& run_id);

  // --- worker side (all organizations) ---
  Result<std::optional<SyncRun>> ClaimRun(const std::string& worker_id, const ClaimOptions& o);
  // Records progress and liveness. Returns whether cancellation was requested;
  // kFailedPrecondition when the worker no longer owns the run.
  Result<bool> Heartbeat(const SyncRun& run, uint64_t rows, uint64_t bytes, uint64_t files);
  // running -> committing (CAS); kFailedPrecondition when the run was taken over.
  Status MarkCommitting(const SyncRun& run);
  // The final state, and the cursor when succeeded, in one transaction (CAS).
  Status FinishRun(const SyncRun& run, const RunEnd& end);
  // Ids of runs that may still be writing (running or committing with a live heartbeat).
  Result<std::vector<std::string>> ActiveRunIds(std::chrono::milliseconds lease);
  Status WorkerHeartbeat(const std::string& worker_id, const std::string& host, int64_t pid);
  // How many runs reached each final state (tests, metrics): count of runs per status.
  Result<std::vector<std::pair<std::string, int64_t>>> CountByStatus();

  // Deletes finished runs beyond `policy`, `policy.batch` at a time, each batch its own
  // transaction. Returns how many runs were deleted.
  Result<int64_t> PruneRuns(const RetentionPolicy& policy);

  store::SqlDatabase& db() { return db_; }
  ScheduleStore& schedules() { return schedules_; }

 private:
  JobStore(store::SqlDatabase& db, const Clock& clock)
      : db_(db), clock_(clock), schedules_(db, clock) {}
  int64_t NowMs() const;

  store::SqlDatabase& db_;
  const Clock& clock_;
  ScheduleStore schedules_;
};

// The migrations of component "sync".
const std::vector<store::Migration>& SyncMigrations();
// Indexes for paged run lists, claims and pruning (component "sync-indexes").
const std::vector<store::Migration>& SyncIndexMigrations();

}  // namespace crossdock::sync
