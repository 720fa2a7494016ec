#include "crossdock/sync/jobs/job_store.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <tuple>

#include "crossdock/core/time_format.h"
#include "crossdock/crypto/random.h"
#include "crossdock/notify/webhook_store.h"

namespace crossdock::sync {
namespace {

using store::SqlRow;
using store::SqlSession;
using store::SqlValue;

constexpr char kRunColumns[] =
    "id, sync_id, org_id, status, attempt, worker_id, heartbeat_at, cancel_requested, "
    "rows_count, bytes, files, created_at, started_at, finished_at, error, cursor_from, "
    "cursor_to, manifest";

constexpr char kSyncColumns[] = "id, org_id, name, spec, cursor_value, created_at, updated_at";

TimePoint FromMs(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }
std::optional<TimePoint> OptTime(const SqlRow& r, size_t i) {
  auto v = r.OptionalInt(i);
  if (!v) return std::nullopt;
  return FromMs(*v);
}
std::optional<std::string> OptText(const SqlRow& r, size_t i) {
  if (r.IsNull(i)) return std::nullopt;
  return r.Text(i);
}
SqlValue OptValue(const std::optional<std::string>& v) {
  if (!v) return store::SqlNull();
  return *v;
}

Result<SyncRun> RunFromRow(const SqlRow& r) {
  SyncRun run;
  run.id = r.Text(0);
  run.sync_id = r.Text(1);
  run.org_id = r.Text(2);
  ASSIGN_OR_RETURN(run.status, ParseRunStatus(r.Text(3)));
  run.attempt = static_cast<int>(r.Int(4));
  run.worker_id = r.Text(5);
  run.heartbeat_at = OptTime(r, 6);
  run.cancel_requested = r.Int(7) != 0;
  run.rows = static_cast<uint64_t>(r.Int(8));
  run.bytes = static_cast<uint64_t>(r.Int(9));
  run.files = static_cast<uint64_t>(r.Int(10));
  run.created_at = FromMs(r.Int(11));
  run.started_at = OptTime(r, 12);
  run.finished_at = OptTime(r, 13);
  run.error = r.Text(14);
  run.cursor_from = OptText(r, 15);
  run.cursor_to = OptText(r, 16);
  run.manifest = r.Text(17);
  return run;
}

Result<SyncDefinition> SyncFromRow(const SqlRow& r) {
  SyncDefinition d;
  d.id = r.Text(0);
  d.org_id = r.Text(1);
  d.name = r.Text(2);
  auto spec = ParseSyncSpec(r.Text(3));
  if (!spec.ok()) {
    return Error(ErrorCode::kInternal,
                 "stored sync " + d.name + " has an unreadable spec: " + spec.error().message());
  }
  d.spec = std::move(*spec);
  d.cursor = OptText(r, 4);
  d.created_at = FromMs(r.Int(5));
  d.updated_at = FromMs(r.Int(6));
  return d;
}

Result<SyncDefinition> FindSync(SqlSession& s, const std::string& org_id,
                                const std::string& id_or_name) {
  ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kSyncColumns +
                                          " FROM sync_definitions WHERE org_id = ? AND "
                                          "(id = ? OR name = ?)",
                                      {org_id, id_or_name, id_or_name}));
  if (rows.empty()) {
    return Error(ErrorCode::kNotFound,
                 "sync \"" + id_or_name + "\" does not exist; `crossdock sync list` shows them",
                 "sync");
  }
  return SyncFromRow(rows[0]);
}

Result<SyncRun> FindRun(SqlSession& s, const std::string& run_id) {
  ASSIGN_OR_RETURN(
      auto rows,
      s.Query(std::string("SELECT ") + kRunColumns + " FROM sync_runs WHERE id = ?", {run_id}));
  if (rows.empty()) {
    return Error(ErrorCode::kNotFound, "run \"" + run_id + "\" does not exist", "run");
  }
  return RunFromRow(rows[0]);
}

std::string NewRunId(TimePoint now) {
  std::string stamp = FormatAmzDate(now);  // 20240501T120000Z
  std::transform(stamp.begin(), stamp.end(), stamp.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!stamp.empty()) stamp.pop_back();  // the 'z'
  return "run_" + stamp + "_" + crypto::Base32Encode(crypto::RandomBytes(8));
}

Error LostRun(const SyncRun& run) {
  return Error(ErrorCode::kFailedPrecondition,
               "run " + run.id + " attempt " + std::to_string(run.attempt) +
                   " is no longer owned by worker " + run.worker_id +
                   " (another worker took it over after a missed heartbeat, or it was finished)",
               "run");
}

}  // namespace

