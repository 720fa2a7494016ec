// Due-check selection and drift state on SQLite, without a network: new connections are due
// at once, each due check is claimed exactly once (also by several stores racing on one
// database), a claim that is never recorded comes back after the lease, a result moves the
// next check an interval ahead; ok -> failing queues connection.drifted, failing -> ok
// connection.recovered, a connection failing from its first check is marked without an event;
// history is bounded and paged newest first.
#include "crossdock/drift/drift_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <thread>

#include "crossdock/connect/service.h"
#include "crossdock/crypto/random.h"
#include "crossdock/crypto/secretbox.h"
#include "crossdock/drift/drift_checker.h"
#include "crossdock/notify/webhook_store.h"

namespace crossdock::drift {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

class DriftStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("crossdock-drift-" + crypto::RandomId("t"));
    fs::create_directories(dir_);
    store_ = Open();
    connect::ConnectionService svc(*store_);
    org_ = svc.CreateOrganization("acme").value().id;
    for (const char* name : {"alpha", "beta", "gamma"}) {
      connect::Connection c;
      c.type = connect::ConnectionType::kS3;
      c.name = name;
      c.auth_method = connect::AuthMethod::kIamRole;
      c.role_arn = "arn:aws:iam::123456789012:role/customer";
      c.region = "us-east-1";
      c.bucket = "customer-bucket";
      auto created = svc.CreateConnection(org_, c);
      ASSERT_TRUE(created.ok()) << created.error().ToString();
      ids_.push_back(created->id);
    }
    DriftOptions o;
    o.interval = std::chrono::hours(24);
    o.lease = milliseconds(60000);
    o.keep_per_connection = 3;
    drift_ = std::move(DriftStore::Open(*store_, clock_, o)).value();
  }
  void TearDown() override {
    drift_.reset();
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::unique_ptr<store::Store> Open() {
    store::StoreOptions so;
    so.location = (dir_ / "db.sqlite").string();
    so.secret_box = crypto::SecretBox::FromKey(std::string(32, 'k')).value();
    so.clock = &clock_;
    return std::move(store::OpenStore(std::move(so))).value();
  }
  std::set<std::string> ClaimIds(DriftStore& d) {
    std::set<std::string> out;
    auto claims = d.ClaimDue(100);
    EXPECT_TRUE(claims.ok()) << claims.error().ToString();
    if (claims.ok()) {
      for (const auto& c : *claims) out.insert(c.connection_id);
    }
    return out;
  }
  DriftClaim ClaimOf(const std::string& id) { return drift_->ClaimNow(org_, id).value(); }
  nlohmann::json Failure(const char* action) {
    return nlohmann::json::array(
        {{{"id", "put_object"},
          {"status", "fail"},
          {"title", std::string("PutObject s3://customer-bucket/x")},
          {"fix", std::string("Add \"") + action + "\" with Resource ..."}}});
  }
  std::vector<std::string> QueuedEvents() {
    std::vector<std::string> out;
    auto hooks = notify::WebhookStore::Open(*store_, clock_);
    auto due = (*hooks)->ClaimDue(100, milliseconds(1));
    for (const auto& d : *due) {
      out.push_back(d.event_type);
      notify::DeliveryAttempt delivered;
      delivered.attempt = d.attempts + 1;
      delivered.status_code = 200;
      EXPECT_TRUE((*hooks)->RecordAttempt(d, delivered, std::nullopt).ok());  // taken
    }
    return out;
  }

  ManualClock clock_{TimePoint(std::chrono::seconds(1700000000))};
  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<DriftStore> drift_;
  std::string org_;
  std::vector<std::string> ids_;
};

