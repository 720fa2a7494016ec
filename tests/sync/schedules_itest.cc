// Schedules across processes: three worker processes share one PostgreSQL store and tick
// the scheduler of a sync due every minute; one is killed with SIGKILL halfway. Every period
// gets exactly one run (never two), periods keep firing after the kill, and the survivors
// execute them. The workers are this binary re-run in worker mode (the sync::Worker loop
// `crossdock worker` runs). To see many periods quickly, every process reads one shared
// accelerated clock (thirty times real time from a common epoch), so a "minute" lasts two
// real seconds while the store's compare-and-set sees the same times in every process.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "crossdock/sync/jobs/service.h"
#include "crossdock/sync/jobs/worker.h"
#include "sync/sync_peers.h"

extern char** environ;

namespace crossdock::sync::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr int kSpeed = 30;

// Real time from `epoch` on, running kSpeed times faster. Sleeps are real.
class FastClock final : public Clock {
 public:
  explicit FastClock(TimePoint epoch) : epoch_(epoch) {}
  TimePoint Now() const override {
    return epoch_ + (std::chrono::system_clock::now() - epoch_) * kSpeed;
  }
  void SleepFor(milliseconds d) override { std::this_thread::sleep_for(d); }

 private:
  TimePoint epoch_;
};

TimePoint EpochFromEnv() {
  return TimePoint(milliseconds(std::stoll(Env("CROSSDOCK_SCHED_EPOCH_MS"))));
}

std::atomic<bool> g_stop{false};
extern "C" void OnScheduleWorkerTerm(int) { g_stop.store(true); }

// Worker mode: runs only when spawned by the test below.
TEST(ScheduleWorkerProcess, DISABLED_Main) {
  std::string db = Env("CROSSDOCK_SCHED_WORKER_DB");
  if (db.empty()) GTEST_SKIP() << "worker mode only";
  signal(SIGTERM, OnScheduleWorkerTerm);
  FastClock clock(EpochFromEnv());
  store::StoreOptions so;
  so.location = db;
  so.clock = &clock;
  auto store = store::OpenStore(std::move(so));
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  auto service = SyncService::Open(**store, clock);
  ASSERT_TRUE(service.ok());
  Connector connector(ConnectorOptions{});
  WorkerOptions wo;
  wo.id = Env("CROSSDOCK_SCHED_WORKER_ID");
  wo.heartbeat = milliseconds(200);
  wo.poll = milliseconds(100);
  wo.claim.lease = milliseconds(2500 * kSpeed);  // 2.5 real seconds
  Worker worker((*service)->jobs(), connector, wo);
  ASSERT_TRUE(worker.Run(g_stop).ok());
}

pid_t Spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
            const std::string& log) {
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  for (char** e = environ; *e; ++e) envp.push_back(*e);
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  EXPECT_EQ(rc, 0) << args[0];
  return pid;
}

TEST(Schedules, ThreeWorkersFireEachPeriodOnceAndSurviveAKill) {
  REQUIRE_PEER("CROSSDOCK_PG_URL");
  std::string self = fs::read_symlink("/proc/self/exe").string();
  fs::path dir = fs::temp_directory_path() / ("crossdock-schedules-" + RandomSuffix());
  fs::create_directories(dir / "in");
  { std::ofstream(dir / "in" / "a.csv") << "id,name\n1,a\n2,b\n"; }
  PgSchema jobs_schema;
  std::string db_url = Env("CROSSDOCK_PG_URL") + "?options=-csearch_path%3D" + jobs_schema.name();
  auto epoch_ms =
      std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  FastClock clock{TimePoint(milliseconds(epoch_ms))};
  store::StoreOptions so;
  so.location = db_url;
  so.clock = &clock;
  auto store = store::OpenStore(std::move(so));
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  auto service = SyncService::Open(**store, clock);
  ASSERT_TRUE(service.ok());
  auto d = (*service)->Create(
      "org_s",
      nlohmann::json{
          {"name", "tick"},
          {"source", {{"type", "local"}, {"root", (dir / "in").string()}}},
          {"destination", {{"type", "local"}, {"root", (dir / "out").string()}, {"path", "t"}}},
          {"schedule", {{"every", "1m"}}}});
  ASSERT_TRUE(d.ok()) << d.error().ToString();
  TimePoint anchor = *d->schedule.next_run_at - std::chrono::minutes(1);

  std::vector<pid_t> workers;
  struct Reaper {
    std::vector<pid_t>& pids;
    ~Reaper() {
      for (pid_t pid : pids) {
        if (pid <= 0) continue;
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    }
  } reaper{workers};
  for (int w = 0; w < 3; ++w) {
    workers.push_back(Spawn({self, "--gtest_also_run_disabled_tests",
                             "--gtest_filter=ScheduleWorkerProcess.DISABLED_Main"},
                            {"CROSSDOCK_SCHED_WORKER_DB=" + db_url,
                             "CROSSDOCK_SCHED_EPOCH_MS=" + std::to_string(epoch_ms),
                             "CROSSDOCK_SCHED_WORKER_ID=w" + std::to_string(w)},
                            (dir / ("w" + std::to_string(w) + ".log")).string()));
  }
  std::this_thread::sleep_for(std::chrono::seconds(13));  // about six periods
  kill(workers[0], SIGKILL);
  waitpid(workers[0], nullptr, 0);
  workers[0] = 0;
  TimePoint killed_at = clock.Now();
  std::this_thread::sleep_for(std::chrono::seconds(13));
  for (size_t w = 1; w < workers.size(); ++w) kill(workers[w], SIGTERM);
  for (size_t w = 1; w < workers.size(); ++w) waitpid(workers[w], nullptr, 0);
  workers.clear();
  TimePoint stopped_at = clock.Now();

  store::PageRequest page;
  page.limit = store::kMaxPageLimit;
  auto runs = (*service)->ListRuns("org_s", "tick", {}, page);
  ASSERT_TRUE(runs.ok());
  int64_t periods = (stopped_at - anchor) / std::chrono::minutes(1);
  std::map<int64_t, std::string> by_period;
  size_t after_kill = 0;
  std::set<std::string> workers_seen;
  for (const auto& r : runs->items) {
    int64_t period = (r.created_at - anchor) / std::chrono::minutes(1);
    EXPECT_TRUE(by_period.emplace(period, r.id).second)
        << "period " << period << " has two runs: " << by_period[period] << " and " << r.id;
    // Queued at or shortly after the period's start, never before it.
    EXPECT_GE(r.created_at, anchor + std::chrono::minutes(period));
    if (r.created_at > killed_at) {
      ++after_kill;
      if (r.status == RunStatus::kSucceeded) workers_seen.insert(r.worker_id);
    }
  }
  // Each elapsed period fired, except those skipped while the killed worker's run (if it
  // died holding one) waited out its lease (2.5 s, under two periods).
  EXPECT_LE(static_cast<int64_t>(runs->items.size()), periods);
  EXPECT_GE(static_cast<int64_t>(runs->items.size()), periods - 2) << periods << " periods";
  EXPECT_GE(after_kill, 4u) << "schedules kept firing after the kill";
  EXPECT_FALSE(workers_seen.empty());
  EXPECT_EQ(workers_seen.count("w0"), 0u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace crossdock::sync::testing
