#include "crossdock/drift/drift_store.h"

#include <charconv>

#include "crossdock/core/time_format.h"
#include "crossdock/crypto/random.h"
#include "crossdock/notify/webhook_store.h"

namespace crossdock::drift {
namespace {

using store::SqlSession;
using store::SqlValue;

TimePoint FromMs(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }
int64_t ToMs(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::optional<TimePoint> OptTime(const store::SqlRow& r, size_t i) {
  if (auto v = r.OptionalInt(i)) return FromMs(*v);
  return std::nullopt;
}

std::vector<std::string> Split(const std::string& text) {
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

// Sortable by time: "chk_<ms, 13 digits>_<random>".
std::string NewCheckId(int64_t now_ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%013lld", static_cast<long long>(now_ms));
  return std::string("chk_") + buf + "_" + crypto::Base32Encode(crypto::RandomBytes(8));
}

nlohmann::json OptJson(const std::optional<TimePoint>& t) {
  return t ? nlohmann::json(FormatIso8601(*t)) : nlohmann::json(nullptr);
}

constexpr const char* kStatusColumns =
    "connection_id, state, failing_since, recovered_at, last_checked_at, next_check_at, "
    "failing_checks";

DriftStatus StatusFromRow(const store::SqlRow& r) {
  DriftStatus s;
  s.connection_id = r.Text(0);
  s.state = r.Text(1);
  s.failing_since = OptTime(r, 2);
  s.recovered_at = OptTime(r, 3);
  s.last_checked_at = OptTime(r, 4);
  s.next_check_at = OptTime(r, 5);
  s.failing_checks = Split(r.Text(6));
  return s;
}

}  // namespace

const std::vector<store::Migration>& DriftMigrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "connection drift state and check history",
       "CREATE TABLE connection_drift (connection_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, "
       "state TEXT NOT NULL, failing_since BIGINT, recovered_at BIGINT, last_checked_at BIGINT, "
       "failing_checks TEXT NOT NULL DEFAULT '', next_check_at BIGINT NOT NULL, "
       "updated_at BIGINT NOT NULL);"
       "CREATE INDEX connection_drift_due ON connection_drift (next_check_at);"
       "CREATE TABLE connection_checks (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, "
       "connection_id TEXT NOT NULL, checked_at BIGINT NOT NULL, ok BIGINT NOT NULL, "
       "problems TEXT NOT NULL, duration_ms BIGINT NOT NULL);"
       "CREATE INDEX connection_checks_by_connection ON connection_checks (connection_id, "
       "checked_at, id)",
       ""},
  };
  return kMigrations;
}

Result<std::unique_ptr<DriftStore>> DriftStore::Open(store::Store& store, const Clock& clock,
                                                     DriftOptions options) {
  RETURN_IF_ERROR(notify::MigrateWebhooks(store));
  RETURN_IF_ERROR(store.Migrate("drift", DriftMigrations()));
  return std::unique_ptr<DriftStore>(new DriftStore(store, clock, options));
}

int64_t DriftStore::NowMs() const { return ToMs(clock_.Now()); }

Result<std::vector<DriftClaim>> DriftStore::ClaimDue(int limit) {
  std::vector<DriftClaim> out;
  RETURN_IF_ERROR(store_.sql().Transaction([&](SqlSession& s) -> Status {
    int64_t now = NowMs();
    // New connections are due at once; rows of deleted connections go.
    RETURN_IF_ERROR(s.Exec(
        "INSERT INTO connection_drift (connection_id, org_id, state, next_check_at, updated_at) "
        "SELECT c.id, c.org_id, 'unchecked', ?, ? FROM connections c WHERE NOT EXISTS (SELECT 1 "
        "FROM connection_drift d WHERE d.connection_id = c.id) ON CONFLICT (connection_id) DO "
        "NOTHING",
        {now, now}));
    RETURN_IF_ERROR(s.Exec(
        "DELETE FROM connection_drift WHERE NOT EXISTS (SELECT 1 FROM connections c WHERE c.id "
        "= connection_drift.connection_id)"));
    RETURN_IF_ERROR(s.Exec(
        "DELETE FROM connection_checks WHERE NOT EXISTS (SELECT 1 FROM connections c WHERE c.id "
        "= connection_checks.connection_id)"));
    std::string sql =
        "SELECT d.connection_id, d.org_id, d.next_check_at, c.name, c.type FROM connection_drift "
        "d JOIN connections c ON c.id = d.connection_id WHERE d.next_check_at <= ? ORDER BY "
        "d.next_check_at, d.connection_id LIMIT ?";
    if (s.dialect() == store::Dialect::kPostgres) sql += " FOR UPDATE OF d SKIP LOCKED";
    ASSIGN_OR_RETURN(auto due, s.Query(sql, {now, static_cast<int64_t>(limit)}));
    for (const auto& r : due) {
      // The compare-and-set on (connection_id, next_check_at): one worker per due check.
      ASSIGN_OR_RETURN(int64_t n,
                       s.Exec("UPDATE connection_drift SET next_check_at = ?, updated_at = ? "
                              "WHERE connection_id = ? AND next_check_at = ?",
                              {now + options_.lease.count(), now, r.Text(0), r.Int(2)}));
      if (n != 1) continue;
      out.push_back(DriftClaim{r.Text(0), r.Text(1), r.Text(3), r.Text(4)});
    }
    return OkStatus();
  }));
  return out;
}