TEST_F(DriftStoreTest, NewConnectionsAreDueOnceAndAgainAfterTheInterval) {
  EXPECT_EQ(ClaimIds(*drift_), std::set<std::string>(ids_.begin(), ids_.end()));
  EXPECT_TRUE(ClaimIds(*drift_).empty()) << "claimed: not due again within the lease";
  // Two are recorded; the third's worker died: it comes back after the lease only.
  ASSERT_TRUE(
      drift_->Record(ClaimOf(ids_[0]), true, nlohmann::json::array(), milliseconds(5)).ok());
  ASSERT_TRUE(
      drift_->Record(ClaimOf(ids_[1]), true, nlohmann::json::array(), milliseconds(5)).ok());
  clock_.Advance(std::chrono::seconds(61));
  EXPECT_EQ(ClaimIds(*drift_), std::set<std::string>{ids_[2]});
  ASSERT_TRUE(
      drift_->Record(ClaimOf(ids_[2]), true, nlohmann::json::array(), milliseconds(5)).ok());
  clock_.Advance(std::chrono::hours(23));
  EXPECT_TRUE(ClaimIds(*drift_).empty()) << "checked less than a day ago";
  clock_.Advance(std::chrono::hours(1));
  EXPECT_EQ(ClaimIds(*drift_).size(), 3u);
  // A deleted connection is no longer checked.
  ASSERT_TRUE(connect::ConnectionService(*store_).DeleteConnection(org_, ids_[0]).ok());
  clock_.Advance(std::chrono::hours(25));
  EXPECT_EQ(ClaimIds(*drift_), (std::set<std::string>{ids_[1], ids_[2]}));
}

TEST_F(DriftStoreTest, StoresRacingOnOneDatabaseClaimEachCheckOnce) {
  std::vector<std::unique_ptr<store::Store>> stores;
  std::vector<std::unique_ptr<DriftStore>> drifts;
  for (int i = 0; i < 4; ++i) {
    stores.push_back(Open());
    drifts.push_back(std::move(DriftStore::Open(*stores.back(), clock_)).value());
  }
  std::vector<std::set<std::string>> got(drifts.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < drifts.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 5; ++round) {
        for (const auto& id : ClaimIds(*drifts[i])) got[i].insert(id);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::multiset<std::string> all;
  for (const auto& g : got) all.insert(g.begin(), g.end());
  EXPECT_EQ(all, std::multiset<std::string>(ids_.begin(), ids_.end()))
      << "every connection claimed, none twice";
}

TEST_F(DriftStoreTest, StateChangesQueueDriftAndRecoveryEvents) {
  ASSERT_TRUE(notify::WebhookStore::Open(*store_, clock_)
                  .value()
                  ->Create(org_, "https://example.com/hook", "secret-secret-1234", {})
                  .ok());
  // Failing from the first check: marked, but it never worked, so no drift event.
  ASSERT_TRUE(
      drift_->Record(ClaimOf(ids_[1]), false, Failure("s3:PutObject"), milliseconds(1)).ok());
  EXPECT_EQ(drift_->States(org_, {ids_[1]})->at(ids_[1]).state, "failing");
  EXPECT_TRUE(QueuedEvents().empty());

  ASSERT_TRUE(
      drift_->Record(ClaimOf(ids_[0]), true, nlohmann::json::array(), milliseconds(1)).ok());
  EXPECT_TRUE(QueuedEvents().empty()) << "unchecked -> ok is not news";
  clock_.Advance(std::chrono::minutes(5));
  auto failed = drift_->Record(ClaimOf(ids_[0]), false, Failure("s3:PutObject"), milliseconds(1));
  ASSERT_TRUE(failed.ok());
  EXPECT_FALSE(failed->ok);
  DriftStatus st = drift_->States(org_, {ids_[0]})->at(ids_[0]);
  EXPECT_EQ(st.state, "failing");
  ASSERT_TRUE(st.failing_since);
  EXPECT_EQ(*st.failing_since, clock_.Now());
  EXPECT_EQ(st.failing_checks, std::vector<std::string>{"put_object"});
  EXPECT_EQ(QueuedEvents(), std::vector<std::string>{notify::kConnectionDrifted});

  // Still failing: failing_since stays, no second event.
  clock_.Advance(std::chrono::minutes(5));
  ASSERT_TRUE(
      drift_->Record(ClaimOf(ids_[0]), false, Failure("s3:PutObject"), milliseconds(1)).ok());
  EXPECT_EQ(*drift_->States(org_, {ids_[0]})->at(ids_[0]).failing_since,
            clock_.Now() - std::chrono::minutes(5));
  EXPECT_TRUE(QueuedEvents().empty());

  ASSERT_TRUE(
      drift_->Record(ClaimOf(ids_[0]), true, nlohmann::json::array(), milliseconds(1)).ok());
  st = drift_->States(org_, {ids_[0]})->at(ids_[0]);
  EXPECT_EQ(st.state, "ok");
  EXPECT_FALSE(st.failing_since);
  EXPECT_EQ(st.recovered_at, clock_.Now());
  EXPECT_EQ(QueuedEvents(), std::vector<std::string>{notify::kConnectionRecovered});
  auto by_type = drift_->FailingByType();
  ASSERT_TRUE(by_type.ok());
  EXPECT_EQ(by_type->at("s3"), 1) << "beta still fails";
}

TEST_F(DriftStoreTest, HistoryIsBoundedAndPagedNewestFirst) {
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(std::chrono::seconds(10));
    ASSERT_TRUE(drift_
                    ->Record(ClaimOf(ids_[0]), i % 2 == 0,
                             i % 2 ? Failure("s3:GetObject") : nlohmann::json::array(),
                             milliseconds(i))
                    .ok());
  }
  auto first = drift_->ListChecks(org_, ids_[0], store::PageRequest{2, ""});
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].duration, milliseconds(4));
  EXPECT_EQ(first->items[1].duration, milliseconds(3));
  EXPECT_EQ(first->items[1].problems[0]["fix"], "Add \"s3:GetObject\" with Resource ...");
  ASSERT_TRUE(first->next_cursor);
  auto second = drift_->ListChecks(org_, ids_[0], store::PageRequest{2, *first->next_cursor});
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->items.size(), 1u) << "only the newest 3 are kept";
  EXPECT_EQ(second->items[0].duration, milliseconds(2));
  EXPECT_FALSE(second->next_cursor);
  // Scoped by organization.
  std::string other = connect::ConnectionService(*store_).CreateOrganization("other").value().id;
  EXPECT_EQ(drift_->ListChecks(other, ids_[0], {}).error().code(), ErrorCode::kNotFound);
}

