// The job store at scale, on every database it runs on: runs and syncs read a page at a time
// without skips or repeats while runs are added, run filters, limits and cursors, run history
// retention in small batches, and the query plans of every statement a route or a worker
// makes (no full scan of sync_runs or sync_definitions). Included by
// job_store_scale_test.cc (SQLite) and job_store_scale_itest.cc (PostgreSQL).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>

#include "crossdock/store/store.h"
#include "crossdock/sync/jobs/job_store.h"
#include "store/query_plans.h"
#include "testing/peers.h"

namespace crossdock::sync::testing {

struct JobBackend {
  std::string name;
  std::function<store::StoreOptions()> fresh;
  std::function<void(const store::StoreOptions&)> cleanup;
  const char* peer_env = nullptr;
};

inline std::string PrintJobBackend(const ::testing::TestParamInfo<JobBackend>& info) {
  return info.param.name;
}

inline SyncSpec TinySpec() {
  auto spec =
      SyncSpecFromJson({{"source", {{"type", "local"}, {"root", "/in"}}},
                        {"destination", {{"type", "local"}, {"root", "/out"}, {"path", "x"}}}});
  EXPECT_TRUE(spec.ok()) << spec.error().ToString();
  return *spec;
}

class JobStoreScale : public ::testing::TestWithParam<JobBackend> {
 protected:
  void SetUp() override {
    if (GetParam().peer_env != nullptr) REQUIRE_PEER(GetParam().peer_env);
    options_ = GetParam().fresh();
    store::StoreOptions o = options_;
    o.clock = &clock_;
    auto s = store::OpenStore(std::move(o));
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
    auto jobs = JobStore::Open(*store_, clock_);
    ASSERT_TRUE(jobs.ok()) << jobs.error().ToString();
    jobs_ = std::move(*jobs);
  }

  void TearDown() override {
    bool opened = store_ != nullptr;
    jobs_.reset();
    store_.reset();
    if (opened && GetParam().cleanup) GetParam().cleanup(options_);
  }

  // Queues a run of `sync` and runs it to `status` at once; returns its id.
  std::string FinishedRun(const std::string& org, const std::string& sync,
                          RunStatus status = RunStatus::kSucceeded) {
    auto run = jobs_->EnqueueRun(org, sync);
    EXPECT_TRUE(run.ok()) << run.error().ToString();
    ClaimOptions claim;
    claim.only_run = run->id;
    auto claimed = jobs_->ClaimRun("w1", claim);
    EXPECT_TRUE(claimed.ok() && *claimed);
    RunEnd end;
    end.status = status;
    EXPECT_TRUE(jobs_->FinishRun(**claimed, end).ok());
    return run->id;
  }

  std::vector<std::string> RunIds(const std::string& org, const std::string& sync,
                                  const RunFilter& filter = {}) {
    std::vector<std::string> ids;
    store::PageRequest page{store::kMaxPageLimit, {}};
    auto runs = jobs_->ListRuns(org, sync, filter, page);
    EXPECT_TRUE(runs.ok());
    for (const auto& r : runs->items) ids.push_back(r.id);
    return ids;
  }

