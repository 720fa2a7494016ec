// Three worker processes share one PostgreSQL store and execute 30 queued runs; one worker
// is killed with SIGKILL in the middle of a run. The workers are this test binary re-run in
// worker mode (WorkerProcess.DISABLED_Main: the same sync::Worker loop `crossdock worker`
// runs), so the test does not depend on the CLI binary being built. Every run completes exactly
// once (its row count and checksums match), the killed worker's run is taken over, and no
// staging object or multipart upload is left.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "crossdock/connect/service.h"
#include "crossdock/sync/destinations/s3_staging.h"
#include "crossdock/sync/jobs/service.h"
#include "crossdock/sync/jobs/worker.h"
#include "sync/sync_peers.h"

extern char** environ;

namespace crossdock::sync::testing {
namespace {

namespace fs = std::filesystem;

std::atomic<bool> g_stop{false};
extern "C" void OnTerm(int) { g_stop.store(true); }

// Worker mode: runs only when spawned by the test below (CROSSDOCK_SYNC_WORKER_DB set).
TEST(WorkerProcess, DISABLED_Main) {
  std::string db = Env("CROSSDOCK_SYNC_WORKER_DB");
  if (db.empty()) GTEST_SKIP() << "worker mode only";
  signal(SIGTERM, OnTerm);
  store::StoreOptions so;
  so.location = db;
  auto store = store::OpenStore(std::move(so));
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  auto service = SyncService::Open(**store);
  ASSERT_TRUE(service.ok());
  Connector connector(PeerConnectorOptions());
  WorkerOptions wo;
  wo.id = Env("CROSSDOCK_SYNC_WORKER_ID");
  wo.heartbeat = std::chrono::milliseconds(300);
  wo.poll = std::chrono::milliseconds(200);
  wo.claim.lease = std::chrono::milliseconds(2500);
  Worker worker((*service)->jobs(), connector, wo);
  ASSERT_TRUE(worker.SweepStaging().ok());
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

TEST(Workers, ThreeWorkersThirtyRunsOneKilledMidRun) {
  REQUIRE_PEER("CROSSDOCK_PG_URL", "CROSSDOCK_STS_ENDPOINT", "RGW_ROLE_ARN");
  std::string self = fs::read_symlink("/proc/self/exe").string();
  fs::path dir = fs::temp_directory_path() / ("crossdock-workers-" + RandomSuffix());
  fs::create_directories(dir);
  PgSchema data;  // the source table
  data.Exec("CREATE TABLE t (id bigint, h text, ts timestamptz)");
  data.Exec("INSERT INTO t SELECT i, md5(i::text), now() FROM generate_series(1, 60000) i");
  PgSchema jobs_schema;  // the store's tables, private to this test
  std::string pg = Env("CROSSDOCK_PG_URL");
  std::string db_url = pg + "?options=-csearch_path%3D" + jobs_schema.name();
  size_t colon = pg.find(':', pg.find("://") + 3), at = pg.find('@');
  std::string password = pg.substr(colon + 1, at - colon - 1);
  std::string source_url = pg.substr(0, colon) + pg.substr(at);
  std::string prefix = Env("RGW_PREFIX") + "/itest-" + RandomSuffix();
  // The workers read the source password from PGPASSWORD, as libpq does.
  std::vector<std::string> env = {"PGPASSWORD=" + password, "CROSSDOCK_SYNC_WORKER_DB=" + db_url};
  store::StoreOptions so;
  so.location = db_url;
  auto store = store::OpenStore(std::move(so));
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  auto service = SyncService::Open(**store);
  ASSERT_TRUE(service.ok());
  std::vector<std::string> runs;
  for (int i = 0; i < 30; ++i) {
    SyncSpec spec;
    spec.source.url = source_url;
    spec.source.table = data.Table("t");
    spec.destination.s3 = PeerTarget(prefix);
    spec.destination.path = "s" + std::to_string(i);
    spec.output.file_size = 128 * 1024;
    ASSERT_TRUE((*service)->Create("org_w", "s" + std::to_string(i), spec).ok());
    auto run = (*service)->StartRun("org_w", "s" + std::to_string(i));
    ASSERT_TRUE(run.ok());
    runs.push_back(run->id);
  }

  std::vector<pid_t> workers;
  // Whatever assertion ends the test early, no worker outlives it (ctest would wait for
  // them, since they hold its output pipe).
  struct Reaper {
    std::vector<pid_t>& pids;
    ~Reaper() {
      for (pid_t pid : pids) {
        if (pid <= 0) continue;  // already reaped
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    }
  } reaper{workers};
  for (int w = 0; w < 3; ++w) {
    std::vector<std::string> args = {self, "--gtest_also_run_disabled_tests",
                                     "--gtest_filter=WorkerProcess.DISABLED_Main"};
    std::vector<std::string> wenv = env;
    wenv.push_back("CROSSDOCK_SYNC_WORKER_ID=w" + std::to_string(w));
    workers.push_back(Spawn(args, wenv, (dir / ("w" + std::to_string(w) + ".log")).string()));
  }
  // Kill w0 while it is in the middle of a run.
  std::string victim_run;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (victim_run.empty() && std::chrono::steady_clock::now() < deadline) {
    for (const auto& id : runs) {
      auto r = (*service)->GetRun("org_w", id);
      // Running and owned by w0 (rows are reported only at heartbeats, and a short run can
      // end before its first one, so they are not waited for).
      if (r.ok() && r->status == RunStatus::kRunning && r->worker_id == "w0") {
        victim_run = id;
        break;
      }
    }
    if (victim_run.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_FALSE(victim_run.empty()) << "w0 never ran anything";
  kill(workers[0], SIGKILL);
  waitpid(workers[0], nullptr, 0);
  workers[0] = 0;  // reaped

  // Wait for every run to finish.
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(240);
  bool all_final = false;
  while (!all_final && std::chrono::steady_clock::now() < deadline) {
    all_final = true;
    for (const auto& id : runs) {
      auto r = (*service)->GetRun("org_w", id);
      if (!r.ok() || !IsFinal(r->status)) all_final = false;
    }
    if (!all_final) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  for (size_t w = 1; w < workers.size(); ++w) {
    kill(workers[w], SIGTERM);
    waitpid(workers[w], nullptr, 0);
  }
  workers.clear();  // all reaped
  ASSERT_TRUE(all_final) << "runs still pending after 4 minutes";

  // Read back with the role (RGW does not let the bucket owner read objects a role wrote).
  Connector reader(PeerConnectorOptions());
  auto opened = reader.OpenBucket("org_w", PeerTarget(prefix));
  ASSERT_TRUE(opened.ok());
  auto bucket = *opened;
  std::set<std::string> workers_seen;
  for (size_t i = 0; i < runs.size(); ++i) {
    auto r = (*service)->GetRun("org_w", runs[i]);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, RunStatus::kSucceeded) << r->id << ": " << r->error;
    EXPECT_EQ(r->rows, 60000u) << r->id;
    workers_seen.insert(r->worker_id);
    if (runs[i] == victim_run) {
      EXPECT_EQ(r->attempt, 2) << "the killed worker's run was taken over once";
      EXPECT_NE(r->worker_id, "w0");
    }
    ReadBack rb = ReadRun(*bucket, "s" + std::to_string(i) + "/" + runs[i] + "/");
    EXPECT_TRUE(rb.checksums_match) << runs[i];
    EXPECT_EQ(rb.lines, 60000u) << runs[i];
    // Exactly one committed run folder per sync, holding only the manifest's files.
    auto listing = bucket->List("s" + std::to_string(i) + "/");
    ASSERT_TRUE(listing.ok());
    EXPECT_EQ(listing->size(), rb.manifest.files.size() + 1) << runs[i];
    auto history = (*service)->ListRuns("org_w", "s" + std::to_string(i));
    EXPECT_EQ(history->items.size(), 1u);
  }
  EXPECT_GE(workers_seen.size(), 2u);
  auto state = InspectStaging(*bucket);
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->staged_objects.empty()) << state->staged_objects.size();
  EXPECT_TRUE(state->uploads.empty()) << state->uploads.size();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace crossdock::sync::testing