const char* RunStatusName(RunStatus s) {
  switch (s) {
    case RunStatus::kQueued:
      return "queued";
    case RunStatus::kRunning:
      return "running";
    case RunStatus::kCommitting:
      return "committing";
    case RunStatus::kSucceeded:
      return "succeeded";
    case RunStatus::kFailed:
      return "failed";
    case RunStatus::kCancelled:
      return "cancelled";
  }
  return "failed";
}

Result<RunStatus> ParseRunStatus(std::string_view s) {
  for (RunStatus v : {RunStatus::kQueued, RunStatus::kRunning, RunStatus::kCommitting,
                      RunStatus::kSucceeded, RunStatus::kFailed, RunStatus::kCancelled}) {
    if (s == RunStatusName(v)) return v;
  }
  return Error(ErrorCode::kInternal, "unknown run status \"" + std::string(s) + "\"");
}

bool IsFinal(RunStatus s) {
  return s == RunStatus::kSucceeded || s == RunStatus::kFailed || s == RunStatus::kCancelled;
}

std::optional<std::chrono::milliseconds> SyncRun::duration() const {
  if (!started_at || !finished_at) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*finished_at - *started_at);
}

const std::vector<store::Migration>& SyncMigrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "sync definitions, runs and workers",
       "CREATE TABLE sync_definitions (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, "
       "name TEXT NOT NULL, spec TEXT NOT NULL, cursor_value TEXT, created_at BIGINT NOT NULL, "
       "updated_at BIGINT NOT NULL, UNIQUE (org_id, name));"
       "CREATE TABLE sync_runs (id TEXT PRIMARY KEY, sync_id TEXT NOT NULL REFERENCES "
       "sync_definitions(id) ON DELETE CASCADE, org_id TEXT NOT NULL, status TEXT NOT NULL, "
       "attempt BIGINT NOT NULL DEFAULT 0, worker_id TEXT, heartbeat_at BIGINT, "
       "cancel_requested BIGINT NOT NULL DEFAULT 0, rows_count BIGINT NOT NULL DEFAULT 0, "
       "bytes BIGINT NOT NULL DEFAULT 0, files BIGINT NOT NULL DEFAULT 0, "
       "created_at BIGINT NOT NULL, started_at BIGINT, finished_at BIGINT, error TEXT, "
       "cursor_from TEXT, cursor_to TEXT, manifest TEXT);"
       "CREATE INDEX sync_runs_by_status ON sync_runs (status, created_at);"
       "CREATE INDEX sync_runs_by_sync ON sync_runs (sync_id, created_at);"
       "CREATE UNIQUE INDEX sync_runs_one_active ON sync_runs (sync_id) "
       "WHERE status IN ('queued', 'running', 'committing');"
       "CREATE TABLE sync_workers (id TEXT PRIMARY KEY, host TEXT NOT NULL, pid BIGINT NOT NULL, "
       "started_at BIGINT NOT NULL, heartbeat_at BIGINT NOT NULL)",
       ""},
  };
  return kMigrations;
}

const std::vector<store::Migration>& SyncIndexMigrations() {
  // Its own component, so that tables other changes add to "sync" never collide with these
  // numbers. Each index serves a query a route or a worker makes.
  static const std::vector<store::Migration> kMigrations = {
      {1, "runs by sync, status and time; syncs by name",
       "CREATE INDEX IF NOT EXISTS sync_runs_by_sync_time ON sync_runs (sync_id, created_at, id);"
       "CREATE INDEX IF NOT EXISTS sync_runs_by_sync_status ON sync_runs "
       "(sync_id, status, created_at, id);"
       "CREATE INDEX IF NOT EXISTS sync_runs_by_status_time ON sync_runs (status, created_at, id);"
       "CREATE INDEX IF NOT EXISTS sync_runs_by_heartbeat ON sync_runs (status, heartbeat_at);"
       "CREATE INDEX IF NOT EXISTS sync_definitions_by_name ON sync_definitions "
       "(org_id, name, id)",
       ""},
  };
  return kMigrations;
}

Result<std::unique_ptr<JobStore>> JobStore::Open(store::Store& store, const Clock& clock) {
  RETURN_IF_ERROR(store.Migrate("sync", SyncMigrations()));
  RETURN_IF_ERROR(store.Migrate("sync_schedules", ScheduleMigrations()));
  RETURN_IF_ERROR(store.Migrate("sync-indexes", SyncIndexMigrations()));
  RETURN_IF_ERROR(notify::MigrateWebhooks(store));  // run.failed / run.succeeded events
  return std::unique_ptr<JobStore>(new JobStore(store.sql(), clock));
}