Result<DriftClaim> DriftStore::ClaimNow(const std::string& org_id,
                                        const std::string& connection_id) {
  DriftClaim claim;
  RETURN_IF_ERROR(store_.sql().ReadTransaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(auto rows, s.Query("SELECT id, org_id, name, type FROM connections WHERE id "
                                        "= ? AND org_id = ?",
                                        {connection_id, org_id}));
    if (rows.empty()) {
      return Error(ErrorCode::kNotFound, "connection " + connection_id + " not found", "id");
    }
    claim = DriftClaim{rows[0].Text(0), rows[0].Text(1), rows[0].Text(2), rows[0].Text(3)};
    return OkStatus();
  }));
  return claim;
}

Result<CheckRecord> DriftStore::Record(const DriftClaim& claim, bool ok,
                                       const nlohmann::json& problems,
                                       std::chrono::milliseconds duration) {
  CheckRecord rec;
  RETURN_IF_ERROR(store_.sql().Transaction([&](SqlSession& s) -> Status {
    int64_t now = NowMs();
    rec.id = NewCheckId(now);
    rec.connection_id = claim.connection_id;
    rec.checked_at = FromMs(now);
    rec.ok = ok;
    rec.problems = problems.is_array() ? problems : nlohmann::json::array();
    rec.duration = duration;
    ASSIGN_OR_RETURN(auto exists, s.Query("SELECT 1 FROM connections WHERE id = ? AND org_id = ?",
                                          {claim.connection_id, claim.org_id}));
    if (exists.empty()) {
      return Error(ErrorCode::kNotFound,
                   "connection " + claim.connection_id + " was deleted during its check", "id");
    }
    RETURN_IF_ERROR(s.Exec(
        "INSERT INTO connection_checks (id, org_id, connection_id, checked_at, ok, problems, "
        "duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {rec.id, claim.org_id, claim.connection_id, now, int64_t{ok}, rec.problems.dump(),
         static_cast<int64_t>(duration.count())}));
    RETURN_IF_ERROR(s.Exec(
        "DELETE FROM connection_checks WHERE connection_id = ? AND id NOT IN (SELECT id FROM "
        "connection_checks WHERE connection_id = ? ORDER BY checked_at DESC, id DESC LIMIT ?)",
        {claim.connection_id, claim.connection_id,
         static_cast<int64_t>(std::max(1, options_.keep_per_connection))}));

    ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kStatusColumns +
                                            " FROM connection_drift WHERE connection_id = ?",
                                        {claim.connection_id}));
    DriftStatus before;
    if (!rows.empty()) before = StatusFromRow(rows[0]);
    std::string failing;
    for (const auto& p : rec.problems) {
      if (p.value("status", "") != "fail") continue;
      failing += (failing.empty() ? "" : ",") + p.value("id", "");
    }
    std::string state = ok ? "ok" : "failing";
    SqlValue failing_since = store::SqlNull();
    if (!ok) failing_since = before.failing_since ? ToMs(*before.failing_since) : now;
    SqlValue recovered_at =
        before.recovered_at ? SqlValue(ToMs(*before.recovered_at)) : store::SqlNull();
    const char* event = nullptr;
    if (ok && before.state == "failing") {
      event = notify::kConnectionRecovered;
      recovered_at = now;
    } else if (!ok && before.state == "ok") {
      event = notify::kConnectionDrifted;
    }
    int64_t next =
        now + std::chrono::duration_cast<std::chrono::milliseconds>(options_.interval).count();
    if (rows.empty()) {
      RETURN_IF_ERROR(s.Exec(
          "INSERT INTO connection_drift (connection_id, org_id, state, failing_since, "
          "recovered_at, last_checked_at, failing_checks, next_check_at, updated_at) VALUES (?, "
          "?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (connection_id) DO NOTHING",
          {claim.connection_id, claim.org_id, state, failing_since, recovered_at, now, failing,
           next, now}));
    }
    RETURN_IF_ERROR(
        s.Exec("UPDATE connection_drift SET state = ?, failing_since = ?, recovered_at = ?, "
               "last_checked_at = ?, failing_checks = ?, next_check_at = ?, updated_at = ? WHERE "
               "connection_id = ?",
               {state, failing_since, recovered_at, now, failing, next, now, claim.connection_id}));
    if (event) {
      nlohmann::json object = {
          {"connection", {{"id", claim.connection_id}, {"name", claim.name}, {"type", claim.type}}},
          {"state", state},
          {"failing_since",
           ok ? nlohmann::json(nullptr)
              : nlohmann::json(FormatIso8601(FromMs(std::get<int64_t>(failing_since))))},
          {"check", CheckToJson(rec)}};
      auto recorded = notify::RecordEvent(s, now, claim.org_id, event, object);
      if (!recorded.ok()) return recorded.error();
    }
    return OkStatus();
  }));
  return rec;
}

