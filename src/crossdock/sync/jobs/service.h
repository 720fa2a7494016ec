// SyncService: the library API behind `crossdock sync ...` and the REST routes /v1/syncs
// and /v1/syncs/{id}/runs. Each method is scoped by organization, returns typed records,
// and the *ToJson functions give the JSON bodies the API returns, so the CLI (--format json)
// and the server print the same documents. Input JSON errors are kInvalidArgument with the
// field's path; a missing sync or run (or one of another organization) is kNotFound.
//
// Routes it is meant to back:
//   POST   /v1/syncs                   Create(org, body)        -> 201 SyncToJson
//   GET    /v1/syncs                   List(org, page)          -> {"syncs": [...], "next_cursor"}
//   GET    /v1/syncs/{id}              Get(org, id)
//   DELETE /v1/syncs/{id}              Delete(org, id)          (409 while a run is active)
//   POST   /v1/syncs/{id}/runs         StartRun(org, id)        -> 202 RunToJson (queued;
//                                                                  409 if one is active)
//   GET    /v1/syncs/{id}/runs         ListRuns(org, id, filter, page) -> {"runs", "next_cursor"}
//   GET    /v1/syncs/{id}/runs/{run}   GetRun(org, run)
//   POST   /v1/syncs/{id}/runs/{run}/cancel  CancelRun(org, run)
//   PATCH  /v1/syncs/{id}              Update(org, id, {"schedule": {...} | null,
//                                                       "paused": true | false})
// Queued runs are executed by `crossdock worker` processes (jobs/worker.h). Thread-safe.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "crossdock/core/clock.h"
#include "crossdock/store/store.h"
#include "crossdock/sync/jobs/job_store.h"

namespace crossdock::sync {

// The members of a sync body that are not its spec.
struct SyncScheduling {
  std::optional<std::optional<Schedule>> schedule;  // set: replace (nullopt inside: remove)
  std::optional<bool> paused;
};
// Takes "schedule" and "paused" out of `body` (so the rest parses as a spec); errors name
// the member ("schedule.cron").
Result<SyncScheduling> TakeScheduling(nlohmann::json& body);

class SyncService {
 public:
  // Applies the "sync" migrations to the store's database.
  static Result<std::unique_ptr<SyncService>> Open(store::Store& store,
                                                   const Clock& clock = SystemClock::Instance());

  // body: {"name": "...", "source": {...}, "destination": {...}, ..., and optionally
  // "schedule": {...} (schedule.h) and "paused": bool} (spec.h).
  Result<SyncDefinition> Create(const std::string& org_id, const nlohmann::json& body);
  Result<SyncDefinition> Create(const std::string& org_id, const std::string& name,
                                const SyncSpec& spec, const SyncScheduling& scheduling = {});
  // Changes the schedule and/or pause state: {"schedule": {...} | null, "paused": bool}.
  Result<SyncDefinition> Update(const std::string& org_id, const std::string& id_or_name,
                                const nlohmann::json& body);
  Result<SyncDefinition> SetPaused(const std::string& org_id, const std::string& id_or_name,
                                   bool paused);
  Result<SyncDefinition> Get(const std::string& org_id, const std::string& id_or_name);
  // A page of the organization's syncs by name; only names starting with `name_prefix`.
  Result<store::Page<SyncDefinition>> List(const std::string& org_id,
                                           const store::PageRequest& page = {},
                                           const std::string& name_prefix = {});
  Status Delete(const std::string& org_id, const std::string& id_or_name);
  // New name and spec for a sync without an active run (JobStore::UpdateSync).
  Result<SyncDefinition> Update(const std::string& org_id, const std::string& id_or_name,
                                const std::string& name, const SyncSpec& spec);

  Result<SyncRun> StartRun(const std::string& org_id, const std::string& sync_id_or_name);
  Result<store::Page<SyncRun>> ListRuns(const std::string& org_id,
                                        const std::string& sync_id_or_name,
                                        const RunFilter& filter = {},
                                        const store::PageRequest& page = {});
  Result<SyncRun> GetRun(const std::string& org_id, const std::string& run_id);
  Result<SyncRun> CancelRun(const std::string& org_id, const std::string& run_id);

  JobStore& jobs() { return *jobs_; }

 private:
  explicit SyncService(std::unique_ptr<JobStore> jobs) : jobs_(std::move(jobs)) {}
  std::unique_ptr<JobStore> jobs_;
};

// {"id", "name", "spec": {...}, "cursor", "created_at", "updated_at", "schedule" (null when
//  none), "paused", "next_run_at", "last_run": {"id", "status", "finished_at"} | null}.
nlohmann::json SyncToJson(const SyncDefinition& d);
// {"id", "sync_id", "status", "attempt", "worker_id", "rows", "bytes", "files",
//  "created_at", "started_at", "finished_at", "duration_ms", "error", "cursor_from",
//  "cursor_to", "manifest", "cancel_requested"}; absent times are null.
nlohmann::json RunToJson(const SyncRun& r);

}  // namespace crossdock::sync