int64_t JobStore::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch())
      .count();
}

Result<SyncDefinition> JobStore::CreateSync(const std::string& org_id, const std::string& name,
                                            const SyncSpec& spec) {
  if (name.empty() || name.size() > 100) {
    return Error(ErrorCode::kInvalidArgument, "a sync needs a name of 1 to 100 characters", "name");
  }
  SyncDefinition d;
  d.id = crypto::RandomId("sync");
  d.org_id = org_id;
  d.name = name;
  d.spec = spec;
  int64_t now = NowMs();
  d.created_at = d.updated_at = FromMs(now);
  Status st = db_.Transaction([&](SqlSession& s) -> Status {
    return s.Exec(
                "INSERT INTO sync_definitions (id, org_id, name, spec, cursor_value, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, NULL, ?, ?)",
                {d.id, org_id, name, SyncSpecToJson(spec).dump(), now, now})
                   .ok()
               ? OkStatus()
               : Error(ErrorCode::kAlreadyExists,
                       "a sync named \"" + name + "\" already exists; pick another name", "name");
  });
  RETURN_IF_ERROR(st);
  return d;
}

Result<SyncDefinition> JobStore::GetSync(const std::string& org_id, const std::string& id_or_name) {
  std::optional<SyncDefinition> out;
  RETURN_IF_ERROR(db_.ReadTransaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(out, FindSync(s, org_id, id_or_name));
    return OkStatus();
  }));
  return std::move(*out);
}

Result<store::Page<SyncDefinition>> JobStore::ListSyncs(const std::string& org_id,
                                                        const store::PageRequest& page,
                                                        const std::string& name_prefix) {
  ASSIGN_OR_RETURN(auto after, store::CheckPage("syncs", page));
  std::vector<SyncDefinition> out;
  RETURN_IF_ERROR(db_.ReadTransaction([&](SqlSession& s) -> Status {
    std::string sql =
        std::string("SELECT ") + kSyncColumns + " FROM sync_definitions WHERE org_id = ?";
    std::vector<SqlValue> params = {org_id};
    if (!name_prefix.empty()) {
      sql += " AND substr(name, 1, ?) = ?";
      params.insert(params.end(), {SqlValue(store::CodePoints(name_prefix)), name_prefix});
    }
    if (after) {
      sql += " AND (name, id) > (?, ?)";
      params.push_back(after->sort_key);
      params.push_back(after->id);
    }
    sql += " ORDER BY name, id LIMIT ?";
    params.push_back(static_cast<int64_t>(page.limit) + 1);
    ASSIGN_OR_RETURN(auto rows, s.Query(sql, params));
    for (auto& r : rows) {
      ASSIGN_OR_RETURN(auto d, SyncFromRow(r));
      out.push_back(std::move(d));
    }
    return OkStatus();
  }));
  return store::MakePage("syncs", std::move(out), page.limit, [](const SyncDefinition& d) {
    return store::CursorKey{d.name, d.id};
  });
}

Result<std::vector<SyncDefinition>> JobStore::ListAllSyncs() {
  std::vector<SyncDefinition> out;
  RETURN_IF_ERROR(db_.ReadTransaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kSyncColumns +
                                        " FROM sync_definitions ORDER BY org_id, name"));
    for (auto& r : rows) {
      auto d = SyncFromRow(r);
      if (d.ok()) out.push_back(std::move(*d));
    }
    return OkStatus();
  }));
  return out;
}

