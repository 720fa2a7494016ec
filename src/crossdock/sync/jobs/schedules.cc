#include "crossdock/sync/jobs/schedules.h"

#include "crossdock/sync/jobs/job_store.h"

namespace crossdock::sync {
namespace {

using store::SqlSession;
using store::SqlValue;

TimePoint FromMs(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }
int64_t ToMs(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

Result<std::optional<Schedule>> ParseStored(const store::SqlRow& r, size_t i) {
  if (r.IsNull(i) || r.Text(i).empty()) return std::optional<Schedule>();
  try {
    ASSIGN_OR_RETURN(Schedule s, ScheduleFromJson(nlohmann::json::parse(r.Text(i))));
    return std::optional<Schedule>(std::move(s));
  } catch (const nlohmann::json::exception& e) {
    return Error(ErrorCode::kInternal, std::string("a stored schedule is not JSON: ") + e.what());
  }
}

// The next time after `now` for a schedule set (or resumed) at `anchor`; NULL when none.
Result<SqlValue> NextValue(const std::optional<Schedule>& s, bool paused, int64_t anchor,
                           int64_t now) {
  if (!s || paused) return store::SqlNull();
  ASSIGN_OR_RETURN(TimePoint next, s->NextAfter(FromMs(now), FromMs(anchor)));
  return SqlValue(ToMs(next));
}

}  // namespace

const std::vector<store::Migration>& ScheduleMigrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "sync schedules",
       "CREATE TABLE sync_schedules (sync_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, "
       "schedule TEXT, paused BIGINT NOT NULL DEFAULT 0, anchor_at BIGINT NOT NULL, "
       "next_run_at BIGINT, updated_at BIGINT NOT NULL);"
       "CREATE INDEX sync_schedules_due ON sync_schedules (next_run_at)",
       ""},
      // The tick (ORDER BY next_run_at, sync_id LIMIT n) reads its rows from this index in
      // order; with next_run_at alone it read and sorted every due row at each tick, so a
      // tick's cost grew with the number of schedules due at once.
      {2, "due schedules in tick order",
       "CREATE INDEX sync_schedules_due_order ON sync_schedules (next_run_at, sync_id);"
       "DROP INDEX sync_schedules_due",
       ""},
  };
  return kMigrations;
}

int64_t ScheduleStore::NowMs() const { return ToMs(clock_.Now()); }

