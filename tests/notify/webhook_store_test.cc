// The webhook outbox on SQLite: events reach only subscribed webhooks of their organization,
// a due delivery is claimed once (a second claim inside the lease gets nothing), attempts are
// recorded with their outcome and retried on schedule, and the secret is stored sealed.
#include "crossdock/notify/webhook_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "crossdock/crypto/random.h"
#include "crossdock/crypto/secretbox.h"

namespace crossdock::notify {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

class WebhookStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("crossdock-webhooks-" + crypto::RandomId("t"));
    fs::create_directories(dir_);
    store::StoreOptions so;
    so.location = (dir_ / "db.sqlite").string();
    so.secret_box = crypto::SecretBox::FromKey(crypto::RandomBytes(32)).value();
    so.clock = &clock_;
    store_ = std::move(store::OpenStore(std::move(so))).value();
    org_ = store_->CreateOrganization("acme", false, "ext-acme-0001").value().id;
    other_ = store_->CreateOrganization("other", false, "ext-other-0001").value().id;
    hooks_ = std::move(WebhookStore::Open(*store_, clock_)).value();
  }
  void TearDown() override {
    hooks_.reset();
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string Record(const std::string& org, const char* type) {
    std::string id;
    EXPECT_TRUE(store_->sql()
                    .Transaction([&](store::SqlSession& s) -> Status {
                      ASSIGN_OR_RETURN(
                          id, RecordEvent(s, NowMs(), org, type, {{"run", {{"id", "run_1"}}}}));
                      return OkStatus();
                    })
                    .ok());
    return id;
  }
  int64_t NowMs() const {
    return std::chrono::duration_cast<milliseconds>(clock_.Now().time_since_epoch()).count();
  }

  ManualClock clock_{TimePoint(std::chrono::seconds(1700000000))};
  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<WebhookStore> hooks_;
  std::string org_, other_;
};

TEST_F(WebhookStoreTest, EventsReachSubscribedWebhooksOfTheirOrganizationOnly) {
  auto all = hooks_->Create(org_, "https://example.com/a", "secret-secret-1234", {});
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  EXPECT_EQ(all->events, DefaultEventTypes()) << "run.succeeded is off by default";
  auto succeeded =
      hooks_->Create(org_, "https://example.com/b", "secret-secret-5678", {kRunSucceeded});
  ASSERT_TRUE(succeeded.ok());
  ASSERT_TRUE(hooks_->Create(other_, "https://example.com/c", "secret-secret-9999", {}).ok());
  auto bad = hooks_->Create(org_, "https://example.com/d", "secret-secret-0000", {"run.exploded"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field(), "events");

  EXPECT_FALSE(Record(org_, kRunFailed).empty());
  EXPECT_FALSE(Record(org_, kRunSucceeded).empty());
  auto due = hooks_->ClaimDue(10, milliseconds(60000));
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 2u);
  for (const auto& d : *due) {
    EXPECT_EQ(d.org_id, org_);
    EXPECT_EQ(d.webhook_id, d.event_type == kRunFailed ? all->id : succeeded->id);
    auto body = nlohmann::json::parse(d.body);
    EXPECT_EQ(body["type"], d.event_type);
    EXPECT_EQ(body["organization"], org_);
    EXPECT_EQ(body["object"]["run"]["id"], "run_1");
    EXPECT_EQ(body["created_at"], "2023-11-14T22:13:20Z");
  }
  // An event nobody subscribed to keeps nothing (other's webhook has the defaults).
  EXPECT_EQ(Record(other_, kRunSucceeded), "");
  EXPECT_FALSE(Record(other_, kConnectionDrifted).empty());
}

TEST_F(WebhookStoreTest, ClaimOnceRetryOnScheduleAndKeepEveryAttempt) {
  auto w = hooks_->Create(org_, "https://example.com/a", "secret-secret-1234", {});
  ASSERT_TRUE(w.ok());
  Record(org_, kRunFailed);
  auto first = hooks_->ClaimDue(10, milliseconds(60000));
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_TRUE(hooks_->ClaimDue(10, milliseconds(60000))->empty()) << "claimed within the lease";
  EXPECT_EQ(*hooks_->OpenSecret((*first)[0]), "secret-secret-1234");

  DeliveryAttempt a{.attempt = 1,
                    .at = clock_.Now(),
                    .status_code = 500,
                    .error = "http_status",
                    .detail = "the receiver answered 500",
                    .duration = milliseconds(12)};
  ASSERT_TRUE(hooks_->RecordAttempt((*first)[0], a, milliseconds(30000)).ok());
  // The same attempt cannot be recorded twice (another worker's lease ran out).
  EXPECT_EQ(hooks_->RecordAttempt((*first)[0], a, milliseconds(30000)).error().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(hooks_->ClaimDue(10, milliseconds(60000))->empty()) << "not due for 30 s";
  clock_.Advance(std::chrono::seconds(31));
  auto second = hooks_->ClaimDue(10, milliseconds(60000));
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].attempts, 1);
  DeliveryAttempt ok;
  ok.attempt = 2;
  ok.at = clock_.Now();
  ok.status_code = 204;
  ASSERT_TRUE(hooks_->RecordAttempt((*second)[0], ok, std::nullopt).ok());

  auto list = hooks_->ListDeliveries(org_, w->id, {});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->items.size(), 1u);
  const Delivery& d = list->items[0];
  EXPECT_EQ(d.status, "delivered");
  EXPECT_EQ(d.attempts, 2);
  ASSERT_EQ(d.history.size(), 2u);
  EXPECT_EQ(d.history[0].status_code, 500);
  EXPECT_EQ(d.history[0].error, "http_status");
  EXPECT_EQ(d.history[0].duration, milliseconds(12));
  EXPECT_EQ(d.history[1].status_code, 204);
  EXPECT_EQ(d.history[1].error, "");
  // Another organization sees neither the webhook nor its deliveries.
  EXPECT_EQ(hooks_->ListDeliveries(other_, w->id, {}).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(hooks_->Get(other_, w->id).error().code(), ErrorCode::kNotFound);
}

TEST_F(WebhookStoreTest, SecretIsSealedAndDeleteRemovesDeliveries) {
  auto w = hooks_->Create(org_, "https://example.com/a", "plain-secret-value-42", {});
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->secret, "plain-secret-value-42") << "returned once by Create";
  EXPECT_EQ(hooks_->Get(org_, w->id)->secret, "") << "never by reads";
  std::string stored;
  ASSERT_TRUE(store_->sql()
                  .Transaction([&](store::SqlSession& s) -> Status {
                    ASSIGN_OR_RETURN(auto rows, s.Query("SELECT secret FROM webhooks"));
                    stored = rows.at(0).Text(0);
                    return OkStatus();
                  })
                  .ok());
  EXPECT_TRUE(crypto::IsSealed(stored));
  EXPECT_EQ(stored.find("plain-secret-value-42"), std::string::npos);

  Record(org_, kRunFailed);
  ASSERT_TRUE(hooks_->Delete(org_, w->id).ok());
  EXPECT_TRUE(hooks_->ClaimDue(10, milliseconds(1000))->empty());
  EXPECT_EQ(hooks_->Delete(org_, w->id).error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace crossdock::notify