Result<SyncDefinition> JobStore::UpdateSync(const std::string& org_id,
                                            const std::string& id_or_name, const std::string& name,
                                            const SyncSpec& spec) {
  if (name.empty() || name.size() > 100) {
    return Error(ErrorCode::kInvalidArgument, "a sync needs a name of 1 to 100 characters", "name");
  }
  SyncDefinition out;
  RETURN_IF_ERROR(db_.Transaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(auto d, FindSync(s, org_id, id_or_name));
    ASSIGN_OR_RETURN(auto active, s.Query("SELECT id FROM sync_runs WHERE sync_id = ? AND status "
                                          "IN ('queued', 'running', 'committing')",
                                          {d.id}));
    if (!active.empty()) {
      return Error(
          ErrorCode::kFailedPrecondition,
          "sync " + d.name + " has run " + active[0].Text(0) + " in progress; cancel it first",
          "sync");
    }
    if (name != d.name) {
      ASSIGN_OR_RETURN(auto taken, s.Query("SELECT id FROM sync_definitions WHERE org_id = ? AND "
                                           "name = ? AND id <> ?",
                                           {org_id, name, d.id}));
      if (!taken.empty()) {
        return Error(ErrorCode::kAlreadyExists,
                     "a sync named \"" + name + "\" already exists; pick another name", "name");
      }
    }
    bool same_source = SyncSpecToJson(spec)["source"] == SyncSpecToJson(d.spec)["source"];
    int64_t now = NowMs();
    std::string sql = same_source
                          ? "UPDATE sync_definitions SET name = ?, spec = ?, updated_at = ? "
                            "WHERE id = ?"
                          : "UPDATE sync_definitions SET name = ?, spec = ?, cursor_value = NULL, "
                            "updated_at = ? WHERE id = ?";
    auto st = s.Exec(sql, {name, SyncSpecToJson(spec).dump(), now, d.id});
    if (!st.ok()) return Error(ErrorCode::kInternal, "updating sync " + d.name + " failed");
    ASSIGN_OR_RETURN(out, FindSync(s, org_id, d.id));
    return OkStatus();
  }));
  return out;
}

Status JobStore::DeleteSync(const std::string& org_id, const std::string& id_or_name) {
  return db_.Transaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(auto d, FindSync(s, org_id, id_or_name));
    ASSIGN_OR_RETURN(auto active, s.Query("SELECT id FROM sync_runs WHERE sync_id = ? AND status "
                                          "IN ('queued', 'running', 'committing')",
                                          {d.id}));
    if (!active.empty()) {
      return Error(
          ErrorCode::kFailedPrecondition,
          "sync " + d.name + " has run " + active[0].Text(0) + " in progress; cancel it first",
          "sync");
    }
    RETURN_IF_ERROR(s.Exec("DELETE FROM sync_schedules WHERE sync_id = ?", {d.id}));
    return s.Exec("DELETE FROM sync_definitions WHERE id = ?", {d.id}).ok()
               ? OkStatus()
               : Error(ErrorCode::kInternal, "deleting sync " + d.name + " failed");
  });
}

Result<std::optional<SyncRun>> JobStore::EnqueueIn(SqlSession& s, const std::string& org_id,
                                                   const std::string& sync_id, int64_t now_ms) {
  ASSIGN_OR_RETURN(auto d, FindSync(s, org_id, sync_id));
  ASSIGN_OR_RETURN(auto active, s.Query("SELECT id FROM sync_runs WHERE sync_id = ? "
                                        "AND status IN ('queued', 'running', 'committing')",
                                        {d.id}));
  if (!active.empty()) return std::optional<SyncRun>();
  SyncRun run;
  run.id = NewRunId(FromMs(now_ms));
  run.sync_id = d.id;
  run.org_id = org_id;
  run.created_at = FromMs(now_ms);
  run.cursor_from = d.cursor;
  auto ins = s.Exec(
      "INSERT INTO sync_runs (id, sync_id, org_id, status, created_at, cursor_from) VALUES "
      "(?, ?, ?, 'queued', ?, ?)",
      {run.id, d.id, org_id, now_ms, OptValue(d.cursor)});
  if (!ins.ok()) {
    if (ins.error().code() == ErrorCode::kAlreadyExists) {
      return Error(ErrorCode::kFailedPrecondition,
                   "sync " + d.name + " already has a run queued or running", "sync");
    }
    return ins.error();
  }
  return std::optional<SyncRun>(std::move(run));
}

Result<SyncRun> JobStore::EnqueueRun(const std::string& org_id,
                                     const std::string& sync_id_or_name) {
  SyncRun run;
  RETURN_IF_ERROR(db_.Transaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(auto d, FindSync(s, org_id, sync_id_or_name));
    ASSIGN_OR_RETURN(auto active, s.Query("SELECT id, status FROM sync_runs WHERE sync_id = ? "
                                          "AND status IN ('queued', 'running', 'committing')",
                                          {d.id}));
    if (!active.empty()) {
      return Error(ErrorCode::kFailedPrecondition,
                   "sync " + d.name + " already has run " + active[0].Text(0) + " " +
                       active[0].Text(1) +
                       "; wait for it or cancel it (one run per sync at a time keeps its "
                       "cursor consistent)",
                   "sync");
    }
    ASSIGN_OR_RETURN(auto queued, EnqueueIn(s, org_id, d.id, NowMs()));
    if (!queued) {
      return Error(ErrorCode::kFailedPrecondition,
                   "sync " + d.name + " already has a run queued or running", "sync");
    }
    run = std::move(*queued);
    return OkStatus();
  }));
  return run;
}

