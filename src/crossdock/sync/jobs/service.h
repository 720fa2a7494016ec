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
// Queued runs are executed by `crossdock worker` processes (jobs/worker.h). Thread-safe.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crossdock/core/clock.h"
#include "crossdock/store/store.h"
#include "crossdock/sync/jobs/job_store.h"

namespace crossdock::sync {

class SyncService {
 public:
  // Applies the "sync" migrations to the store's database.
  static Result<std::unique_ptr<SyncService>> Open(store::Store& store,
                                                   const Clock& clock = SystemClock::Instance());

  // body: {"name": "...", "source": {...}, "destination": {...}, ...} (spec.h).
  Result<SyncDefinition> Create(const std::string& org_id, const nlohmann::json& body);
  Result<SyncDefinition> Create(const std::string& org_id, const std::string& name,
                                const SyncSpec& spec);
  Result<SyncDefinition> Get(const std::string& org_id, const std::string& id_or_name);
  Result<store::Page<SyncDefinition>> List(const std::string& org_id,
                                           const store::PageRequest& page = {});
  Status Delete(const std::string& org_id, const std::string& id_or_name);

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

// {"id", "name", "spec": {...}, "cursor", "created_at", "updated_at"}.
nlohmann::json SyncToJson(const SyncDefinition& d);
// {"id", "sync_id", "status", "attempt", "worker_id", "rows", "bytes", "files",
//  "created_at", "started_at", "finished_at", "duration_ms", "error", "cursor_from",
//  "cursor_to", "manifest", "cancel_requested"}; absent times are null.
nlohmann::json RunToJson(const SyncRun& r);

}  // namespace crossdock::sync