Result<std::map<std::string, DriftStatus>> DriftStore::States(const std::string& org_id,
                                                              const std::vector<std::string>& ids) {
  std::map<std::string, DriftStatus> out;
  if (ids.empty()) return out;
  RETURN_IF_ERROR(store_.sql().ReadTransaction([&](SqlSession& s) -> Status {
    std::string sql = std::string("SELECT ") + kStatusColumns +
                      " FROM connection_drift WHERE org_id = ? AND connection_id IN (";
    std::vector<SqlValue> params = {org_id};
    for (size_t i = 0; i < ids.size(); ++i) {
      sql += i ? ", ?" : "?";
      params.push_back(ids[i]);
    }
    sql += ")";
    ASSIGN_OR_RETURN(auto rows, s.Query(sql, params));
    for (const auto& r : rows) {
      DriftStatus st = StatusFromRow(r);
      out[st.connection_id] = st;
    }
    return OkStatus();
  }));
  return out;
}

Result<store::Page<CheckRecord>> DriftStore::ListChecks(const std::string& org_id,
                                                        const std::string& connection_id,
                                                        const store::PageRequest& page) {
  ASSIGN_OR_RETURN(auto after, store::CheckPage("checks", page));
  std::vector<CheckRecord> out;
  RETURN_IF_ERROR(store_.sql().ReadTransaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(auto conn, s.Query("SELECT 1 FROM connections WHERE id = ? AND org_id = ?",
                                        {connection_id, org_id}));
    if (conn.empty()) {
      return Error(ErrorCode::kNotFound, "connection " + connection_id + " not found", "id");
    }
    std::string sql =
        "SELECT id, connection_id, checked_at, ok, problems, duration_ms FROM connection_checks "
        "WHERE connection_id = ? AND org_id = ?";
    std::vector<SqlValue> params = {connection_id, org_id};
    if (after) {
      ASSIGN_OR_RETURN(int64_t ms, store::SortKeyMillis("checks", *after));
      sql += " AND (checked_at, id) < (?, ?)";
      params.push_back(ms);
      params.push_back(after->id);
    }
    sql += " ORDER BY checked_at DESC, id DESC LIMIT ?";
    params.push_back(static_cast<int64_t>(page.limit) + 1);
    ASSIGN_OR_RETURN(auto rows, s.Query(sql, params));
    for (const auto& r : rows) {
      CheckRecord c;
      c.id = r.Text(0);
      c.connection_id = r.Text(1);
      c.checked_at = FromMs(r.Int(2));
      c.ok = r.Int(3) != 0;
      try {
        c.problems = nlohmann::json::parse(r.Text(4));
      } catch (const nlohmann::json::exception&) {
        c.problems = nlohmann::json::array();
      }
      c.duration = std::chrono::milliseconds(r.Int(5));
      out.push_back(std::move(c));
    }
    return OkStatus();
  }));
  return store::MakePage("checks", std::move(out), page.limit, [](const CheckRecord& c) {
    return store::CursorKey{std::to_string(ToMs(c.checked_at)), c.id};
  });
}

Result<std::map<std::string, int64_t>> DriftStore::FailingByType() {
  std::map<std::string, int64_t> out;
  RETURN_IF_ERROR(store_.sql().ReadTransaction([&](SqlSession& s) -> Status {
    ASSIGN_OR_RETURN(
        auto rows, s.Query("SELECT c.type, COUNT(*) FROM connection_drift d JOIN connections c "
                           "ON c.id = d.connection_id WHERE d.state = 'failing' GROUP BY c.type"));
    for (const auto& r : rows) out[r.Text(0)] = r.Int(1);
    return OkStatus();
  }));
  return out;
}

nlohmann::json DriftToJson(const DriftStatus& s) {
  return {{"state", s.state},
          {"failing_since", OptJson(s.failing_since)},
          {"recovered_at", OptJson(s.recovered_at)},
          {"last_checked_at", OptJson(s.last_checked_at)},
          {"next_check_at", OptJson(s.next_check_at)},
          {"failing_checks", s.failing_checks}};
}

nlohmann::json CheckToJson(const CheckRecord& c) {
  return {
      {"id", c.id}, {"connection_id", c.connection_id}, {"checked_at", FormatIso8601(c.checked_at)},
      {"ok", c.ok}, {"problems", c.problems},           {"duration_ms", c.duration.count()}};
}

}  // namespace crossdock::drift
