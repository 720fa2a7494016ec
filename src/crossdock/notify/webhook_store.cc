#include "crossdock/notify/webhook_store.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>

#include "crossdock/core/time_format.h"
#include "crossdock/crypto/random.h"

namespace crossdock::notify {
namespace {

using store::SqlSession;
using store::SqlValue;

TimePoint FromMs(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

std::string JoinEvents(const std::vector<std::string>& events) {
  std::string out;
  for (const auto& e : events) out += (out.empty() ? "" : ",") + e;
  return out;
}

std::vector<std::string> SplitEvents(const std::string& text) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < text.size()) {
    size_t comma = text.find(',', at);
    if (comma == std::string::npos) comma = text.size();
    if (comma > at) out.push_back(text.substr(at, comma - at));
    at = comma + 1;
  }
  return out;
}

Error NoKey() {
  return Error(ErrorCode::kFailedPrecondition,
               "webhook secrets are sealed with the master key, and this store was opened "
               "without one; start with the master key (CROSSDOCK_MASTER_KEY or its key file)");
}

constexpr const char* kWebhookColumns = "id, org_id, url, events, created_at";

Webhook WebhookFromRow(const store::SqlRow& r) {
  Webhook w;
  w.id = r.Text(0);
  w.org_id = r.Text(1);
  w.url = r.Text(2);
  w.events = SplitEvents(r.Text(3));
  w.created_at = FromMs(r.Int(4));
  return w;
}

}  // namespace

const std::vector<std::string>& EventTypes() {
  static const std::vector<std::string> kTypes = {kRunFailed, kRunSucceeded, kConnectionDrifted,
                                                  kConnectionRecovered};
  return kTypes;
}

const std::vector<std::string>& DefaultEventTypes() {
  static const std::vector<std::string> kTypes = {kRunFailed, kConnectionDrifted,
                                                  kConnectionRecovered};
  return kTypes;
}

const std::vector<store::Migration>& WebhookMigrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "webhooks, events and their deliveries",
       "CREATE TABLE webhooks (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, url TEXT NOT NULL, "
       "secret TEXT NOT NULL, events TEXT NOT NULL, created_at BIGINT NOT NULL);"
       "CREATE INDEX webhooks_org ON webhooks (org_id, created_at, id);"
       "CREATE TABLE webhook_events (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, "
       "type TEXT NOT NULL, created_at BIGINT NOT NULL, body TEXT NOT NULL);"
       "CREATE TABLE webhook_deliveries (id TEXT PRIMARY KEY, webhook_id TEXT NOT NULL, "
       "event_id TEXT NOT NULL, org_id TEXT NOT NULL, status TEXT NOT NULL, "
       "attempts BIGINT NOT NULL DEFAULT 0, next_attempt_at BIGINT, created_at BIGINT NOT NULL, "
       "updated_at BIGINT NOT NULL);"
       "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);"
       "CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, created_at, id);"
       "CREATE TABLE webhook_attempts (delivery_id TEXT NOT NULL, attempt BIGINT NOT NULL, "
       "at BIGINT NOT NULL, status_code BIGINT NOT NULL, error TEXT NOT NULL, "
       "detail TEXT NOT NULL, duration_ms BIGINT NOT NULL, PRIMARY KEY (delivery_id, attempt))",
       ""},
  };
  return kMigrations;
}

Status MigrateWebhooks(store::Store& store) {
  return store.Migrate("webhooks", WebhookMigrations());
}