Result<SyncRun> JobStore::GetRun(const std::string& org_id, const std::string& run_id) {
  std::optional<SyncRun> out;
  RETURN_IF_ERROR(db_.ReadTransaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(out, FindRun(s, run_id));
    return OkStatus();
  }));
  if (out->org_id != org_id) {
    return Error(ErrorCode::kNotFound, "run \"" + run_id + "\" does not exist", "run");
  }
  return std::move(*out);
}

Result<store::Page<SyncRun>> JobStore::ListRuns(const std::string& org_id,
                                                const std::string& sync_id, const RunFilter& filter,
                                                const store::PageRequest& page) {
  ASSIGN_OR_RETURN(auto after, store::CheckPage("runs", page));
  int64_t after_ms = 0;
  if (after) {
    ASSIGN_OR_RETURN(after_ms, store::SortKeyMillis("runs", *after));
  }
  std::vector<SyncRun> out;
  RETURN_IF_ERROR(db_.ReadTransaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(auto d, FindSync(s, org_id, sync_id));
    std::string sql =
        std::string("SELECT ") + kRunColumns + " FROM sync_runs WHERE sync_id = ? AND org_id = ?";
    std::vector<SqlValue> params = {d.id, org_id};
    if (filter.status) {
      sql += " AND status = ?";
      params.push_back(std::string(RunStatusName(*filter.status)));
    }
    if (filter.since) {
      sql += " AND created_at >= ?";
      params.push_back(static_cast<int64_t>(
          std::chrono::duration_cast<std::chrono::milliseconds>(filter.since->time_since_epoch())
              .count()));
    }
    if (after) {
      sql += " AND (created_at, id) < (?, ?)";
      params.push_back(after_ms);
      params.push_back(after->id);
    }
    sql += " ORDER BY created_at DESC, id DESC LIMIT ?";
    params.push_back(static_cast<int64_t>(page.limit) + 1);
    ASSIGN_OR_RETURN(auto rows, s.Query(sql, params));
    for (auto& r : rows) {
      ASSIGN_OR_RETURN(auto run, RunFromRow(r));
      out.push_back(std::move(run));
    }
    return OkStatus();
  }));
  return store::MakePage("runs", std::move(out), page.limit, [](const SyncRun& r) {
    return store::CursorKey{std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                               r.created_at.time_since_epoch())
                                               .count()),
                            r.id};
  });
}

Result<SyncRun> JobStore::RequestCancel(const std::string& org_id, const std::string& run_id) {
  std::optional<SyncRun> out;
  RETURN_IF_ERROR(db_.Transaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(SyncRun run, FindRun(s, run_id));
    if (run.org_id != org_id) {
      return Error(ErrorCode::kNotFound, "run \"" + run_id + "\" does not exist", "run");
    }
    if (IsFinal(run.status)) {
      return Error(ErrorCode::kFailedPrecondition,
                   "run " + run_id + " already " + RunStatusName(run.status), "run");
    }
    int64_t now = NowMs();
    if (run.status == RunStatus::kQueued) {
      RETURN_IF_ERROR(
          s.Exec("UPDATE sync_runs SET status = 'cancelled', cancel_requested = 1, "
                 "finished_at = ?, error = 'cancelled before it started' WHERE id = ?",
                 {now, run_id}));
    } else {
      RETURN_IF_ERROR(s.Exec("UPDATE sync_runs SET cancel_requested = 1 WHERE id = ?", {run_id}));
    }
    ASSIGN_OR_RETURN(out, FindRun(s, run_id));
    return OkStatus();
  }));
  return std::move(*out);
}

