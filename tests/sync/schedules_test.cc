// Schedules in the job store (SQLite, injected clock): a due schedule queues one run, ticks
// of several stores on one database queue it once, missed periods coalesce, a sync with a
// run still active is skipped, pausing stops and resuming restarts from now, and the sync's
// JSON shows the schedule, the next run and the last run.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "crossdock/core/time_format.h"
#include "crossdock/crypto/random.h"
#include "crossdock/store/store.h"
#include "crossdock/sync/jobs/service.h"

namespace crossdock::sync {
namespace {

namespace fs = std::filesystem;
using std::chrono::minutes;

nlohmann::json Body(const std::string& name, nlohmann::json schedule) {
  return {{"name", name},
          {"source", {{"type", "local"}, {"root", "/in"}}},
          {"destination", {{"type", "local"}, {"root", "/out"}, {"path", "x"}}},
          {"schedule", std::move(schedule)}};
}

class Schedules : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("crossdock-sched-" + crypto::Base32Encode(crypto::RandomBytes(6)));
    fs::create_directories(dir_);
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
  size_t Tick() {
    auto r = service_->jobs().schedules().EnqueueDue();
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? r->queued_runs.size() : 0;
  }
  // Claims and finishes the sync's queued run.
  void Finish(RunStatus status) {
    auto run = service_->jobs().ClaimRun("w", {});
    ASSERT_TRUE(run.ok() && *run);
    RunEnd end;
    end.status = status;
    if (status == RunStatus::kFailed) end.error = "boom";
    ASSERT_TRUE(service_->jobs().FinishRun(**run, end).ok());
  }

  ManualClock clock_{TimePoint(std::chrono::seconds(1700000000))};  // 2023-11-14T22:13:20Z
  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<SyncService> service_;
};

TEST_F(Schedules, DueScheduleQueuesOnceAndCoalescesMissedPeriods) {
  auto d = service_->Create("org_a", Body("orders", {{"every", "5m"}}));
  ASSERT_TRUE(d.ok()) << d.error().ToString();
  TimePoint start = clock_.Now();
  ASSERT_TRUE(d->schedule.next_run_at);
  EXPECT_EQ(*d->schedule.next_run_at, start + minutes(5));
  EXPECT_EQ(Tick(), 0u);
  clock_.Advance(minutes(5));
  EXPECT_EQ(Tick(), 1u);
  EXPECT_EQ(Tick(), 0u);  // next_run_at moved on
  auto runs = service_->ListRuns("org_a", "orders");
  ASSERT_EQ(runs->items.size(), 1u);
  // The run is still queued at the next period: skipped, not queued twice.
  clock_.Advance(minutes(5));
  auto report = service_->jobs().schedules().EnqueueDue();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->queued_runs.empty());
  EXPECT_EQ(report->skipped_syncs, std::vector<std::string>{d->id});
  Finish(RunStatus::kFailed);
  // Down for 23 minutes (four periods): one run, and the next time is the next multiple.
  clock_.Advance(minutes(23));
  EXPECT_EQ(Tick(), 1u);
  EXPECT_EQ(Tick(), 0u);
  auto got = service_->Get("org_a", "orders");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got->schedule.next_run_at, start + minutes(35));
  EXPECT_EQ(service_->ListRuns("org_a", "orders")->items.size(), 2u);
  auto j = SyncToJson(*got);
  EXPECT_EQ(j["schedule"], (nlohmann::json{{"every", "5m"}}));
  EXPECT_EQ(j["paused"], false);
  EXPECT_EQ(j["next_run_at"], FormatIso8601(start + minutes(35)));
  EXPECT_EQ(j["last_run"]["status"], "queued");
  Finish(RunStatus::kSucceeded);
  EXPECT_EQ(SyncToJson(*service_->Get("org_a", "orders"))["last_run"]["status"], "succeeded");
}

TEST_F(Schedules, EachPageOfSyncsShowsEachSyncsNewestRun) {
  for (const char* name : {"a", "b", "c"}) {
    ASSERT_TRUE(service_->Create("org_a", Body(name, {{"every", "1h"}})).ok());
  }
  ASSERT_TRUE(service_->StartRun("org_a", "a").ok());
  Finish(RunStatus::kFailed);
  clock_.Advance(minutes(1));
  ASSERT_TRUE(service_->StartRun("org_a", "b").ok());
  Finish(RunStatus::kSucceeded);
  clock_.Advance(minutes(1));
  auto newest_a = service_->StartRun("org_a", "a");
  ASSERT_TRUE(newest_a.ok());
  store::PageRequest page;
  page.limit = 2;
  auto first = service_->List("org_a", page);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].last_run_id, newest_a->id);
  EXPECT_EQ(first->items[0].last_run_status, "queued");
  EXPECT_EQ(first->items[1].last_run_status, "succeeded");
  page.cursor = *first->next_cursor;
  auto second = service_->List("org_a", page);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_FALSE(second->items[0].last_run_id.has_value()) << "c never ran";
  EXPECT_TRUE(second->items[0].schedule.schedule.has_value());
}

