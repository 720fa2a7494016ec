// SQLite driver of the SQL layer (see sql.h).
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <mutex>

#include "crossdock/store/sql.h"

namespace crossdock::store {
namespace {

Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  int ext = db ? sqlite3_extended_errcode(db) : rc;
  std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
    // "UNIQUE constraint failed: connections.org_id, connections.name"
    std::string cols = msg;
    auto colon = cols.find(": ");
    if (colon != std::string::npos) cols = cols.substr(colon + 2);
    return Error(ErrorCode::kAlreadyExists, msg, cols);
  }
  if ((ext & 0xff) == SQLITE_CONSTRAINT) {
    return Error(ErrorCode::kFailedPrecondition, fmt::format("{}: {}", what, msg));
  }
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
    return Error(
        ErrorCode::kUnavailable,
        fmt::format("{}: the SQLite database is locked by another process ({}); retry", what, msg));
  }
  return Error(ErrorCode::kInternal, fmt::format("{}: SQLite: {}", what, msg));
}

class SqliteSession final : public SqlSession {
 public:
  SqliteSession(sqlite3* db, const SqlObserver& observer) : db_(db), observer_(observer) {}
  Dialect dialect() const override { return Dialect::kSqlite; }

  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlValue>& params) override {
    std::vector<SqlRow> rows;
    RETURN_IF_ERROR(Run(sql, params, &rows));
    return rows;
  }

  Result<std::int64_t> Exec(std::string_view sql, const std::vector<SqlValue>& params) override {
    RETURN_IF_ERROR(Run(sql, params, nullptr));
    return static_cast<std::int64_t>(sqlite3_changes64(db_));
  }

  Status ExecScript(std::string_view sql) override {
    std::string text(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      return Error(ErrorCode::kInternal, "SQLite script failed: " + msg);
    }
    return OkStatus();
  }

 private:
  Status Run(std::string_view sql, const std::vector<SqlValue>& params, std::vector<SqlRow>* rows) {
    if (observer_) observer_(sql, params);
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "preparing a statement");
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, sqlite3_finalize);
    for (std::size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      const SqlValue& v = params[i];
      if (const auto* n = std::get_if<std::int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, idx, *n);
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        rc = sqlite3_bind_text64(stmt, idx, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      } else {
        rc = sqlite3_bind_null(stmt, idx);
      }
      if (rc != SQLITE_OK) return SqliteError(db_, rc, "binding a parameter");
    }
    while (true) {
      rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return SqliteError(db_, rc, "running a statement");
      if (rows == nullptr) continue;
      SqlRow row;
      int n = sqlite3_column_count(stmt);
      row.values.reserve(n);
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL:
            row.values.emplace_back(std::monostate{});
            break;
          case SQLITE_INTEGER:
            row.values.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, c)));
            break;
          default: {
            const auto* p = reinterpret_cast<const char*>(sqlite3_column_blob(stmt, c));
            int len = sqlite3_column_bytes(stmt, c);
            row.values.emplace_back(std::string(p ? p : "", p ? len : 0));
          }
        }
      }
      rows->push_back(std::move(row));
    }
    return OkStatus();
  }

  sqlite3* db_;
  const SqlObserver& observer_;
};

class SqliteDatabase final : public SqlDatabase {
 public:
  SqliteDatabase(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteDatabase() override { sqlite3_close_v2(db_); }
  Dialect dialect() const override { return Dialect::kSqlite; }
  std::string Describe() const override { return "SQLite file " + path_; }

  Status Transaction(const std::function<Status(SqlSession&)>& fn) override {
    std::lock_guard<std::mutex> lock(mu_);
    SqliteSession session(db_, observer());
    int rc = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "starting a transaction");
    Status st = fn(session);
    if (st.ok()) {
      rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
      if (rc == SQLITE_OK) return OkStatus();
      st = SqliteError(db_, rc, "committing a transaction");
    }
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return st;
  }

 private:
  std::mutex mu_;
  sqlite3* db_;
  std::string path_;
};

}  // namespace

Result<std::unique_ptr<SqlDatabase>> OpenSqlite(const std::string& path) {
  std::string file = path;
  if (file.starts_with("sqlite://"))
    file = file.substr(9);
  else if (file.starts_with("sqlite:"))
    file = file.substr(7);
  if (file.empty()) {
    return Error(ErrorCode::kInvalidArgument, "empty SQLite path; pass --db PATH", "db");
  }
  std::filesystem::path p(file);
  std::error_code ec;
  bool existed = std::filesystem::exists(p, ec);
  if (!existed && p.has_parent_path() && !std::filesystem::exists(p.parent_path(), ec)) {
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) {
      return Error(ErrorCode::kFailedPrecondition,
                   fmt::format("cannot create directory {} for the database: {}; create it or "
                               "pass --db with another path",
                               p.parent_path().string(), ec.message()),
                   "db");
    }
    ::chmod(p.parent_path().c_str(), 0700);
  }
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(file.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Error(ErrorCode::kFailedPrecondition,
                 fmt::format("cannot open SQLite database {}: {}; check the path and its "
                             "permissions or pass --db",
                             file, msg),
                 "db");
  }
  auto database = std::make_unique<SqliteDatabase>(db, file);
  sqlite3_busy_timeout(db, 5000);
  // WAL: readers never wait for the writer. Checkpoints run automatically every 1,000 pages
  // in PASSIVE mode (they copy what no reader still needs and never block a reader), and the
  // WAL file is truncated back to 64 MiB after each so it cannot grow without bound.
  const char* pragmas =
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
      "PRAGMA wal_autocheckpoint=1000; PRAGMA journal_size_limit=67108864;";
  char* err = nullptr;
  if (sqlite3_exec(db, pragmas, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Error(ErrorCode::kFailedPrecondition,
                 fmt::format("cannot initialise SQLite database {}: {}", file, msg), "db");
  }
  if (!existed) ::chmod(file.c_str(), 0600);
  return std::unique_ptr<SqlDatabase>(std::move(database));
}

}  // namespace crossdock::store