Result<std::optional<SyncRun>> JobStore::ClaimRun(const std::string& worker_id,
                                                  const ClaimOptions& o) {
  std::optional<SyncRun> claimed;
  RETURN_IF_ERROR(db_.Transaction([&](SqlSession& s) -> Status {
    int64_t now = NowMs();
    int64_t stale = now - o.lease.count();
    // Two index range reads instead of one OR: runs whose worker stopped heartbeating (few:
    // at most the active ones), then the oldest queued run.
    std::string stale_sql = std::string("SELECT ") + kRunColumns +
                            " FROM sync_runs WHERE status IN ('running', 'committing') AND "
                            "heartbeat_at < ?";
    std::string queued_sql =
        std::string("SELECT ") + kRunColumns + " FROM sync_runs WHERE status = 'queued'";
    std::vector<SqlValue> stale_params = {stale};
    std::vector<SqlValue> queued_params;
    if (!o.only_run.empty()) {
      stale_sql += " AND id = ?";
      queued_sql += " AND id = ?";
      stale_params.push_back(o.only_run);
      queued_params.push_back(o.only_run);
    }
    stale_sql += " ORDER BY heartbeat_at LIMIT 1";
    queued_sql += " ORDER BY created_at, id LIMIT 1";
    if (s.dialect() == store::Dialect::kPostgres) {
      stale_sql += " FOR UPDATE SKIP LOCKED";
      queued_sql += " FOR UPDATE SKIP LOCKED";
    }
    for (int guard = 0; guard < 100; ++guard) {
      ASSIGN_OR_RETURN(auto rows, s.Query(stale_sql, stale_params));
      if (rows.empty()) {
        ASSIGN_OR_RETURN(rows, s.Query(queued_sql, queued_params));
      }
      if (rows.empty()) return OkStatus();
      ASSIGN_OR_RETURN(SyncRun run, RunFromRow(rows[0]));
      bool takeover = run.status != RunStatus::kQueued;
      if (takeover && (run.cancel_requested || run.attempt >= o.max_attempts)) {
        // A dead worker's run that was cancelled, or that keeps dying: end it here.
        std::string why = run.cancel_requested
                              ? "cancelled (its worker stopped responding)"
                              : "its worker stopped responding " + std::to_string(run.attempt) +
                                    " times; giving up";
        RETURN_IF_ERROR(
            s.Exec("UPDATE sync_runs SET status = ?, finished_at = ?, error = ? WHERE id = ?",
                   {std::string(run.cancel_requested ? "cancelled" : "failed"), now, why, run.id}));
        continue;
      }
      RETURN_IF_ERROR(
          s.Exec("UPDATE sync_runs SET status = 'running', worker_id = ?, attempt = attempt + 1, "
                 "heartbeat_at = ?, started_at = COALESCE(started_at, ?) WHERE id = ?",
                 {worker_id, now, now, run.id}));
      run.status = RunStatus::kRunning;
      run.worker_id = worker_id;
      run.attempt += 1;
      run.heartbeat_at = FromMs(now);
      if (!run.started_at) run.started_at = FromMs(now);
      claimed = std::move(run);
      return OkStatus();
    }
    return OkStatus();
  }));
  return claimed;
}

Result<bool> JobStore::Heartbeat(const SyncRun& run, uint64_t rows, uint64_t bytes,
                                 uint64_t files) {
  bool cancel = false;
  RETURN_IF_ERROR(db_.Transaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(int64_t n,
                     s.Exec("UPDATE sync_runs SET heartbeat_at = ?, rows_count = ?, bytes = ?, "
                            "files = ? WHERE id = ? AND worker_id = ? AND attempt = ? AND "
                            "status IN ('running', 'committing')",
                            {NowMs(), static_cast<int64_t>(rows), static_cast<int64_t>(bytes),
                             static_cast<int64_t>(files), run.id, run.worker_id,
                             static_cast<int64_t>(run.attempt)}));
    if (n == 0) return LostRun(run);
    ASSIGN_OR_RETURN(auto r,
                     s.Query("SELECT cancel_requested FROM sync_runs WHERE id = ?", {run.id}));
    cancel = !r.empty() && r[0].Int(0) != 0;
    return OkStatus();
  }));
  return cancel;
}

Status JobStore::MarkCommitting(const SyncRun& run) {
  return db_.Transaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(int64_t n,
                     s.Exec("UPDATE sync_runs SET status = 'committing', heartbeat_at = ? WHERE "
                            "id = ? AND worker_id = ? AND attempt = ? AND status IN ('running', "
                            "'committing') AND cancel_requested = 0",
                            {NowMs(), run.id, run.worker_id, static_cast<int64_t>(run.attempt)}));
    if (n == 0) {
      ASSIGN_OR_RETURN(auto r,
                       s.Query("SELECT cancel_requested FROM sync_runs WHERE id = ?", {run.id}));
      if (!r.empty() && r[0].Int(0) != 0) {
        return Error(ErrorCode::kCancelled, "the run was cancelled before it committed");
      }
      return LostRun(run);
    }
    return OkStatus();
  });
}