  ManualClock clock_{TimePoint(std::chrono::seconds(1767225600))};  // 2026-01-01
  store::StoreOptions options_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<JobStore> jobs_;
};

TEST_P(JobStoreScale, RunPagesNeitherSkipNorRepeatWhileRunsAreAdded) {
  ASSERT_TRUE(jobs_->CreateSync("org_a", "orders", TinySpec()).ok());
  ASSERT_TRUE(jobs_->CreateSync("org_a", "other", TinySpec()).ok());
  std::set<std::string> original;
  for (int i = 0; i < 20; ++i) {
    // Several runs share a millisecond: the id breaks the tie.
    if (i % 3 == 0) clock_.Advance(std::chrono::seconds(1));
    original.insert(FinishedRun("org_a", "orders"));
  }
  FinishedRun("org_a", "other");
  std::vector<SyncRun> listed;
  store::PageRequest request{3, {}};
  while (true) {
    auto page = jobs_->ListRuns("org_a", "orders", {}, request);
    ASSERT_TRUE(page.ok()) << page.error().ToString();
    for (auto& r : page->items) listed.push_back(r);
    if (!page->next_cursor) break;
    request.cursor = *page->next_cursor;
    // New runs between pages, some in the same millisecond as the page's last run.
    FinishedRun("org_a", "orders");
    clock_.Advance(std::chrono::milliseconds(400));
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < listed.size(); ++i) {
    EXPECT_TRUE(seen.insert(listed[i].id).second) << "repeated " << listed[i].id;
    EXPECT_EQ(listed[i].sync_id, listed[0].sync_id) << "a run of another sync";
    if (i > 0) {
      EXPECT_TRUE(
          listed[i - 1].created_at > listed[i].created_at ||
          (listed[i - 1].created_at == listed[i].created_at && listed[i - 1].id > listed[i].id))
          << "newest first";
    }
  }
  for (const auto& id : original) EXPECT_EQ(seen.count(id), 1u) << "skipped " << id;
}

TEST_P(JobStoreScale, SyncPagesNeitherSkipNorRepeatWhileSyncsAreAdded) {
  std::set<std::string> original;
  for (int i = 0; i < 20; i += 2) {
    auto d = jobs_->CreateSync("org_a", "s" + std::to_string(100 + i), TinySpec());
    ASSERT_TRUE(d.ok());
    original.insert(d->id);
  }
  ASSERT_TRUE(jobs_->CreateSync("org_b", "s105", TinySpec()).ok());
  std::set<std::string> seen;
  store::PageRequest request{3, {}};
  int odd = 101;
  while (true) {
    auto page = jobs_->ListSyncs("org_a", request);
    ASSERT_TRUE(page.ok());
    for (const auto& d : page->items) {
      EXPECT_TRUE(seen.insert(d.id).second) << "repeated " << d.name;
      EXPECT_EQ(d.org_id, "org_a");
    }
    if (!page->next_cursor) break;
    request.cursor = *page->next_cursor;
    ASSERT_TRUE(jobs_->CreateSync("org_a", "s" + std::to_string(odd), TinySpec()).ok());
    ASSERT_TRUE(jobs_->CreateSync("org_a", "s" + std::to_string(220 - odd), TinySpec()).ok());
    odd += 2;
  }
  for (const auto& id : original) EXPECT_EQ(seen.count(id), 1u) << "skipped " << id;
}

TEST_P(JobStoreScale, RunsFilterByStatusAndTime) {
  ASSERT_TRUE(jobs_->CreateSync("org_a", "orders", TinySpec()).ok());
  std::string old_failed = FinishedRun("org_a", "orders", RunStatus::kFailed);
  clock_.Advance(std::chrono::hours(2));
  TimePoint since = clock_.Now();
  std::string ok1 = FinishedRun("org_a", "orders");
  std::string failed = FinishedRun("org_a", "orders", RunStatus::kFailed);
  clock_.Advance(std::chrono::seconds(1));
  std::string ok2 = FinishedRun("org_a", "orders");
  EXPECT_EQ(RunIds("org_a", "orders", {RunStatus::kFailed, std::nullopt}),
            (std::vector<std::string>{failed, old_failed}));
  EXPECT_EQ(RunIds("org_a", "orders", {std::nullopt, since}).size(), 3u);
  EXPECT_EQ(RunIds("org_a", "orders", {RunStatus::kSucceeded, since}),
            (std::vector<std::string>{ok2, ok1}));
  EXPECT_TRUE(RunIds("org_a", "orders", {RunStatus::kQueued, std::nullopt}).empty());
}

TEST_P(JobStoreScale, RunListLimitsAndCursorsAreChecked) {
  ASSERT_TRUE(jobs_->CreateSync("org_a", "orders", TinySpec()).ok());
  for (int limit : {0, store::kMaxPageLimit + 1}) {
    auto page = jobs_->ListRuns("org_a", "orders", {}, {limit, {}});
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error().field(), "limit");
    EXPECT_EQ(jobs_->ListSyncs("org_a", {limit, {}}).error().field(), "limit");
  }
  for (std::string cursor : {std::string("%%%"), store::EncodeCursor("syncs", {"a", "b"}),
                             store::EncodeCursor("runs", {"not a time", "run_x"})}) {
    auto page = jobs_->ListRuns("org_a", "orders", {}, {10, cursor});
    ASSERT_FALSE(page.ok()) << cursor;
    EXPECT_EQ(page.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(page.error().field(), "cursor");
  }
}

TEST_P(JobStoreScale, RetentionKeepsRecentRunsAndActiveOnesInSmallBatches) {
  ASSERT_TRUE(jobs_->CreateSync("org_a", "a", TinySpec()).ok());
  ASSERT_TRUE(jobs_->CreateSync("org_a", "b", TinySpec()).ok());
  for (int i = 0; i < 7; ++i) {
    FinishedRun("org_a", "a");
    FinishedRun("org_a", "b", RunStatus::kFailed);
    clock_.Advance(std::chrono::hours(24));
  }
  // Run times: day 0..6; now is day 7. An old queued run of "a" is never pruned.
  auto queued = jobs_->EnqueueRun("org_a", "a");
  ASSERT_TRUE(queued.ok());
  clock_.Advance(std::chrono::hours(24 * 30));
  RetentionPolicy keep_three;
  keep_three.keep_per_sync = 3;
  keep_three.batch = 2;
  auto pruned = jobs_->PruneRuns(keep_three);
  ASSERT_TRUE(pruned.ok()) << pruned.error().ToString();
  EXPECT_EQ(*pruned, 5 + 4);  // "a": 7 finished + 1 queued keeps 3; "b": 7 keeps 3
  auto a = RunIds("org_a", "a");
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0], queued->id);
  EXPECT_EQ(RunIds("org_a", "b").size(), 3u);

  RetentionPolicy by_age;
  by_age.max_age = std::chrono::hours(24 * 30 + 36);  // keeps day 6 only
  by_age.batch = 1;
  pruned = jobs_->PruneRuns(by_age);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1 + 2);
  EXPECT_EQ(RunIds("org_a", "a").size(), 2u);  // the queued run and day 6
  EXPECT_EQ(RunIds("org_a", "b").size(), 1u);
  EXPECT_EQ(*jobs_->PruneRuns(RetentionPolicy{}), 0) << "an empty policy keeps everything";
}

