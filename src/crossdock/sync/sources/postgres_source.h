// PostgresSource: rows of a PostgreSQL table or query, streamed with COPY (...) TO STDOUT
// in text format through libpq, so memory holds one row at a time on the client side.
//
// The session is read-only REPEATABLE READ: the incremental upper bound and the rows are
// read from one snapshot. Session settings make the text output canonical (TimeZone UTC,
// DateStyle ISO, IntervalStyle iso_8601, extra_float_digits 3, bytea_output hex,
// client_encoding UTF8); type mapping is in pg_types.h. Incremental mode: given a cursor
// column and the last saved cursor, Open() reads max(column) above it as the run's end
// cursor and the run exports `column > saved AND column <= end` ordered by the column; a run
// with no new rows exports nothing and keeps the cursor. The column must increase
// monotonically (an id or a commit timestamp): rows written later with a smaller value are
// not seen. Passwords never appear in messages (the URL is redacted).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crossdock/connect/postgres_login.h"
#include "crossdock/http/outbound_policy.h"
#include "crossdock/sync/sources/copy_text.h"
#include "crossdock/sync/sources/source.h"

struct pg_conn;

namespace crossdock::sync {

struct PostgresSourceOptions {
  // libpq URL or "host=... dbname=..." string. The password may come from PGPASSWORD or a
  // .pgpass file, as libpq reads them; stored sync definitions never hold one.
  std::string conninfo;
  // A table ("orders", "public.orders", "\"Mixed Case\"") or a query; exactly one is set.
  std::string table;
  std::string query;
  // Incremental mode: the cursor column, and the cursor saved by the last committed run.
  std::string cursor_column;
  std::optional<std::string> cursor_after;
  int connect_timeout_s = 10;
  // Set for a tenant's source (a sync created over the API): the connection goes only to an
  // address this policy allows, pinned once resolved, without the worker's password, password
  // file or client key, and connection failures are reported as a category
  // (postgres_target.h).
  std::shared_ptr<const http::OutboundPolicy> tenant_policy;
  // Set for a source that names a postgres connection: its login (host pinned to a checked
  // address, its own password, the worker's environment kept out; connect/postgres_login.h),
  // used instead of conninfo. Failures are then reported as a category too.
  std::optional<connect::PostgresLogin> login;
  std::string connection_name;  // for messages
};

class PostgresSource final : public Source {
 public:
  explicit PostgresSource(PostgresSourceOptions options);
  ~PostgresSource() override;

  std::string Describe() const override;
  Result<Schema> Open() override;
  Result<bool> Next(RowBatch& batch, size_t max_rows) override;
  std::optional<std::string> EndCursor() const override { return end_cursor_; }
  Status Close() override;

  // The SELECT the COPY runs (after Open), for tests and logs.
  const std::string& select_sql() const { return select_sql_; }

 private:
  Status Exec(const std::string& sql);
  Status ConnectTenant();
  Status ConnectLogin(const connect::PostgresLogin& login, const char* field);
  Error PgError(ErrorCode code, const std::string& what) const;

  PostgresSourceOptions options_;
  pg_conn* conn_ = nullptr;
  bool copying_ = false;
  bool done_ = false;
  std::string select_sql_;
  std::vector<PgConversion> conversions_;
  std::optional<std::string> end_cursor_;
};

}  // namespace crossdock::sync
