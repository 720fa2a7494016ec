// The scheduler tick at scale (issue 18): SYNCS syncs whose schedules all fall due at the same
// instant, then SCHEDULERS threads, each with its own store connection and ScheduleStore (as
// separate `crossdock worker` processes have), call EnqueueDue() back to back until a tick
// queues nothing. The syncs and their schedules ({"every": "1m"}) are made through
// JobStore::CreateSync and ScheduleStore::SetSchedule on a settable clock, which then moves
// one minute on so that every schedule is due (on PostgreSQL after an ANALYZE, as autovacuum
// would have run on a store in use). Prints one line: the wall-clock seconds until every due
// schedule is queued, enqueues per second, the runs queued and the syncs with more than one
// run (duplicates); exits 1 unless exactly one run per sync was queued. DB must be empty (a
// new SQLite file, or a PostgreSQL URL whose search_path is a new schema):
// bench/schedule_enqueue.sh makes one per call. Plain timing, not a Google Benchmark.
//
//   schedule_enqueue DB SCHEDULERS SYNCS
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "crossdock/store/store.h"
#include "crossdock/sync/jobs/job_store.h"

using namespace crossdock;

namespace {

constexpr char kOrg[] = "org_bench";

// One scheduler's own connection, as one `crossdock worker` process has.
struct Scheduler {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<sync::JobStore> jobs;
};

Result<Scheduler> Connect(const std::string& db, const Clock& clock) {
  store::StoreOptions options;
  options.location = db;
  options.clock = &clock;
  options.postgres_pool.max_connections = 1;
  ASSIGN_OR_RETURN(auto s, store::OpenStore(std::move(options)));
  ASSIGN_OR_RETURN(auto jobs, sync::JobStore::Open(*s, clock));
  return Scheduler{std::move(s), std::move(jobs)};
}

// `syncs` syncs of one organization, each with a schedule every minute set now.
Status Prepare(sync::JobStore& jobs, int syncs) {
  ASSIGN_OR_RETURN(
      auto spec,
      sync::SyncSpecFromJson(
          {{"source",
            {{"type", "postgres"},
             {"url", "postgresql://app@db.example:5432/shop"},
             {"table", "public.orders"}}},
           {"destination", {{"type", "s3"}, {"connection", "exports"}, {"path", "orders"}}}}));
  ASSIGN_OR_RETURN(auto every, sync::ScheduleFromJson({{"every", "1m"}}));
  for (int i = 0; i < syncs; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "sync-%06d", i);
    ASSIGN_OR_RETURN(auto d, jobs.CreateSync(kOrg, name, spec));
    RETURN_IF_ERROR(jobs.schedules().SetSchedule(kOrg, d.id, every));
  }
  return OkStatus();
}

// The first column of the first row of `sql`.
Result<int64_t> Count(store::SqlDatabase& db, const std::string& sql) {
  int64_t n = 0;
  RETURN_IF_ERROR(db.Transaction([&](store::SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(auto rows, s.Query(sql, {}));
    n = rows.at(0).Int(0);
    return OkStatus();
  }));
  return n;
}

int Fail(const Error& e) {
  std::fprintf(stderr, "%s\n", e.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DB SCHEDULERS SYNCS\n", argv[0]);
    return 2;
  }
  std::string db = argv[1];
  int count = std::atoi(argv[2]);
  int syncs = std::atoi(argv[3]);
  ManualClock clock(TimePoint(std::chrono::seconds(1767225600)));  // 2026-01-01T00:00:00Z

  std::vector<Scheduler> schedulers;
  for (int i = 0; i < count; ++i) {
    auto s = Connect(db, clock);
    if (!s.ok()) return Fail(s.error());
    schedulers.push_back(std::move(*s));
  }
  auto prepare_start = std::chrono::steady_clock::now();
  if (Status st = Prepare(*schedulers[0].jobs, syncs); !st.ok()) return Fail(st.error());
  std::fprintf(
      stderr, "%d due schedules made in %.1f s\n", syncs,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - prepare_start).count());
  // PostgreSQL plans from the statistics autovacuum keeps for a store in use; a store filled
  // a moment ago has none yet and would be planned as an empty one. SQLite's store never
  // gathers statistics, so neither does this there.
  store::SqlDatabase& sql = schedulers[0].store->sql();
  if (sql.dialect() == store::Dialect::kPostgres) {
    Status st = sql.Transaction([](store::SqlSession& s) {
      return s.ExecScript("ANALYZE sync_definitions, sync_runs, sync_schedules");
    });
    if (!st.ok()) return Fail(st.error());
  }
  clock.Advance(std::chrono::minutes(1));  // every schedule is due now

  std::atomic<int64_t> reported{0}, ticks{0}, errors{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (auto& scheduler : schedulers) {
    threads.emplace_back([&] {
      for (int failures = 0; failures < 100;) {
        auto tick = scheduler.jobs->schedules().EnqueueDue();
        ++ticks;
        if (!tick.ok()) {  // e.g. SQLite busy past its timeout: the next tick retries
          std::fprintf(stderr, "tick: %s\n", tick.error().ToString().c_str());
          ++errors;
          ++failures;
          continue;
        }
        if (tick->queued_runs.empty()) return;
        reported += static_cast<int64_t>(tick->queued_runs.size());
        failures = 0;
      }
    });
  }
  for (auto& t : threads) t.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  auto runs = Count(sql, "SELECT COUNT(*) FROM sync_runs WHERE status = 'queued'");
  if (!runs.ok()) return Fail(runs.error());
  auto duplicates = Count(sql,
                          "SELECT COUNT(*) FROM (SELECT sync_id FROM sync_runs GROUP BY sync_id "
                          "HAVING COUNT(*) > 1) AS d");
  if (!duplicates.ok()) return Fail(duplicates.error());
  std::printf(
      "schedulers=%d syncs=%d seconds=%.2f enqueues_per_s=%.0f runs=%lld duplicates=%lld "
      "ticks=%lld errors=%lld\n",
      count, syncs, seconds, *runs / seconds, static_cast<long long>(*runs),
      static_cast<long long>(*duplicates), static_cast<long long>(ticks.load()),
      static_cast<long long>(errors.load()));
  if (*runs != syncs || *duplicates != 0 || reported.load() != *runs) {
    std::fprintf(stderr, "expected exactly one queued run per sync (%d); the ticks reported %lld\n",
                 syncs, static_cast<long long>(reported.load()));
    return 1;
  }
  return 0;
}