TEST_F(DriftStoreTest, CheckerRecordsWhatTheTestFound) {
  DriftCheckerOptions o;
  int calls = 0;
  o.run = [&](const connect::CheckInput& in) -> Result<connect::ConnectionCheckReport> {
    ++calls;
    EXPECT_EQ(in.external_ids.size(), 1u);
    connect::ConnectionCheckReport r;
    r.connection = in.connection.name;
    connect::CheckResult pass;
    pass.id = "assume_role";
    pass.status = connect::CheckStatus::kPass;
    connect::CheckResult fail;
    fail.id = "delete_object";
    fail.title = "DeleteObject s3://customer-bucket/x";
    fail.status = connect::CheckStatus::kFail;
    fail.message = "AccessDenied";
    fail.fix = "Add \"s3:DeleteObject\" with Resource ...";
    r.checks = {pass};
    if (in.connection.name == "beta") r.checks.push_back(fail);
    return r;
  };
  DriftChecker checker(*store_, *drift_, o);
  auto pass = checker.RunDue();
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->checked, 3);
  EXPECT_EQ(pass->failing, 1);
  EXPECT_EQ(checker.RunDue()->checked, 0) << "nothing due until tomorrow";
  EXPECT_EQ(calls, 3);
  auto states = drift_->States(org_, ids_);
  EXPECT_EQ(states->at(ids_[1]).state, "failing");
  EXPECT_EQ(states->at(ids_[1]).failing_checks, std::vector<std::string>{"delete_object"});
  auto checks = drift_->ListChecks(org_, ids_[1], {});
  ASSERT_EQ(checks->items.size(), 1u);
  ASSERT_EQ(checks->items[0].problems.size(), 1u) << "passes are not stored";
  EXPECT_EQ(checks->items[0].problems[0]["fix"], "Add \"s3:DeleteObject\" with Resource ...");
  // On demand, by name.
  auto now = checker.CheckNow(org_, "alpha");
  ASSERT_TRUE(now.ok());
  EXPECT_TRUE(now->ok);
  EXPECT_EQ(calls, 4);
}

}  // namespace
}  // namespace crossdock::drift
