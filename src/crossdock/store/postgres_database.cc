// PostgreSQL driver of the SQL layer (see sql.h), over libpq.
#include <fmt/format.h>
#include <libpq-fe.h>

#include <mutex>

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

class PostgresDatabase final : public SqlDatabase {
 public:
  PostgresDatabase(PGconn* conn, std::string url, std::string schema)
      : conn_(conn), url_(std::move(url)), schema_(std::move(schema)) {}
  ~PostgresDatabase() override { PQfinish(conn_); }
  Dialect dialect() const override { return Dialect::kPostgres; }
  std::string Describe() const override { return "PostgreSQL " + RedactUrl(url_); }

  Status Prepare() {
    if (schema_.empty()) return OkStatus();
    PostgresSession s(conn_);
    std::string quoted = "\"";
    for (char c : schema_) {
      if (c == '"') quoted += '"';
      quoted += c;
    }
    quoted += '"';
    return s.ExecScript(
        fmt::format("CREATE SCHEMA IF NOT EXISTS {0}; SET search_path TO {0};", quoted));
  }

  Status Transaction(const std::function<Status(SqlSession&)>& fn) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (PQstatus(conn_) != CONNECTION_OK) {
      PQreset(conn_);
      if (PQstatus(conn_) != CONNECTION_OK) {
        return Error(ErrorCode::kUnavailable,
                     fmt::format("cannot reconnect to {}: {}", Describe(), PQerrorMessage(conn_)));
      }
      RETURN_IF_ERROR(Prepare());
    }
    PostgresSession session(conn_, &observer());
    RETURN_IF_ERROR(session.ExecScript("BEGIN"));
    Status st = fn(session);
    if (st.ok()) {
      st = session.ExecScript("COMMIT");
      if (st.ok()) return st;
    }
    PGresult* r = PQexec(conn_, "ROLLBACK");
    PQclear(r);
    return st;
  }

 private:
  std::mutex mu_;
  PGconn* conn_;
  std::string url_;
  std::string schema_;
};

}  // namespace

Result<std::unique_ptr<SqlDatabase>> OpenPostgres(const std::string& url,
                                                  const std::string& schema) {
  PGconn* conn = PQconnectdb(url.c_str());
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
  // Quiet NOTICEs such as "schema already exists, skipping".
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  auto db = std::make_unique<PostgresDatabase>(conn, url, schema);
  RETURN_IF_ERROR(db->Prepare());
  return std::unique_ptr<SqlDatabase>(std::move(db));
}

}  // namespace crossdock::store