namespace {

// The webhook event of a run's end, in the transaction that records it (notify's outbox).
Status RecordRunEvent(SqlSession& s, const SyncRun& run, const RunEnd& end, int64_t now) {
  if (end.status != RunStatus::kFailed && end.status != RunStatus::kSucceeded) return OkStatus();
  ASSIGN_OR_RETURN(auto rows,
                   s.Query("SELECT name FROM sync_definitions WHERE id = ?", {run.sync_id}));
  nlohmann::json object = {
      {"run",
       {{"id", run.id},
        {"sync_id", run.sync_id},
        {"sync", rows.empty() ? "" : rows[0].Text(0)},
        {"status", RunStatusName(end.status)},
        {"attempt", run.attempt},
        {"error", end.error},
        {"rows", end.rows},
        {"files", end.files},
        {"finished_at", FormatIso8601(TimePoint(std::chrono::milliseconds(now)))}}}};
  auto recorded = notify::RecordEvent(
      s, now, run.org_id,
      end.status == RunStatus::kFailed ? notify::kRunFailed : notify::kRunSucceeded, object);
  return recorded.ok() ? OkStatus() : Status(recorded.error());
}

}  // namespace

Status JobStore::FinishRun(const SyncRun& run, const RunEnd& end) {
  return db_.Transaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(
        int64_t n,
        s.Exec("UPDATE sync_runs SET status = ?, rows_count = ?, bytes = ?, files = ?, error = ?, "
               "manifest = ?, cursor_to = ?, finished_at = ?, heartbeat_at = ? WHERE id = ? AND "
               "worker_id = ? AND attempt = ? AND status IN ('running', 'committing')",
               {std::string(RunStatusName(end.status)), static_cast<int64_t>(end.rows),
                static_cast<int64_t>(end.bytes), static_cast<int64_t>(end.files), end.error,
                end.manifest, OptValue(end.cursor_to), NowMs(), NowMs(), run.id, run.worker_id,
                static_cast<int64_t>(run.attempt)}));
    if (n == 0) return LostRun(run);
    if (end.status == RunStatus::kSucceeded && end.cursor_to) {
      RETURN_IF_ERROR(
          s.Exec("UPDATE sync_definitions SET cursor_value = ?, updated_at = ? WHERE id = ?",
                 {*end.cursor_to, NowMs(), run.sync_id}));
    }
    return RecordRunEvent(s, run, end, NowMs());
  });
}

Result<int64_t> JobStore::PruneRuns(const RetentionPolicy& policy) {
  const int64_t batch = std::max(1, policy.batch);
  int64_t deleted = 0;
  // Deletes up to `batch` rows chosen by `select_ids` in one short transaction; returns how many.
  // `params` end with the batch size (the LIMIT).
  auto delete_batch = [&](const std::string& select_ids,
                          const std::vector<SqlValue>& params) -> Result<int64_t> {
    int64_t n = 0;
    RETURN_IF_ERROR(db_.Transaction([&](SqlSession& s) -> Status {
      ASSIGN_OR_RETURN(n, s.Exec("DELETE FROM sync_runs WHERE id IN (" + select_ids + ")", params));
      return OkStatus();
    }));
    return n;
  };
  if (policy.max_age.count() > 0) {
    int64_t cutoff =
        NowMs() - std::chrono::duration_cast<std::chrono::milliseconds>(policy.max_age).count();
    while (true) {
      ASSIGN_OR_RETURN(int64_t n,
                       delete_batch("SELECT id FROM sync_runs WHERE status IN ('succeeded', "
                                    "'failed', 'cancelled') AND created_at < ? LIMIT ?",
                                    {cutoff, batch}));
      deleted += n;
      if (n < batch) break;
    }
  }
  if (policy.keep_per_sync > 0) {
    // Syncs a page at a time by id; per sync, the newest kept run is the boundary.
    std::string after_sync;
    while (true) {
      std::vector<SqlRow> syncs;
      RETURN_IF_ERROR(db_.Transaction([&](SqlSession& s) -> Status {
        ASSIGN_OR_RETURN(syncs, s.Query("SELECT id FROM sync_definitions WHERE id > ? ORDER BY "
                                        "id LIMIT 500",
                                        {after_sync}));
        return OkStatus();
      }));
      if (syncs.empty()) break;
      after_sync = syncs.back().Text(0);
      for (const SqlRow& sync_row : syncs) {
        std::string sync_id = sync_row.Text(0);
        std::vector<SqlRow> boundary;
        RETURN_IF_ERROR(db_.Transaction([&](SqlSession& s) -> Status {
          ASSIGN_OR_RETURN(boundary,
                           s.Query("SELECT created_at, id FROM sync_runs WHERE sync_id = ? ORDER "
                                   "BY created_at DESC, id DESC LIMIT 1 OFFSET ?",
                                   {sync_id, static_cast<int64_t>(policy.keep_per_sync - 1)}));
          return OkStatus();
        }));
        if (boundary.empty()) continue;
        while (true) {
          ASSIGN_OR_RETURN(
              int64_t n,
              delete_batch("SELECT id FROM sync_runs WHERE sync_id = ? AND (created_at, id) < "
                           "(?, ?) AND status IN ('succeeded', 'failed', 'cancelled') LIMIT ?",
                           {sync_id, boundary[0].Int(0), boundary[0].Text(1), batch}));
          deleted += n;
          if (n < batch) break;
        }
      }
    }
  }
  return deleted;
}