TEST_F(Schedules, ConcurrentTicksOfSeveralStoresQueueOnce) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(service_->Create("org_a", Body("s" + std::to_string(i), {{"every", "1m"}})).ok());
  }
  // Four more JobStores on their own connections to the same file, as four processes.
  std::vector<std::unique_ptr<store::Store>> stores;
  std::vector<std::unique_ptr<SyncService>> services;
  for (int i = 0; i < 4; ++i) {
    store::StoreOptions o;
    o.location = (dir_ / "db.sqlite").string();
    o.clock = &clock_;
    auto st = store::OpenStore(std::move(o));
    ASSERT_TRUE(st.ok());
    stores.push_back(std::move(*st));
    auto svc = SyncService::Open(*stores.back(), clock_);
    ASSERT_TRUE(svc.ok());
    services.push_back(std::move(*svc));
  }
  std::atomic<size_t> queued{0};
  for (int period = 0; period < 3; ++period) {
    clock_.Advance(minutes(1));
    std::vector<std::thread> threads;
    for (auto& s : services) {
      threads.emplace_back([&, svc = s.get()] {
        for (int k = 0; k < 5; ++k) {
          auto r = svc->jobs().schedules().EnqueueDue();
          if (r.ok()) queued += r->queued_runs.size();
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(queued.load(), 10u * (period + 1));
    for (int i = 0; i < 10; ++i) Finish(RunStatus::kSucceeded);
  }
}

TEST_F(Schedules, PauseStopsAndResumeRestartsFromNow) {
  ASSERT_TRUE(service_->Create("org_a", Body("orders", {{"every", "10m"}})).ok());
  auto paused = service_->SetPaused("org_a", "orders", true);
  ASSERT_TRUE(paused.ok());
  EXPECT_TRUE(paused->schedule.paused);
  EXPECT_FALSE(paused->schedule.next_run_at);
  clock_.Advance(minutes(45));
  EXPECT_EQ(Tick(), 0u);
  auto resumed = service_->SetPaused("org_a", "orders", false);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(*resumed->schedule.next_run_at, clock_.Now() + minutes(10));
  clock_.Advance(minutes(10));
  EXPECT_EQ(Tick(), 1u);
  // A paused sync can still be run by hand.
  ASSERT_TRUE(service_->SetPaused("org_a", "orders", true).ok());
  Finish(RunStatus::kSucceeded);
  EXPECT_TRUE(service_->StartRun("org_a", "orders").ok());
}

TEST_F(Schedules, UpdateValidatesAndRemoves) {
  ASSERT_TRUE(service_->Create("org_a", Body("orders", {{"every", "10m"}})).ok());
  auto bad = service_->Update("org_a", "orders", {{"schedule", {{"cron", "61 * * * *"}}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field(), "schedule.cron");
  auto other = service_->Update("org_a", "orders", {{"format", "jsonl"}});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().field(), "format");
  EXPECT_EQ(service_->Update("org_b", "orders", {{"paused", true}}).error().code(),
            ErrorCode::kNotFound);
  auto cron = service_->Update(
      "org_a", "orders", {{"schedule", {{"cron", "0 9 * * *"}, {"time_zone", "Europe/Berlin"}}}});
  ASSERT_TRUE(cron.ok()) << cron.error().ToString();
  EXPECT_EQ(FormatIso8601(*cron->schedule.next_run_at), "2023-11-15T08:00:00Z");
  auto removed = service_->Update("org_a", "orders", {{"schedule", nullptr}});
  ASSERT_TRUE(removed.ok());
  EXPECT_FALSE(removed->schedule.schedule);
  EXPECT_FALSE(removed->schedule.next_run_at);
  EXPECT_TRUE(SyncToJson(*removed)["schedule"].is_null());
  clock_.Advance(std::chrono::hours(48));
  EXPECT_EQ(Tick(), 0u);
  // Creation validates too, naming the member.
  auto invalid = service_->Create("org_a", Body("bad", {{"every", "10s"}}));
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().field(), "schedule.every");
  // Deleting a sync deletes its schedule.
  ASSERT_TRUE(service_->Create("org_a", Body("gone", {{"every", "1m"}})).ok());
  ASSERT_TRUE(service_->Delete("org_a", "gone").ok());
  clock_.Advance(minutes(5));
  EXPECT_EQ(Tick(), 0u);
}

}  // namespace
}  // namespace crossdock::sync