TEST_P(JobStoreScale, RouteAndWorkerQueriesUseIndexesNotFullScans) {
  ASSERT_TRUE(jobs_->CreateSync("org_a", "orders", TinySpec()).ok());
  ASSERT_TRUE(jobs_->CreateSync("org_a", "events", TinySpec()).ok());
  for (int i = 0; i < 4; ++i) FinishedRun("org_a", "orders");
  std::vector<store::testing::RecordedStatement> statements;
  {
    store::testing::StatementRecorder recorder(store_->sql());
    auto syncs = jobs_->ListSyncs("org_a", {1, {}});
    ASSERT_TRUE(syncs.ok() && syncs->next_cursor);
    ASSERT_TRUE(jobs_->ListSyncs("org_a", {1, *syncs->next_cursor}).ok());
    ASSERT_TRUE(jobs_->GetSync("org_a", "orders").ok());
    auto runs = jobs_->ListRuns("org_a", "orders", {}, {2, {}});
    ASSERT_TRUE(runs.ok() && runs->next_cursor);
    ASSERT_TRUE(jobs_->ListRuns("org_a", "orders", {}, {2, *runs->next_cursor}).ok());
    ASSERT_TRUE(jobs_
                    ->ListRuns("org_a", "orders", {RunStatus::kFailed, clock_.Now()},
                               {2, *runs->next_cursor})
                    .ok());
    ASSERT_TRUE(jobs_->ListRuns("org_a", "orders", {std::nullopt, clock_.Now()}, {}).ok());
    ASSERT_TRUE(jobs_->GetRun("org_a", runs->items[0].id).ok());
    // A worker's life: claim, heartbeat, commit, finish; a takeover; cancellation.
    auto run = jobs_->EnqueueRun("org_a", "events");
    ASSERT_TRUE(run.ok());
    auto claimed = jobs_->ClaimRun("w1", {});
    ASSERT_TRUE(claimed.ok() && *claimed);
    ASSERT_TRUE(jobs_->Heartbeat(**claimed, 1, 2, 3).ok());
    clock_.Advance(std::chrono::minutes(5));
    auto taken = jobs_->ClaimRun("w2", {});
    ASSERT_TRUE(taken.ok() && *taken);
    ASSERT_TRUE(jobs_->MarkCommitting(**taken).ok());
    ASSERT_TRUE(jobs_->FinishRun(**taken, RunEnd{}).ok());
    ASSERT_TRUE(jobs_->ActiveRunIds(std::chrono::seconds(30)).ok());
    ASSERT_TRUE(jobs_->WorkerHeartbeat("w1", "host", 1).ok());
    auto queued = jobs_->EnqueueRun("org_a", "orders");
    ASSERT_TRUE(queued.ok());
    ASSERT_TRUE(jobs_->RequestCancel("org_a", queued->id).ok());
    ClaimOptions only;
    only.only_run = "run_missing";
    ASSERT_TRUE(jobs_->ClaimRun("w1", only).ok());
    RetentionPolicy policy;
    policy.max_age = std::chrono::hours(1);
    policy.keep_per_sync = 2;
    ASSERT_TRUE(jobs_->PruneRuns(policy).ok());
    statements = recorder.Take();
  }
  EXPECT_GE(store::testing::ExpectNoFullScans(store_->sql(), statements,
                                              {"sync_runs", "sync_definitions"}),
            15);
}

