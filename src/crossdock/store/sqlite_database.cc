// SQLite driver of the SQL layer (see sql.h).
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

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

// One SQLite connection with its prepared statements, kept across transactions: the store
// runs a few dozen distinct statements, and compiling one costs more than running it.
// Used by one thread at a time (its owner holds a lock or a pool slot).
class SqliteConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() {
    Clear();
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  sqlite3* db() const { return db_; }

  // The compiled statement for `sql`, reset and without bindings. Statements built with a
  // varying number of placeholders are cached too; past kMaxStatements the cache starts over.
  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return it->second;
    if (statements_.size() >= kMaxStatements) Clear();
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "preparing a statement");
    statements_.emplace(std::string(sql), stmt);
    return stmt;
  }

  // Runs a statement without parameters or rows (BEGIN, COMMIT, ROLLBACK).
  int Command(std::string_view sql) {
    auto stmt = Prepare(sql);
    if (!stmt.ok()) return sqlite3_errcode(db_);
    int rc = sqlite3_step(*stmt);
    sqlite3_reset(*stmt);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
  }

 private:
  static constexpr std::size_t kMaxStatements = 256;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  void Clear() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    statements_.clear();
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*, Hash, std::equal_to<>> statements_;
};

class SqliteSession final : public SqlSession {
 public:
  SqliteSession(SqliteConnection& conn, const SqlObserver& observer)
      : conn_(conn), db_(conn.db()), observer_(observer) {}
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
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, conn_.Prepare(sql));
    // Back to the cache ready for its next use, whatever happens here.
    std::unique_ptr<sqlite3_stmt, void (*)(sqlite3_stmt*)> reset(stmt, [](sqlite3_stmt* s) {
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
    });
    int rc = SQLITE_OK;
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

  SqliteConnection& conn_;
  sqlite3* db_;
  const SqlObserver& observer_;
};

// Runs `fn` between `begin` and COMMIT on `conn`; rolls back on any error.
Status RunTransaction(SqliteConnection& conn, const SqlObserver& observer, std::string_view begin,
                      const std::function<Status(SqlSession&)>& fn) {
  SqliteSession session(conn, observer);
  // An exception out of `fn` must not leave the connection inside the transaction.
  struct RollbackOnUnwind {
    SqliteConnection& conn;
    ~RollbackOnUnwind() {
      if (!sqlite3_get_autocommit(conn.db())) conn.Command("ROLLBACK");
    }
  } unwind{conn};
  int rc = conn.Command(begin);
  if (rc != SQLITE_OK) return SqliteError(conn.db(), rc, "starting a transaction");
  Status st = fn(session);
  if (st.ok()) {
    rc = conn.Command("COMMIT");
    if (rc == SQLITE_OK) return OkStatus();
    st = SqliteError(conn.db(), rc, "committing a transaction");
  }
  conn.Command("ROLLBACK");
  return st;
}

// Opens `file` with the settings every connection of this process shares.
// Only the writer creates the file; a reader never recreates one removed meanwhile.
Result<sqlite3*> OpenConnection(const std::string& file, bool query_only) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (query_only ? 0 : SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Error(ErrorCode::kFailedPrecondition,
                 fmt::format("cannot open SQLite database {}: {}; check the path and its "
                             "permissions or pass --db",
                             file, msg),
                 "db");
  }
  sqlite3_busy_timeout(db, 5000);
  // WAL: readers never wait for the writer. Checkpoints run automatically every 1,000 pages
  // in PASSIVE mode (they copy what no reader still needs and never block a reader), and the
  // WAL file is truncated back to 64 MiB after each so it cannot grow without bound. Readers
  // are query_only: a write inside ReadTransaction fails instead of racing the writer.
  std::string pragmas = query_only ? "PRAGMA query_only=ON;"
                                   : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                     "PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=1000; "
                                     "PRAGMA journal_size_limit=67108864;";
  char* err = nullptr;
  if (sqlite3_exec(db, pragmas.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    sqlite3_close_v2(db);
    return Error(ErrorCode::kFailedPrecondition,
                 fmt::format("cannot initialise SQLite database {}: {}", file, msg), "db");
  }
  return db;
}

// One writer connection behind a mutex (SQLite has one writer at a time anyway) and a pool
// of query_only reader connections, opened on demand: in WAL mode each read transaction sees
// the last commit and runs beside the writer and the other readers.
class SqliteDatabase final : public SqlDatabase {
 public:
  static constexpr std::size_t kMaxReaders = 64;

  SqliteDatabase(sqlite3* db, std::string path) : writer_(db), path_(std::move(path)) {}
  Dialect dialect() const override { return Dialect::kSqlite; }
  std::string Describe() const override { return "SQLite file " + path_; }

  Status Transaction(const std::function<Status(SqlSession&)>& fn) override {
    std::lock_guard<std::mutex> lock(mu_);
    return RunTransaction(writer_, observer(), "BEGIN IMMEDIATE", fn);
  }

  Status RunReadTransaction(const std::function<Status(SqlSession&)>& fn) override {
    ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> reader, AcquireReader());
    struct Lease {  // back to the pool however `fn` ends
      SqliteDatabase& db;
      std::unique_ptr<SqliteConnection>& reader;
      ~Lease() { db.ReleaseReader(std::move(reader)); }
    } lease{*this, reader};
    return RunTransaction(*reader, observer(), "BEGIN DEFERRED", fn);
  }

 private:
  // An idle reader, a new one while fewer than kMaxReaders are open, else the next released.
  Result<std::unique_ptr<SqliteConnection>> AcquireReader() {
    std::unique_lock<std::mutex> lock(readers_mu_);
    readers_cv_.wait(lock, [&] { return !idle_readers_.empty() || open_readers_ < kMaxReaders; });
    if (!idle_readers_.empty()) {
      auto reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return reader;
    }
    ++open_readers_;
    lock.unlock();
    auto db = OpenConnection(path_, /*query_only=*/true);
    if (!db.ok()) {
      lock.lock();
      --open_readers_;
      readers_cv_.notify_one();
      return db.error();
    }
    return std::make_unique<SqliteConnection>(*db);
  }

  void ReleaseReader(std::unique_ptr<SqliteConnection> reader) {
    std::lock_guard<std::mutex> lock(readers_mu_);
    idle_readers_.push_back(std::move(reader));
    readers_cv_.notify_one();
  }

  std::mutex mu_;
  SqliteConnection writer_;
  std::string path_;
  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_readers_;
  std::size_t open_readers_ = 0;
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
  ASSIGN_OR_RETURN(sqlite3 * db, OpenConnection(file, /*query_only=*/false));
  auto database = std::make_unique<SqliteDatabase>(db, file);
  if (!existed) ::chmod(file.c_str(), 0600);
  return std::unique_ptr<SqlDatabase>(std::move(database));
}

}  // namespace crossdock::store
