// PostgreSQL driver of the SQL layer (see sql.h), over libpq.
#include <fmt/format.h>
#include <libpq-fe.h>

#include <condition_variable>
#include <mutex>
#include <vector>

#include "crossdock/store/sql.h"

namespace crossdock::store {
namespace {

// Type OIDs from pg_type.h (stable across versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;

// "?"-placeholders to "$n"; a '?' inside a quoted literal is left alone.
std::string NumberPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int n = 0;
  bool in_quote = false;
  for (char c : sql) {
    if (c == '\'') in_quote = !in_quote;
    if (c == '?' && !in_quote) {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

Error ResultError(const PGresult* res, PGconn* conn, std::string_view what) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  std::string sqlstate = state ? state : "";
  if (sqlstate == "23505") {
    const char* constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    return Error(ErrorCode::kAlreadyExists, msg, constraint ? constraint : "");
  }
  if (sqlstate.starts_with("23")) {
    return Error(ErrorCode::kFailedPrecondition, fmt::format("{}: {}", what, msg));
  }
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate.starts_with("08") ||
      sqlstate == "57P01") {
    return Error(ErrorCode::kUnavailable, fmt::format("{}: PostgreSQL: {}; retry", what, msg));
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    return Error(ErrorCode::kUnavailable,
                 fmt::format("{}: the connection to PostgreSQL was lost: {}; retry", what, msg));
  }
  return Error(ErrorCode::kInternal, fmt::format("{}: PostgreSQL: {}", what, msg));
}

using PgResult = std::unique_ptr<PGresult, void (*)(PGresult*)>;

class PostgresSession final : public SqlSession {
 public:
  explicit PostgresSession(PGconn* conn, const SqlObserver* observer = nullptr)
      : conn_(conn), observer_(observer) {}
  Dialect dialect() const override { return Dialect::kPostgres; }

  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlValue>& params) override {
    ASSIGN_OR_RETURN(PgResult res, Run(sql, params));
    std::vector<SqlRow> rows;
    int nrows = PQntuples(res.get());
    int ncols = PQnfields(res.get());
    rows.reserve(nrows);
    for (int r = 0; r < nrows; ++r) {
      SqlRow row;
      row.values.reserve(ncols);
      for (int c = 0; c < ncols; ++c) {
        if (PQgetisnull(res.get(), r, c)) {
          row.values.emplace_back(std::monostate{});
          continue;
        }
        const char* v = PQgetvalue(res.get(), r, c);
        Oid type = PQftype(res.get(), c);
        if (type == kInt8Oid || type == kInt4Oid || type == kInt2Oid) {
          row.values.emplace_back(static_cast<std::int64_t>(std::strtoll(v, nullptr, 10)));
        } else if (type == kBoolOid) {
          row.values.emplace_back(static_cast<std::int64_t>(v[0] == 't' ? 1 : 0));
        } else {
          row.values.emplace_back(std::string(v, PQgetlength(res.get(), r, c)));
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  Result<std::int64_t> Exec(std::string_view sql, const std::vector<SqlValue>& params) override {
    ASSIGN_OR_RETURN(PgResult res, Run(sql, params));
    const char* n = PQcmdTuples(res.get());
    return static_cast<std::int64_t>(n && *n ? std::strtoll(n, nullptr, 10) : 0);
  }

  Status ExecScript(std::string_view sql) override {
    std::string text(sql);
    PgResult res(PQexec(conn_, text.c_str()), PQclear);
    ExecStatusType st = PQresultStatus(res.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      return ResultError(res.get(), conn_, "running a script");
    }
    return OkStatus();
  }

 private:
  Result<PgResult> Run(std::string_view sql, const std::vector<SqlValue>& params) {
    if (observer_ && *observer_) (*observer_)(sql, params);
    std::string text = NumberPlaceholders(sql);
    std::vector<std::string> storage(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
        storage[i] = std::to_string(*n);
        values[i] = storage[i].c_str();
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        values[i] = s->c_str();
      }
    }
    PgResult res(PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), nullptr,
                              values.data(), nullptr, nullptr, 0),
                 PQclear);
    ExecStatusType st = PQresultStatus(res.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      return ResultError(res.get(), conn_, "running a statement");
    }
    return res;
  }

  PGconn* conn_;
  const SqlObserver* observer_;
};

// Connects one session: `url` expanded by libpq, "crossdock" as the application name unless
// the URL names one (so that pg_stat_activity shows whose sessions these are), NOTICEs
// quiet ("schema already exists, skipping").
Result<PGconn*> Connect(const std::string& url) {
  const char* keys[] = {"dbname", "fallback_application_name", nullptr};
  const char* values[] = {url.c_str(), "crossdock", nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string msg = conn ? PQerrorMessage(conn) : "out of memory";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    PQfinish(conn);
    return Error(ErrorCode::kUnavailable,
                 fmt::format("cannot connect to PostgreSQL at {}: {}; check the URL passed with "
                             "--db or CROSSDOCK_DB and that the server is running",
                             RedactUrl(url), msg),
                 "db");
  }
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return conn;
}

class PostgresDatabase final : public SqlDatabase {
 public:
  PostgresDatabase(std::string url, std::string schema, PostgresPoolOptions pool)
      : url_(std::move(url)), schema_(std::move(schema)), pool_(pool) {
    if (pool_.max_connections < 1) pool_.max_connections = 1;
    stats_.max_size = pool_.max_connections;
  }
  ~PostgresDatabase() override {
    for (PGconn* c : idle_) PQfinish(c);
  }
  Dialect dialect() const override { return Dialect::kPostgres; }
  std::string Describe() const override { return "PostgreSQL " + RedactUrl(url_); }

