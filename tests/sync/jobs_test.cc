// Job tables on SQLite: definitions, one active run per sync, claiming, heartbeats, takeover
// after a missed lease with compare-and-set finishing, cursor saved only on success,
// cancellation; spec parsing errors name the field; a worker runs a local sync end to end.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "crossdock/crypto/random.h"
#include "crossdock/store/store.h"
#include "crossdock/sync/jobs/service.h"
#include "crossdock/sync/jobs/worker.h"

namespace crossdock::sync {
namespace {

namespace fs = std::filesystem;

SyncSpec LocalSpec(const std::string& in, const std::string& out) {
  auto spec = SyncSpecFromJson({{"source", {{"type", "local"}, {"root", in}}},
                                {"destination", {{"type", "local"}, {"root", out}, {"path", "x"}}},
                                {"compression", "gzip"}});
  EXPECT_TRUE(spec.ok()) << spec.error().ToString();
  return *spec;
}

class Jobs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("crossdock-jobs-" + crypto::Base32Encode(crypto::RandomBytes(6)));
    fs::create_directories(dir_ / "in");
    store::StoreOptions o;
    o.location = (dir_ / "db.sqlite").string();
    o.clock = &clock_;
    auto s = store::OpenStore(std::move(o));
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
    auto svc = SyncService::Open(*store_, clock_);
    ASSERT_TRUE(svc.ok()) << svc.error().ToString();
    service_ = std::move(*svc);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  ManualClock clock_{TimePoint(std::chrono::seconds(1700000000))};
  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<SyncService> service_;
};

TEST_F(Jobs, OneActiveRunPerSyncAndTenantScoping) {
  auto d = service_->Create("org_a", "orders", LocalSpec("/in", "/out"));
  ASSERT_TRUE(d.ok()) << d.error().ToString();
  EXPECT_EQ(service_->Create("org_a", "orders", LocalSpec("/in", "/out")).error().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_TRUE(service_->Create("org_b", "orders", LocalSpec("/in", "/out")).ok());
  EXPECT_EQ(service_->Get("org_b", d->id).error().code(), ErrorCode::kNotFound);

  auto run = service_->StartRun("org_a", "orders");
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  EXPECT_EQ(run->status, RunStatus::kQueued);
  EXPECT_EQ(run->id.rfind("run_20231114t221320_", 0), 0u) << run->id;
  auto second = service_->StartRun("org_a", "orders");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(second.error().message().find(run->id), std::string::npos);
  EXPECT_EQ(service_->GetRun("org_b", run->id).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(service_->Delete("org_a", "orders").error().code(), ErrorCode::kFailedPrecondition);

  auto cancelled = service_->CancelRun("org_a", run->id);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->status, RunStatus::kCancelled);
  EXPECT_TRUE(service_->StartRun("org_a", "orders").ok()) << "a cancelled run is not active";
  auto json = RunToJson(*cancelled);
  EXPECT_EQ(json["status"], "cancelled");
  EXPECT_TRUE(json["duration_ms"].is_null());
}

TEST_F(Jobs, TakeoverAfterAMissedLeaseAndExactlyOneFinish) {
  ASSERT_TRUE(service_->Create("org", "s", LocalSpec("/in", "/out")).ok());
  auto queued = service_->StartRun("org", "s");
  ASSERT_TRUE(queued.ok());
  JobStore& jobs = service_->jobs();
  ClaimOptions co;
  co.lease = std::chrono::seconds(10);
  co.max_attempts = 2;
  auto a = jobs.ClaimRun("worker-a", co);
  ASSERT_TRUE(a.ok() && *a);
  EXPECT_EQ((*a)->attempt, 1);
  EXPECT_FALSE(*jobs.ClaimRun("worker-b", co)) << "a live run is not claimable";
  ASSERT_TRUE(jobs.Heartbeat(**a, 10, 100, 0).ok());

  clock_.Advance(std::chrono::seconds(11));  // worker-a misses its heartbeats
  auto b = jobs.ClaimRun("worker-b", co);
  ASSERT_TRUE(b.ok() && *b);
  EXPECT_EQ((*b)->id, (*a)->id);
  EXPECT_EQ((*b)->attempt, 2);

  // The old owner can neither heartbeat, commit nor finish any more.
  EXPECT_EQ(jobs.Heartbeat(**a, 1, 1, 1).error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(jobs.MarkCommitting(**a).error().code(), ErrorCode::kFailedPrecondition);
  RunEnd end;
  end.rows = 5;
  end.cursor_to = "99";
  EXPECT_FALSE(jobs.FinishRun(**a, end).ok());
  EXPECT_FALSE(service_->Get("org", "s")->cursor) << "the loser must not move the cursor";

  ASSERT_TRUE(jobs.MarkCommitting(**b).ok());
  ASSERT_TRUE(jobs.FinishRun(**b, end).ok());
  EXPECT_FALSE(jobs.FinishRun(**b, end).ok()) << "a run finishes once";
  auto done = service_->GetRun("org", (*b)->id);
  EXPECT_EQ(done->status, RunStatus::kSucceeded);
  EXPECT_EQ(done->rows, 5u);
  EXPECT_EQ(done->worker_id, "worker-b");
  EXPECT_EQ(*service_->Get("org", "s")->cursor, "99");
  auto next = service_->StartRun("org", "s");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next->cursor_from, "99");
}

TEST_F(Jobs, ARunThatKeepsDyingFailsAfterMaxAttempts) {
  ASSERT_TRUE(service_->Create("org", "s", LocalSpec("/in", "/out")).ok());
  auto queued = service_->StartRun("org", "s");
  ClaimOptions co;
  co.lease = std::chrono::seconds(5);
  co.max_attempts = 2;
  JobStore& jobs = service_->jobs();
  ASSERT_TRUE(*jobs.ClaimRun("w1", co));
  clock_.Advance(std::chrono::seconds(6));
  ASSERT_TRUE(*jobs.ClaimRun("w2", co));
  clock_.Advance(std::chrono::seconds(6));
  EXPECT_FALSE(*jobs.ClaimRun("w3", co));
  auto r = service_->GetRun("org", queued->id);
  EXPECT_EQ(r->status, RunStatus::kFailed);
  EXPECT_NE(r->error.find("stopped responding 2 times"), std::string::npos) << r->error;
}

TEST_F(Jobs, CancellingARunningRunIsSeenByItsHeartbeat) {
  ASSERT_TRUE(service_->Create("org", "s", LocalSpec("/in", "/out")).ok());
  auto queued = service_->StartRun("org", "s");
  auto claimed = service_->jobs().ClaimRun("w", ClaimOptions{});
  ASSERT_TRUE(claimed.ok() && *claimed);
  EXPECT_FALSE(*service_->jobs().Heartbeat(**claimed, 0, 0, 0));
  ASSERT_TRUE(service_->CancelRun("org", queued->id).ok());
  EXPECT_TRUE(*service_->jobs().Heartbeat(**claimed, 0, 0, 0));
  EXPECT_EQ(service_->jobs().MarkCommitting(**claimed).error().code(), ErrorCode::kCancelled);
}

TEST_F(Jobs, SpecErrorsNameTheField) {
  auto bad = [](nlohmann::json j) { return SyncSpecFromJson(j).error().field(); };
  nlohmann::json dest = {{"type", "local"}, {"root", "/o"}};
  EXPECT_EQ(bad({{"destination", dest}}), "source");
  EXPECT_EQ(
      bad({{"source", {{"type", "postgres"}, {"url", "postgresql://u:pw@h/db"}, {"table", "t"}}},
           {"destination", dest}}),
      "source.url");
  EXPECT_EQ(bad({{"source", {{"type", "postgres"}, {"url", "postgresql://u@h/db"}}},
                 {"destination", dest}}),
            "source.table");
  EXPECT_EQ(bad({{"source", {{"type", "local"}, {"root", "/i"}}},
                 {"destination", dest},
                 {"incremental", {{"cursor_column", "id"}}}}),
            "incremental");
  EXPECT_EQ(bad({{"source", {{"type", "local"}, {"root", "/i"}}},
                 {"destination", dest},
                 {"format", "parquet"}}),
            "format");
  EXPECT_EQ(bad({{"source", {{"type", "local"}, {"root", "/i"}}},
                 {"destination", dest},
                 {"colour", "red"}}),
            "colour");
  // A spec survives its JSON round trip.
  auto spec = SyncSpecFromJson(
      {{"source", {{"type", "postgres"}, {"url", "postgresql://u@h/db"}, {"query", "SELECT 1"}}},
       {"destination", {{"type", "s3"}, {"connection", "c"}, {"path", "p"}}},
       {"format", "jsonl"},
       {"file_size", 1048576},
       {"incremental", {{"cursor_column", "id"}}}});
  ASSERT_TRUE(spec.ok()) << spec.error().ToString();
  auto again = SyncSpecFromJson(SyncSpecToJson(*spec));
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(SyncSpecToJson(*again), SyncSpecToJson(*spec));
}

TEST_F(Jobs, AWorkerRunsALocalSyncAndRecordsTheOutcome) {
  std::ofstream(dir_ / "in" / "a.csv") << "id,v\n1,x\n2,\n3,\"\"\n";
  ASSERT_TRUE(
      service_->Create("org", "local", LocalSpec((dir_ / "in").string(), (dir_ / "out").string()))
          .ok());
  ConnectorOptions co;
  co.store = store_.get();
  Connector connector(co);
  Worker worker(service_->jobs(), connector, WorkerOptions{});
  EXPECT_FALSE(*worker.RunOnce()) << "nothing queued yet";
  auto queued = service_->StartRun("org", "local");
  ASSERT_TRUE(queued.ok());
  auto done = worker.RunOnce();
  ASSERT_TRUE(done.ok() && *done) << (done.ok() ? "" : done.error().ToString());
  EXPECT_EQ((*done)->status, RunStatus::kSucceeded) << (*done)->error;
  EXPECT_EQ((*done)->rows, 3u);
  EXPECT_EQ((*done)->files, 1u);
  EXPECT_TRUE(fs::exists(dir_ / "out" / "x" / queued->id / "manifest.json"));
  EXPECT_TRUE(fs::exists(dir_ / "out" / "x" / queued->id / "part-00000.csv.gz"));

  // A failing run records the error and cleans up.
  fs::remove(dir_ / "in" / "a.csv");
  clock_.Advance(std::chrono::seconds(1));
  auto failing = service_->StartRun("org", "local");
  auto failed = worker.RunOnce();
  ASSERT_TRUE(failed.ok() && *failed);
  EXPECT_EQ((*failed)->status, RunStatus::kFailed);
  EXPECT_NE((*failed)->error.find("no CSV or JSON Lines files"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "out" / "x" / failing->id));
  auto runs = service_->ListRuns("org", "local");
  ASSERT_EQ(runs->items.size(), 2u);
  EXPECT_EQ(runs->items[0].id, failing->id) << "newest first";
}

}  // namespace
}  // namespace crossdock::sync