Status ScheduleStore::Upsert(const std::string& org_id, const std::string& sync_id,
                             const std::optional<std::optional<Schedule>>& schedule,
                             std::optional<bool> paused) {
  return db_.Transaction([&](SqlSession& s) -> Status {
    int64_t now = NowMs();
    ASSIGN_OR_RETURN(auto rows, s.Query("SELECT schedule, paused, anchor_at FROM sync_schedules "
                                        "WHERE sync_id = ? AND org_id = ?",
                                        {sync_id, org_id}));
    std::optional<Schedule> current;
    bool was_paused = false;
    int64_t anchor = now;
    if (!rows.empty()) {
      ASSIGN_OR_RETURN(current, ParseStored(rows[0], 0));
      was_paused = rows[0].Int(1) != 0;
      anchor = rows[0].Int(2);
    }
    std::optional<Schedule> next_schedule = schedule ? *schedule : current;
    bool next_paused = paused.value_or(was_paused);
    // A new schedule, or resuming, counts from now; pausing keeps the anchor.
    if (schedule || (was_paused && !next_paused)) anchor = now;
    SqlValue text =
        next_schedule ? SqlValue(ScheduleToJson(*next_schedule).dump()) : store::SqlNull();
    ASSIGN_OR_RETURN(SqlValue next, NextValue(next_schedule, next_paused, anchor, now));
    if (rows.empty()) {
      return s.Exec(
                  "INSERT INTO sync_schedules (sync_id, org_id, schedule, paused, anchor_at, "
                  "next_run_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                  {sync_id, org_id, text, int64_t{next_paused}, anchor, next, now})
                     .ok()
                 ? OkStatus()
                 : Error(ErrorCode::kInternal,
                         "saving the schedule of sync " + sync_id + " failed");
    }
    RETURN_IF_ERROR(s.Exec(
        "UPDATE sync_schedules SET schedule = ?, paused = ?, anchor_at = ?, next_run_at = ?, "
        "updated_at = ? WHERE sync_id = ?",
        {text, int64_t{next_paused}, anchor, next, now, sync_id}));
    return OkStatus();
  });
}

Status ScheduleStore::SetSchedule(const std::string& org_id, const std::string& sync_id,
                                  const std::optional<Schedule>& schedule) {
  return Upsert(org_id, sync_id, std::optional<std::optional<Schedule>>(schedule), std::nullopt);
}

Status ScheduleStore::SetPaused(const std::string& org_id, const std::string& sync_id,
                                bool paused) {
  return Upsert(org_id, sync_id, std::nullopt, paused);
}

Status ScheduleStore::Remove(const std::string& sync_id) {
  return db_.Transaction([&](SqlSession& s) -> Status {
    RETURN_IF_ERROR(s.Exec("DELETE FROM sync_schedules WHERE sync_id = ?", {sync_id}));
    return OkStatus();
  });
}

Result<std::map<std::string, ScheduleState>> ScheduleStore::List(const std::string& org_id) {
  std::map<std::string, ScheduleState> out;
  RETURN_IF_ERROR(db_.ReadTransaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(auto rows, s.Query("SELECT sync_id, schedule, paused, next_run_at FROM "
                                        "sync_schedules WHERE org_id = ?",
                                        {org_id}));
    for (auto& r : rows) {
      ScheduleState st;
      auto parsed = ParseStored(r, 1);
      if (parsed.ok()) st.schedule = std::move(*parsed);
      st.paused = r.Int(2) != 0;
      if (auto n = r.OptionalInt(3)) st.next_run_at = FromMs(*n);
      out[r.Text(0)] = std::move(st);
    }
    return OkStatus();
  }));
  return out;
}

Result<TickReport> ScheduleStore::EnqueueDue(int limit) {
  TickReport report;
  RETURN_IF_ERROR(db_.Transaction([&](SqlSession& s) -> Status {
    int64_t now = NowMs();
    std::string sql =
        "SELECT sync_id, org_id, schedule, anchor_at, next_run_at FROM sync_schedules WHERE "
        "paused = 0 AND next_run_at IS NOT NULL AND next_run_at <= ? ORDER BY next_run_at, "
        "sync_id LIMIT ?";
    if (s.dialect() == store::Dialect::kPostgres) sql += " FOR UPDATE SKIP LOCKED";
    ASSIGN_OR_RETURN(auto due, s.Query(sql, {now, static_cast<int64_t>(limit)}));
    for (auto& r : due) {
      std::string sync_id = r.Text(0), org_id = r.Text(1);
      auto schedule = ParseStored(r, 2);
      SqlValue next = store::SqlNull();  // an unreadable schedule stops rather than spins
      if (schedule.ok()) {
        auto v = NextValue(*schedule, false, r.Int(3), now);
        if (v.ok()) next = *v;
      }
      // The compare-and-set on (sync_id, next_run_at): one worker wins each due time.
      ASSIGN_OR_RETURN(int64_t n,
                       s.Exec("UPDATE sync_schedules SET next_run_at = ?, updated_at = ? WHERE "
                              "sync_id = ? AND next_run_at = ? AND paused = 0",
                              {next, now, sync_id, r.Int(4)}));
      if (n != 1) continue;
      auto run = JobStore::EnqueueIn(s, org_id, sync_id, now);
      if (!run.ok() && run.error().code() == ErrorCode::kNotFound) {  // the sync is gone
        RETURN_IF_ERROR(s.Exec("DELETE FROM sync_schedules WHERE sync_id = ?", {sync_id}));
        continue;
      }
      if (!run.ok()) return run.error();
      if (*run) {
        report.queued_runs.push_back((*run)->id);
      } else {
        report.skipped_syncs.push_back(sync_id);
      }
    }
    return OkStatus();
  }));
  return report;
}

}  // namespace crossdock::sync