  SqlPoolStats pool_stats() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return stats_;
  }

  // Opens the first session (so that a wrong URL fails at open) and keeps it idle.
  Status Start() {
    ASSIGN_OR_RETURN(PGconn * conn, Acquire());
    Release(conn, true);
    return OkStatus();
  }

  Status Transaction(const std::function<Status(SqlSession&)>& fn) override {
    return RunTransaction("BEGIN", fn);
  }

  Status RunReadTransaction(const std::function<Status(SqlSession&)>& fn) override {
    return RunTransaction("BEGIN READ ONLY", fn);
  }

 private:
  Status RunTransaction(const char* begin, const std::function<Status(SqlSession&)>& fn) {
    ASSIGN_OR_RETURN(PGconn * conn, Acquire());
    Status begun = PostgresSession(conn).ExecScript(begin);
    if (!begun.ok() && PQstatus(conn) != CONNECTION_OK) {
      // An idle session the server closed (restart, idle timeout, pg_terminate_backend):
      // nothing ran yet, so replace it and begin once more.
      Release(conn, false);
      ASSIGN_OR_RETURN(conn, Acquire(/*fresh=*/true));
      begun = PostgresSession(conn).ExecScript(begin);
    }
    if (!begun.ok()) {
      Release(conn, PQstatus(conn) == CONNECTION_OK);
      return begun;
    }
    PostgresSession session(conn, &observer());
    Status st = fn(session);
    if (st.ok()) {
      st = session.ExecScript("COMMIT");
      if (st.ok()) {
        Release(conn, true);
        return st;
      }
    }
    PGresult* r = PQexec(conn, "ROLLBACK");
    bool healthy = PQresultStatus(r) == PGRES_COMMAND_OK && PQstatus(conn) == CONNECTION_OK;
    PQclear(r);
    Release(conn, healthy);
    return st;
  }

  // A session for one transaction: an idle one, else a new one while fewer than the maximum
  // are open, else the first one released (kUnavailable after pool_.acquire_timeout).
  // `fresh` skips the idle ones (the caller just found one of them closed).
  Result<PGconn*> Acquire(bool fresh = false) {
    std::unique_lock<std::mutex> lock(mu_);
    auto available = [&] {
      return (!fresh && !idle_.empty()) || stats_.open < pool_.max_connections;
    };
    if (!available()) {
      ++stats_.waits;
      if (!cv_.wait_for(lock, pool_.acquire_timeout, available)) {
        return Error(ErrorCode::kUnavailable,
                     fmt::format("all {} connections to {} stayed busy for {} ms; retry, or raise "
                                 "--db-pool-size",
                                 pool_.max_connections, Describe(), pool_.acquire_timeout.count()),
                     "db");
      }
    }
    if (!fresh && !idle_.empty()) {
      PGconn* conn = idle_.back();  // the most recently used: the least likely closed
      idle_.pop_back();
      ++stats_.in_use;
      return conn;
    }
    ++stats_.open;  // reserved before connecting, so that the bound holds meanwhile
    ++stats_.in_use;
    lock.unlock();
    auto conn = Open();
    lock.lock();
    if (!conn.ok()) {
      --stats_.open;
      --stats_.in_use;
      cv_.notify_one();
      return conn.error();
    }
    ++stats_.opened;
    return *conn;
  }

  // Back to the idle list, or closed when `healthy` is false (its slot frees for a new one).
  void Release(PGconn* conn, bool healthy) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      --stats_.in_use;
      if (healthy) {
        idle_.push_back(conn);
      } else {
        --stats_.open;
        ++stats_.discarded;
      }
    }
    if (!healthy) PQfinish(conn);
    cv_.notify_one();
  }

  Result<PGconn*> Open() {
    ASSIGN_OR_RETURN(PGconn * conn, Connect(url_));
    if (schema_.empty()) return conn;
    PostgresSession s(conn);
    std::string quoted = "\"";
    for (char c : schema_) {
      if (c == '"') quoted += '"';
      quoted += c;
    }
    quoted += '"';
    Status st = s.ExecScript(
        fmt::format("CREATE SCHEMA IF NOT EXISTS {0}; SET search_path TO {0};", quoted));
    if (!st.ok()) {
      PQfinish(conn);
      return st.error();
    }
    return conn;
  }

  const std::string url_;
  const std::string schema_;
  PostgresPoolOptions pool_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<PGconn*> idle_;
  SqlPoolStats stats_;
};

}  // namespace

Result<std::unique_ptr<SqlDatabase>> OpenPostgres(const std::string& url, const std::string& schema,
                                                  PostgresPoolOptions pool) {
  auto db = std::make_unique<PostgresDatabase>(url, schema, pool);
  RETURN_IF_ERROR(db->Start());
  return std::unique_ptr<SqlDatabase>(std::move(db));
}

}  // namespace crossdock::store
