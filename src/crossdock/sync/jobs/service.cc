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
  ASSIGN_OR_RETURN(SyncScheduling scheduling, TakeScheduling(spec_json));
  ASSIGN_OR_RETURN(SyncSpec spec, SyncSpecFromJson(spec_json));
  return Create(org_id, body["name"].get<std::string>(), spec, scheduling);
}

Result<SyncScheduling> TakeScheduling(nlohmann::json& body) {
  SyncScheduling out;
  if (!body.is_object()) return out;
  if (body.contains("schedule")) {
    if (body["schedule"].is_null()) {
      out.schedule = std::optional<Schedule>();
    } else {
      ASSIGN_OR_RETURN(Schedule s, ScheduleFromJson(body["schedule"]));
      out.schedule = std::optional<Schedule>(std::move(s));
    }
    body.erase("schedule");
  }
  if (body.contains("paused")) {
    if (!body["paused"].is_boolean()) {
      return Error(ErrorCode::kInvalidArgument, "paused: must be true or false", "paused");
    }
    out.paused = body["paused"].get<bool>();
    body.erase("paused");
  }
  return out;
}

Result<SyncDefinition> SyncService::Create(const std::string& org_id, const std::string& name,
                                           const SyncSpec& spec, const SyncScheduling& scheduling) {
  ASSIGN_OR_RETURN(SyncDefinition d, jobs_->CreateSync(org_id, name, spec));
  if (scheduling.schedule && *scheduling.schedule) {
    RETURN_IF_ERROR(jobs_->schedules().SetSchedule(org_id, d.id, *scheduling.schedule));
  }
  if (scheduling.paused) {
    RETURN_IF_ERROR(jobs_->schedules().SetPaused(org_id, d.id, *scheduling.paused));
  }
  return Get(org_id, d.id);
}

Result<SyncDefinition> SyncService::Update(const std::string& org_id, const std::string& id_or_name,
                                           const nlohmann::json& body) {
  if (!body.is_object()) {
    return Error(ErrorCode::kInvalidArgument, "the body must be a JSON object", "body");
  }
  // Another organization's sync is not found, whatever the body says.
  ASSIGN_OR_RETURN(SyncDefinition d, jobs_->GetSync(org_id, id_or_name));
  nlohmann::json rest = body;
  ASSIGN_OR_RETURN(SyncScheduling scheduling, TakeScheduling(rest));
  if (!rest.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 rest.begin().key() +
                     ": cannot be changed; a sync's \"schedule\" and \"paused\" can (delete and "
                     "create it again to change the rest)",
                 rest.begin().key());
  }
  if (scheduling.schedule) {
    RETURN_IF_ERROR(jobs_->schedules().SetSchedule(org_id, d.id, *scheduling.schedule));
  }
  if (scheduling.paused) {
    RETURN_IF_ERROR(jobs_->schedules().SetPaused(org_id, d.id, *scheduling.paused));
  }
  return Get(org_id, d.id);
}

Result<SyncDefinition> SyncService::SetPaused(const std::string& org_id,
                                              const std::string& id_or_name, bool paused) {
  return Update(org_id, id_or_name, nlohmann::json{{"paused", paused}});
}

Result<SyncDefinition> SyncService::Get(const std::string& org_id, const std::string& id_or_name) {
  ASSIGN_OR_RETURN(SyncDefinition d, jobs_->GetSync(org_id, id_or_name));
  std::vector<SyncDefinition> one;
  one.push_back(std::move(d));
  RETURN_IF_ERROR(jobs_->Decorate(org_id, one));
  return std::move(one[0]);
}

Result<store::Page<SyncDefinition>> SyncService::List(const std::string& org_id,
                                                      const store::PageRequest& page,
                                                      const std::string& name_prefix) {
  ASSIGN_OR_RETURN(auto list, jobs_->ListSyncs(org_id, page, name_prefix));
  RETURN_IF_ERROR(jobs_->Decorate(org_id, list.items));
  return list;
}

Status SyncService::Delete(const std::string& org_id, const std::string& id_or_name) {
  return jobs_->DeleteSync(org_id, id_or_name);
}

Result<SyncDefinition> SyncService::Update(const std::string& org_id, const std::string& id_or_name,
                                           const std::string& name, const SyncSpec& spec) {
  return jobs_->UpdateSync(org_id, id_or_name, name, spec);
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
  nlohmann::json j = {{"id", d.id},
                      {"name", d.name},
                      {"spec", SyncSpecToJson(d.spec)},
                      {"cursor", OptText(d.cursor)},
                      {"created_at", FormatIso8601(d.created_at)},
                      {"updated_at", FormatIso8601(d.updated_at)}};
  const ScheduleState& s = d.schedule;
  j["schedule"] = s.schedule ? ScheduleToJson(*s.schedule) : nlohmann::json();
  j["paused"] = s.paused;
  j["next_run_at"] = OptTime(s.next_run_at);
  j["last_run"] = d.last_run_id ? nlohmann::json{{"id", *d.last_run_id},
                                                 {"status", OptText(d.last_run_status)},
                                                 {"finished_at", OptTime(d.last_run_finished_at)}}
                                : nlohmann::json();
  return j;
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