Result<std::vector<std::string>> JobStore::ActiveRunIds(std::chrono::milliseconds lease) {
  std::vector<std::string> out;
  RETURN_IF_ERROR(db_.ReadTransaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(auto rows, s.Query("SELECT id FROM sync_runs WHERE status IN ('running', "
                                        "'committing') AND heartbeat_at >= ?",
                                        {NowMs() - lease.count()}));
    for (auto& r : rows) out.push_back(r.Text(0));
    return OkStatus();
  }));
  return out;
}

Status JobStore::WorkerHeartbeat(const std::string& worker_id, const std::string& host,
                                 int64_t pid) {
  return db_.Transaction([&](SqlSession& s) -> Status {
    int64_t now = NowMs();
    ASSIGN_OR_RETURN(int64_t n, s.Exec("UPDATE sync_workers SET heartbeat_at = ? WHERE id = ?",
                                       {now, worker_id}));
    if (n == 0) {
      RETURN_IF_ERROR(
          s.Exec("INSERT INTO sync_workers (id, host, pid, started_at, heartbeat_at) "
                 "VALUES (?, ?, ?, ?, ?)",
                 {worker_id, host, pid, now, now}));
    }
    return OkStatus();
  });
}

Result<std::vector<std::pair<std::string, int64_t>>> JobStore::CountByStatus() {
  std::vector<std::pair<std::string, int64_t>> out;
  RETURN_IF_ERROR(db_.ReadTransaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(auto rows,
                     s.Query("SELECT status, COUNT(*) FROM sync_runs GROUP BY status ORDER BY "
                             "status"));
    for (auto& r : rows) out.emplace_back(r.Text(0), r.Int(1));
    return OkStatus();
  }));
  return out;
}

}  // namespace crossdock::sync

namespace crossdock::sync {

Status JobStore::Decorate(const std::string& org_id, std::vector<SyncDefinition>& defs) {
  if (defs.empty()) return OkStatus();
  ASSIGN_OR_RETURN(auto states, schedules_.List(org_id));
  std::map<std::string, std::tuple<std::string, std::string, std::optional<TimePoint>>> last;
  // The newest run of each of these syncs only: one backward step in sync_runs_by_sync_time
  // per sync, so a page costs the same however long the organization's run history is.
  std::string sql =
      "SELECT r.sync_id, r.id, r.status, r.finished_at FROM sync_runs r WHERE r.id IN ("
      "SELECT (SELECT x.id FROM sync_runs x WHERE x.sync_id = d.id "
      "ORDER BY x.created_at DESC, x.id DESC LIMIT 1) "
      "FROM sync_definitions d WHERE d.org_id = ? AND d.id IN (";
  std::vector<SqlValue> params = {org_id};
  for (size_t i = 0; i < defs.size(); ++i) {
    sql += i ? ", ?" : "?";
    params.emplace_back(defs[i].id);
  }
  sql += "))";
  RETURN_IF_ERROR(db_.ReadTransaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(auto rows, s.Query(sql, params));
    for (auto& r : rows) last[r.Text(0)] = {r.Text(1), r.Text(2), OptTime(r, 3)};
    return OkStatus();
  }));
  for (auto& d : defs) {
    auto st = states.find(d.id);
    if (st != states.end()) d.schedule = st->second;
    auto l = last.find(d.id);
    if (l != last.end()) {
      d.last_run_id = std::get<0>(l->second);
      d.last_run_status = std::get<1>(l->second);
      d.last_run_finished_at = std::get<2>(l->second);
    }
  }
  return OkStatus();
}

}  // namespace crossdock::sync