Result<std::string> RecordEvent(SqlSession& s, int64_t now_ms, const std::string& org_id,
                                std::string_view type, const nlohmann::json& object) {
  ASSIGN_OR_RETURN(auto hooks,
                   s.Query("SELECT id, events FROM webhooks WHERE org_id = ?", {org_id}));
  std::vector<std::string> subscribed;
  for (const auto& h : hooks) {
    auto events = SplitEvents(h.Text(1));
    if (std::find(events.begin(), events.end(), type) != events.end()) {
      subscribed.push_back(h.Text(0));
    }
  }
  if (subscribed.empty()) return std::string();  // nobody listens: nothing to keep
  std::string event_id = crypto::RandomId("evt");
  nlohmann::ordered_json body;
  body["id"] = event_id;
  body["type"] = std::string(type);
  body["created_at"] = FormatIso8601(FromMs(now_ms));
  body["organization"] = org_id;
  body["object"] = object;
  RETURN_IF_ERROR(s.Exec(
      "INSERT INTO webhook_events (id, org_id, type, created_at, body) VALUES (?, ?, ?, ?, ?)",
      {event_id, org_id, std::string(type), now_ms, body.dump()}));
  for (const std::string& hook : subscribed) {
    RETURN_IF_ERROR(s.Exec(
        "INSERT INTO webhook_deliveries (id, webhook_id, event_id, org_id, status, attempts, "
        "next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)",
        {crypto::RandomId("dlv"), hook, event_id, org_id, now_ms, now_ms, now_ms}));
  }
  return event_id;
}

Result<std::unique_ptr<WebhookStore>> WebhookStore::Open(store::Store& store, const Clock& clock) {
  RETURN_IF_ERROR(MigrateWebhooks(store));
  return std::unique_ptr<WebhookStore>(new WebhookStore(store, clock));
}

int64_t WebhookStore::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch())
      .count();
}

Result<Webhook> WebhookStore::Create(const std::string& org_id, const std::string& url,
                                     const std::string& secret,
                                     const std::vector<std::string>& events) {
  std::vector<std::string> chosen = events.empty() ? DefaultEventTypes() : events;
  for (const auto& e : chosen) {
    if (std::find(EventTypes().begin(), EventTypes().end(), e) == EventTypes().end()) {
      return Error(ErrorCode::kInvalidArgument,
                   "events: \"" + e + "\" is not an event type; use " + JoinEvents(EventTypes()),
                   "events");
    }
  }
  const crypto::SecretBox* box = store_.secret_box();
  if (!box) return NoKey();
  Webhook w;
  w.id = crypto::RandomId("whk");
  w.org_id = org_id;
  w.url = url;
  w.events = chosen;
  int64_t now = NowMs();
  w.created_at = FromMs(now);
  std::string plain = nlohmann::json{{"webhook_id", w.id}, {"secret", secret}}.dump();
  std::string sealed = box->Seal(plain);
  sodium_memzero(plain.data(), plain.size());
  RETURN_IF_ERROR(store_.sql().Transaction([&](SqlSession& s) -> Status {
    RETURN_IF_ERROR(s.Exec(
        "INSERT INTO webhooks (id, org_id, url, secret, events, created_at) VALUES (?, ?, ?, ?, "
        "?, ?)",
        {w.id, org_id, url, sealed, JoinEvents(chosen), now}));
    return OkStatus();
  }));
  w.secret = secret;
  return w;
}

Result<Webhook> WebhookStore::Get(const std::string& org_id, const std::string& id) {
  Webhook out;
  RETURN_IF_ERROR(store_.sql().ReadTransaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kWebhookColumns +
                                            " FROM webhooks WHERE id = ? AND org_id = ?",
                                        {id, org_id}));
    if (rows.empty()) {
      return Error(ErrorCode::kNotFound, "webhook " + id + " not found", "id");
    }
    out = WebhookFromRow(rows[0]);
    return OkStatus();
  }));
  return out;
}

Result<store::Page<Webhook>> WebhookStore::List(const std::string& org_id,
                                                const store::PageRequest& page) {
  ASSIGN_OR_RETURN(auto after, store::CheckPage("webhooks", page));
  std::vector<Webhook> out;
  RETURN_IF_ERROR(store_.sql().ReadTransaction([&](SqlSession& s) -> Status {
    std::string sql = std::string("SELECT ") + kWebhookColumns + " FROM webhooks WHERE org_id = ?";
    std::vector<SqlValue> params = {org_id};
    if (after) {
      ASSIGN_OR_RETURN(int64_t ms, store::SortKeyMillis("webhooks", *after));
      sql += " AND (created_at, id) > (?, ?)";
      params.push_back(ms);
      params.push_back(after->id);
    }
    sql += " ORDER BY created_at, id LIMIT ?";
    params.push_back(static_cast<int64_t>(page.limit) + 1);
    ASSIGN_OR_RETURN(auto rows, s.Query(sql, params));
    for (const auto& r : rows) out.push_back(WebhookFromRow(r));
    return OkStatus();
  }));
  return store::MakePage("webhooks", std::move(out), page.limit, [](const Webhook& w) {
    return store::CursorKey{std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                               w.created_at.time_since_epoch())
                                               .count()),
                            w.id};
  });
}

