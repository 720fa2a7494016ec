// WebhookStore: an organization's webhooks, the events that concern them and the outbox of
// deliveries with every attempt (component "webhooks" migrations; tables webhooks,
// webhook_events, webhook_deliveries, webhook_attempts).
//
// Events are written with RecordEvent() inside the transaction that makes them true (a run's
// final state, a connection's drift state), together with one pending delivery per webhook of
// the organization subscribed to the event type: the outbox. Nothing is sent here; workers
// call ClaimDue() and send (deliverer.h). A delivery is claimed with a compare-and-set on
// (id, next_attempt_at) that pushes next_attempt_at a lease ahead, so of several workers
// exactly one sends each attempt, and a worker that dies mid-send leaves it to be claimed
// again after the lease. RecordAttempt() is a compare-and-set on (id, attempts). The secret
// is sealed with the store's master key bound to the webhook id, never returned by reads
// (only Create() returns it, once). Every tenant read is scoped by organization. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"
#include "crossdock/store/store.h"

namespace crossdock::notify {

inline constexpr const char* kRunFailed = "run.failed";
inline constexpr const char* kRunSucceeded = "run.succeeded";
inline constexpr const char* kConnectionDrifted = "connection.drifted";
inline constexpr const char* kConnectionRecovered = "connection.recovered";
// Every event type, and those a webhook gets when it names none (all but run.succeeded).
const std::vector<std::string>& EventTypes();
const std::vector<std::string>& DefaultEventTypes();

struct Webhook {
  std::string id;  // "whk_..."
  std::string org_id;
  std::string url;
  std::vector<std::string> events;
  TimePoint created_at{};
  std::string secret;  // set only in Create()'s answer
};

struct DeliveryAttempt {
  int attempt = 0;  // 1-based
  TimePoint at{};
  int status_code = 0;  // 0 when no HTTP answer came
  std::string error;    // "" on success; else a category: http_status, timeout...
  std::string detail;   // a short description (never the secret or the body)
  std::chrono::milliseconds duration{0};
};

struct Delivery {
  std::string id;  // "dlv_..."
  std::string webhook_id;
  std::string event_id;
  std::string event_type;
  std::string status;  // pending | delivered | failed
  int attempts = 0;
  std::optional<TimePoint> next_attempt_at;  // pending only
  TimePoint created_at{};
  std::vector<DeliveryAttempt> history;  // oldest first
};

// A delivery a worker claimed, with what it needs to send it.
struct DueDelivery {
  std::string id;
  std::string webhook_id;
  std::string org_id;
  std::string event_type;
  std::string body;  // the event's JSON, the same bytes on every attempt
  int attempts = 0;  // made before this one
  std::string url;
  std::string sealed_secret;
};

const std::vector<store::Migration>& WebhookMigrations();
// Applies them (component "webhooks"); modules that record events call it when they open.
Status MigrateWebhooks(store::Store& store);

// Records event `type` about `object` for `org_id` inside the caller's transaction, with a
// pending delivery for each subscribed webhook. Returns the event id ("evt_..."), or "" when
// no webhook subscribes to the type (then nothing is written).
Result<std::string> RecordEvent(store::SqlSession& s, int64_t now_ms, const std::string& org_id,
                                std::string_view type, const nlohmann::json& object);

class WebhookStore {
 public:
  // Applies the migrations. The store must outlive this object.
  static Result<std::unique_ptr<WebhookStore>> Open(store::Store& store, const Clock& clock);

  // Stores a webhook (the URL must already be checked); `secret` is sealed. kInvalidArgument
  // naming "events" for an unknown type; kFailedPrecondition without a master key.
  Result<Webhook> Create(const std::string& org_id, const std::string& url,
                         const std::string& secret, const std::vector<std::string>& events);
  Result<Webhook> Get(const std::string& org_id, const std::string& id);
  // Oldest first, a page at a time (store/page.h).
  Result<store::Page<Webhook>> List(const std::string& org_id, const store::PageRequest& page);
  // Removes the webhook and its deliveries.
  Status Delete(const std::string& org_id, const std::string& id);
  // Newest first, with their attempts.
  Result<store::Page<Delivery>> ListDeliveries(const std::string& org_id,
                                               const std::string& webhook_id,
                                               const store::PageRequest& page);

  // --- worker side (all organizations) ---
  Result<std::vector<DueDelivery>> ClaimDue(int limit, std::chrono::milliseconds lease);
  // Records the attempt; `retry_in` set: pending again after that wait; else the delivery
  // ends (delivered when the attempt succeeded, failed otherwise). kFailedPrecondition when
  // another worker recorded this attempt first.
  Status RecordAttempt(const DueDelivery& d, const DeliveryAttempt& attempt,
                       std::optional<std::chrono::milliseconds> retry_in);
  // The plaintext secret of a claimed delivery's webhook.
  Result<std::string> OpenSecret(const DueDelivery& d) const;

 private:
  WebhookStore(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}
  int64_t NowMs() const;

  store::Store& store_;
  const Clock& clock_;
};

}  // namespace crossdock::notify
