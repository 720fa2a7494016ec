#include "crossdock/sync/jobs/service.h"

#include "crossdock/core/time_format.h"

namespace crossdock::sync {
namespace {

nlohmann::json OptTime(const std::optional<TimePoint>& t) {
  if (!t) return nullptr;
  return FormatIso8601(*t);
}
nlohmann::json OptText(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return *s;
}
nlohmann::json TextOrNull(const std::string& s) {
  if (s.empty()) return nullptr;
  return s;
}

}  // namespace

Result<std::unique_ptr<SyncService>> SyncService::Open(store::Store& store, const Clock& clock) {
  ASSIGN_OR_RETURN(auto jobs, JobStore::Open(store, clock));
  return std::unique_ptr<SyncService>(new SyncService(std::move(jobs)));
}

Result<SyncDefinition> SyncService::Create(const std::string& org_id, const nlohmann::json& body) {
  if (!body.is_object()) {
    return Error(ErrorCode::kInvalidArgument, "the body must be a JSON object", "body");
  }
  if (!body.contains("name") || !body["name"].is_string()) {
    return Error(ErrorCode::kInvalidArgument, "name: a string is required", "name");
  }
  nlohmann::json spec_json = body;
  spec_json.erase("name");
  ASSIGN_OR_RETURN(SyncSpec spec, SyncSpecFromJson(spec_json));
  return Create(org_id, body["name"].get<std::string>(), spec);
}

Result<SyncDefinition> SyncService::Create(const std::string& org_id, const std::string& name,
                                           const SyncSpec& spec) {
  return jobs_->CreateSync(org_id, name, spec);
}

Result<SyncDefinition> SyncService::Get(const std::string& org_id, const std::string& id_or_name) {
  return jobs_->GetSync(org_id, id_or_name);
}

Result<store::Page<SyncDefinition>> SyncService::List(const std::string& org_id,
                                                      const store::PageRequest& page) {
  return jobs_->ListSyncs(org_id, page);
}

Status SyncService::Delete(const std::string& org_id, const std::string& id_or_name) {
  return jobs_->DeleteSync(org_id, id_or_name);
}

Result<SyncRun> SyncService::StartRun(const std::string& org_id,
                                      const std::string& sync_id_or_name) {
  return jobs_->EnqueueRun(org_id, sync_id_or_name);
}

Result<store::Page<SyncRun>> SyncService::ListRuns(const std::string& org_id,
                                                   const std::string& sync_id_or_name,
                                                   const RunFilter& filter,
                                                   const store::PageRequest& page) {
  return jobs_->ListRuns(org_id, sync_id_or_name, filter, page);
}

Result<SyncRun> SyncService::GetRun(const std::string& org_id, const std::string& run_id) {
  return jobs_->GetRun(org_id, run_id);
}

Result<SyncRun> SyncService::CancelRun(const std::string& org_id, const std::string& run_id) {
  return jobs_->RequestCancel(org_id, run_id);
}

nlohmann::json SyncToJson(const SyncDefinition& d) {
  return {{"id", d.id},
          {"name", d.name},
          {"spec", SyncSpecToJson(d.spec)},
          {"cursor", OptText(d.cursor)},
          {"created_at", FormatIso8601(d.created_at)},
          {"updated_at", FormatIso8601(d.updated_at)}};
}

nlohmann::json RunToJson(const SyncRun& r) {
  nlohmann::json j = {{"id", r.id},
                      {"sync_id", r.sync_id},
                      {"status", RunStatusName(r.status)},
                      {"attempt", r.attempt},
                      {"worker_id", TextOrNull(r.worker_id)},
                      {"rows", r.rows},
                      {"bytes", r.bytes},
                      {"files", r.files},
                      {"created_at", FormatIso8601(r.created_at)},
                      {"started_at", OptTime(r.started_at)},
                      {"finished_at", OptTime(r.finished_at)},
                      {"error", TextOrNull(r.error)},
                      {"cursor_from", OptText(r.cursor_from)},
                      {"cursor_to", OptText(r.cursor_to)},
                      {"manifest", TextOrNull(r.manifest)},
                      {"cancel_requested", r.cancel_requested}};
  auto d = r.duration();
  j["duration_ms"] = d ? nlohmann::json(d->count()) : nlohmann::json();
  return j;
}

}  // namespace crossdock::sync