Status WebhookStore::Delete(const std::string& org_id, const std::string& id) {
  return store_.sql().Transaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(int64_t n,
                     s.Exec("DELETE FROM webhooks WHERE id = ? AND org_id = ?", {id, org_id}));
    if (n == 0) return Error(ErrorCode::kNotFound, "webhook " + id + " not found", "id");
    RETURN_IF_ERROR(
        s.Exec("DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM "
               "webhook_deliveries WHERE webhook_id = ?)",
               {id}));
    RETURN_IF_ERROR(s.Exec("DELETE FROM webhook_deliveries WHERE webhook_id = ?", {id}));
    return OkStatus();
  });
}

Result<store::Page<Delivery>> WebhookStore::ListDeliveries(const std::string& org_id,
                                                           const std::string& webhook_id,
                                                           const store::PageRequest& page) {
  ASSIGN_OR_RETURN(auto after, store::CheckPage("deliveries", page));
  std::vector<Delivery> out;
  RETURN_IF_ERROR(store_.sql().ReadTransaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(auto hook, s.Query("SELECT id FROM webhooks WHERE id = ? AND org_id = ?",
                                        {webhook_id, org_id}));
    if (hook.empty()) {
      return Error(ErrorCode::kNotFound, "webhook " + webhook_id + " not found", "id");
    }
    std::string sql =
        "SELECT d.id, d.webhook_id, d.event_id, e.type, d.status, d.attempts, "
        "d.next_attempt_at, d.created_at FROM webhook_deliveries d JOIN webhook_events e ON "
        "e.id = d.event_id WHERE d.webhook_id = ? AND d.org_id = ?";
    std::vector<SqlValue> params = {webhook_id, org_id};
    if (after) {
      ASSIGN_OR_RETURN(int64_t ms, store::SortKeyMillis("deliveries", *after));
      sql += " AND (d.created_at, d.id) < (?, ?)";
      params.push_back(ms);
      params.push_back(after->id);
    }
    sql += " ORDER BY d.created_at DESC, d.id DESC LIMIT ?";
    params.push_back(static_cast<int64_t>(page.limit) + 1);
    ASSIGN_OR_RETURN(auto rows, s.Query(sql, params));
    for (const auto& r : rows) {
      Delivery d;
      d.id = r.Text(0);
      d.webhook_id = r.Text(1);
      d.event_id = r.Text(2);
      d.event_type = r.Text(3);
      d.status = r.Text(4);
      d.attempts = static_cast<int>(r.Int(5));
      if (d.status == "pending") {
        if (auto n = r.OptionalInt(6)) d.next_attempt_at = FromMs(*n);
      }
      d.created_at = FromMs(r.Int(7));
      ASSIGN_OR_RETURN(auto attempts,
                       s.Query("SELECT attempt, at, status_code, error, detail, duration_ms FROM "
                               "webhook_attempts WHERE delivery_id = ? ORDER BY attempt",
                               {d.id}));
      for (const auto& a : attempts) {
        DeliveryAttempt at;
        at.attempt = static_cast<int>(a.Int(0));
        at.at = FromMs(a.Int(1));
        at.status_code = static_cast<int>(a.Int(2));
        at.error = a.Text(3);
        at.detail = a.Text(4);
        at.duration = std::chrono::milliseconds(a.Int(5));
        d.history.push_back(std::move(at));
      }
      out.push_back(std::move(d));
    }
    return OkStatus();
  }));
  return store::MakePage("deliveries", std::move(out), page.limit, [](const Delivery& d) {
    return store::CursorKey{std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                               d.created_at.time_since_epoch())
                                               .count()),
                            d.id};
  });
}

