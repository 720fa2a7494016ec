// The small SQL layer under the store: one interface over a SQLite file and a PostgreSQL
// server, so that the store, its migrations and later modules (syncs and runs) write their
// queries once.
//
// Statements use `?` placeholders (rewritten to $1, $2... for PostgreSQL) and three value
// kinds: NULL, 64-bit integers and text. Every statement runs inside Transaction(), which
// commits when the callback succeeds and rolls back on any error, so nothing is half-written.
// On SQLite, write transactions on one SqlDatabase are serialised by a mutex (one writer
// connection) and read transactions run beside them on a small pool of reader connections
// (WAL mode), each connection keeping its compiled statements. On PostgreSQL they run in parallel
// on a bounded pool of sessions opened on demand (at most PostgresPoolOptions::max_connections per
// database object; a caller beyond that waits for a free one), and a session the server closed is
// replaced. Driver errors come back as Errors: unique violations as kAlreadyExists whose field()
// carries the driver's name for the constraint (SQLite "table.col, table.col", PostgreSQL the
// constraint name), for the store to translate. It is not an ORM.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "crossdock/core/result.h"

namespace crossdock::store {

enum class Dialect { kSqlite, kPostgres };

using SqlValue = std::variant<std::monostate, std::int64_t, std::string>;

// A NULL parameter or column.
inline SqlValue SqlNull() { return std::monostate{}; }

struct SqlRow {
  std::vector<SqlValue> values;

  bool IsNull(std::size_t i) const { return std::holds_alternative<std::monostate>(values.at(i)); }
  // Text of column i ("" for NULL; integers are formatted).
  std::string Text(std::size_t i) const;
  // Integer of column i (0 for NULL; text is parsed, 0 if it is not a number).
  std::int64_t Int(std::size_t i) const;
  std::optional<std::int64_t> OptionalInt(std::size_t i) const;
};

// A connection inside a transaction. Valid only during the Transaction callback.
class SqlSession {
 public:
  virtual ~SqlSession() = default;
  virtual Dialect dialect() const = 0;
  // Runs one statement and returns its rows (empty for statements without results).
  virtual Result<std::vector<SqlRow>> Query(std::string_view sql,
                                            const std::vector<SqlValue>& params = {}) = 0;
  // Runs one statement and returns the number of rows it changed.
  virtual Result<std::int64_t> Exec(std::string_view sql,
                                    const std::vector<SqlValue>& params = {}) = 0;
  // Runs several `;`-separated statements without parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;
};

// Sees every statement a session runs with its parameters, before it runs (tests check the
// query plans of what the store really executes). Called with the transaction lock held:
// it must not start a transaction itself.
using SqlObserver = std::function<void(std::string_view sql, const std::vector<SqlValue>& params)>;

// What a connection pool holds, for tests and /metrics. SQLite reports zeros.
struct SqlPoolStats {
  int max_size = 0;            // the configured bound
  int open = 0;                // sessions open now (idle + in use)
  int in_use = 0;              // sessions inside a transaction now
  std::int64_t opened = 0;     // sessions ever opened
  std::int64_t discarded = 0;  // sessions closed because they broke
  std::int64_t waits = 0;      // transactions that waited for a free session
};

class SqlDatabase {
 public:
  virtual ~SqlDatabase() = default;
  // Installs (or, with an empty function, removes) the observer. Not thread-safe: set it
  // while no transaction runs.
  void SetObserver(SqlObserver observer) { observer_ = std::move(observer); }
  virtual Dialect dialect() const = 0;
  // Where the database is, for messages: a file path or the URL without its password.
  virtual std::string Describe() const = 0;
  // Runs `fn` in a transaction (SQLite: BEGIN IMMEDIATE on the writer connection;
  // PostgreSQL: READ COMMITTED). Commits if `fn` returns ok, rolls back otherwise and returns
  // fn's error. Thread-safe.
  virtual Status Transaction(const std::function<Status(SqlSession&)>& fn) = 0;
  // Runs `fn` in a transaction that only reads (SQLite: BEGIN DEFERRED on a query_only reader
  // connection, beside the writer; PostgreSQL: READ ONLY). A write inside fails. It sees
  // every transaction committed before it began. A ReadTransaction started inside another
  // on the same thread and database joins it: several reads (of the store and of modules
  // built on it) then share one snapshot and one transaction. Thread-safe.
  Status ReadTransaction(const std::function<Status(SqlSession&)>& fn);
  // The connection pool's counters (PostgreSQL); zeros where there is no pool.
  virtual SqlPoolStats pool_stats() const { return {}; }

 protected:
  const SqlObserver& observer() const { return observer_; }
  // The driver's read-only transaction (ReadTransaction handles joining); by default a
  // transaction like any other.
  virtual Status RunReadTransaction(const std::function<Status(SqlSession&)>& fn) {
    return Transaction(fn);
  }

 private:
  SqlObserver observer_;
};

// Opens (creating on first use, with parent directories) a SQLite database file in WAL mode
// with foreign keys on and a 5 s busy timeout. The file is created with mode 0600.
Result<std::unique_ptr<SqlDatabase>> OpenSqlite(const std::string& path);

// The bound on a process's PostgreSQL sessions (`--db-pool-size`, CROSSDOCK_DB_POOL_SIZE).
struct PostgresPoolOptions {
  static constexpr int kDefaultMaxConnections = 8;
  int max_connections = kDefaultMaxConnections;  // sessions open at once, at least 1
  // How long a transaction waits for a free session before failing with kUnavailable.
  std::chrono::milliseconds acquire_timeout{30000};
};

// Connects to PostgreSQL with a libpq URL or key=value string (one session now, up to
// pool.max_connections on demand). Sessions carry application_name "crossdock" unless the
// URL sets one. When `schema` is not empty it is created if missing and becomes the
// search_path of every session.
Result<std::unique_ptr<SqlDatabase>> OpenPostgres(const std::string& url,
                                                  const std::string& schema = {},
                                                  PostgresPoolOptions pool = {});

// The length of UTF-8 `text` in code points, as SQL's substr() counts them: name-prefix
// filters compare `substr(name, 1, CodePoints(prefix)) = prefix` on both databases.
std::int64_t CodePoints(std::string_view text);

// True for "postgres://", "postgresql://" URLs and libpq "host=... dbname=..." strings.
bool IsPostgresUrl(std::string_view location);

// The URL with any password replaced by "***", for messages and logs.
std::string RedactUrl(std::string_view url);

}  // namespace crossdock::store