TEST_P(JobStoreScale, SchedulerTickTakesDueSchedulesFromTheIndexInOrder) {
  // Schedules due at the same instant: a tick reads its `limit` rows from an index in
  // (next_run_at, sync_id) order; sorting every due row instead made each tick's cost grow
  // with the number due (10,000 due at once: every tick sorted what was left of them).
  auto every = ScheduleFromJson({{"every", "1m"}});
  ASSERT_TRUE(every.ok());
  for (int i = 0; i < 5; ++i) {
    auto d = jobs_->CreateSync("org_a", "s" + std::to_string(i), TinySpec());
    ASSERT_TRUE(d.ok());
    ASSERT_TRUE(jobs_->schedules().SetSchedule("org_a", d->id, *every).ok());
  }
  clock_.Advance(std::chrono::minutes(1));
  std::vector<store::testing::RecordedStatement> statements;
  {
    store::testing::StatementRecorder recorder(store_->sql());
    for (size_t queued : {2u, 2u, 1u, 0u}) {
      auto tick = jobs_->schedules().EnqueueDue(2);
      ASSERT_TRUE(tick.ok()) << tick.error().ToString();
      EXPECT_EQ(tick->queued_runs.size(), queued);
    }
    statements = recorder.Take();
  }
  EXPECT_GE(store::testing::ExpectNoFullScans(store_->sql(), statements,
                                              {"sync_runs", "sync_definitions", "sync_schedules"}),
            4);
  int due_queries = 0;
  for (const auto& statement : statements) {
    if (!statement.sql.starts_with("SELECT") ||
        statement.sql.find("FROM sync_schedules") == std::string::npos) {
      continue;
    }
    ++due_queries;
    auto plan = store::testing::QueryPlan(store_->sql(), statement, /*discourage_sorts=*/true);
    ASSERT_TRUE(plan.ok()) << plan.error().ToString();
    std::string text;
    for (const auto& l : *plan) text += "\n  " + l;
    EXPECT_TRUE(store::testing::Sorts(*plan).empty()) << "a sort in the plan of\n"
                                                      << statement.sql << text;
  }
  EXPECT_EQ(due_queries, 1);
}

}  // namespace crossdock::sync::testing