Result<std::vector<DueDelivery>> WebhookStore::ClaimDue(int limit,
                                                        std::chrono::milliseconds lease) {
  std::vector<DueDelivery> out;
  RETURN_IF_ERROR(store_.sql().Transaction([&](SqlSession& s) -> Status {
    int64_t now = NowMs();
    std::string sql =
        "SELECT d.id, d.webhook_id, d.org_id, e.type, e.body, d.attempts, d.next_attempt_at, "
        "w.url, w.secret FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id "
        "JOIN webhooks w ON w.id = d.webhook_id WHERE d.status = 'pending' AND "
        "d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.id LIMIT ?";
    if (s.dialect() == store::Dialect::kPostgres) sql += " FOR UPDATE OF d SKIP LOCKED";
    ASSIGN_OR_RETURN(auto rows, s.Query(sql, {now, static_cast<int64_t>(limit)}));
    for (const auto& r : rows) {
      // The compare-and-set on (id, next_attempt_at): one worker sends each attempt.
      ASSIGN_OR_RETURN(int64_t n, s.Exec("UPDATE webhook_deliveries SET next_attempt_at = ?, "
                                         "updated_at = ? WHERE id = ? AND next_attempt_at = ? "
                                         "AND status = 'pending'",
                                         {now + lease.count(), now, r.Text(0), r.Int(6)}));
      if (n != 1) continue;
      DueDelivery d;
      d.id = r.Text(0);
      d.webhook_id = r.Text(1);
      d.org_id = r.Text(2);
      d.event_type = r.Text(3);
      d.body = r.Text(4);
      d.attempts = static_cast<int>(r.Int(5));
      d.url = r.Text(7);
      d.sealed_secret = r.Text(8);
      out.push_back(std::move(d));
    }
    return OkStatus();
  }));
  return out;
}

Status WebhookStore::RecordAttempt(const DueDelivery& d, const DeliveryAttempt& attempt,
                                   std::optional<std::chrono::milliseconds> retry_in) {
  return store_.sql().Transaction([&](SqlSession& s) -> Status {
    int64_t now = NowMs();
    const bool ok = attempt.error.empty();
    std::string status = ok ? "delivered" : (retry_in ? "pending" : "failed");
    SqlValue next = (!ok && retry_in) ? SqlValue(now + retry_in->count()) : store::SqlNull();
    ASSIGN_OR_RETURN(int64_t n, s.Exec("UPDATE webhook_deliveries SET attempts = ?, status = ?, "
                                       "next_attempt_at = ?, updated_at = ? WHERE id = ? AND "
                                       "attempts = ? AND status = 'pending'",
                                       {static_cast<int64_t>(d.attempts + 1), status, next, now,
                                        d.id, static_cast<int64_t>(d.attempts)}));
    if (n != 1) {
      return Error(ErrorCode::kFailedPrecondition, "delivery " + d.id + " attempt " +
                                                       std::to_string(d.attempts + 1) +
                                                       " was recorded by another worker");
    }
    int64_t at =
        std::chrono::duration_cast<std::chrono::milliseconds>(attempt.at.time_since_epoch())
            .count();
    RETURN_IF_ERROR(s.Exec(
        "INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, error, detail, "
        "duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {d.id, static_cast<int64_t>(d.attempts + 1), at, static_cast<int64_t>(attempt.status_code),
         attempt.error, attempt.detail.substr(0, 300),
         static_cast<int64_t>(attempt.duration.count())}));
    return OkStatus();
  });
}

Result<std::string> WebhookStore::OpenSecret(const DueDelivery& d) const {
  const crypto::SecretBox* box = store_.secret_box();
  if (!box) return NoKey();
  ASSIGN_OR_RETURN(std::string plain, box->Open(d.sealed_secret));
  try {
    auto doc = nlohmann::json::parse(plain);
    sodium_memzero(plain.data(), plain.size());
    if (doc.at("webhook_id").get<std::string>() != d.webhook_id) {
      return Error(ErrorCode::kDataLoss,
                   "the stored secret of webhook " + d.webhook_id +
                       " belongs to another webhook (the row was altered); create the webhook "
                       "again");
    }
    return doc.at("secret").get<std::string>();
  } catch (const nlohmann::json::exception&) {
    sodium_memzero(plain.data(), plain.size());
    return Error(ErrorCode::kDataLoss, "the stored secret of webhook " + d.webhook_id +
                                           " is not in the expected format; create it again");
  }
}

}  // namespace crossdock::notify
