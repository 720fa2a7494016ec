// Schema migrations: numbered, named SQL scripts per component ("core" for the store's own
// tables; "sync" and others add theirs later), applied once each, in order, and recorded in
// the crossdock_migrations table (component, version, name, applied_at).
//
// All pending migrations of a component are applied in one transaction: either the schema
// moves to the newest version or it stays where it was. On PostgreSQL a transaction-scoped
// advisory lock makes concurrent starters (several workers and a server) wait for each other
// instead of racing. A database whose recorded version is newer than the newest migration the
// binary knows is refused with the fix (upgrade crossdock). Migrations never run backwards.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"
#include "crossdock/store/sql.h"

namespace crossdock::store {

struct Migration {
  std::int64_t version;  // 1, 2, 3... without gaps
  std::string name;      // what it does, e.g. "connections and organizations"
  std::string sql;  // `;`-separated statements for SQLite (and PostgreSQL if the next is empty)
  std::string postgres_sql;  // PostgreSQL's dialect when it differs; empty means `sql`
};

// Applies the migrations of `component` newer than its recorded version.
Status ApplyMigrations(SqlDatabase& db, std::string_view component,
                       const std::vector<Migration>& migrations, const Clock& clock);

// The recorded version of `component` (0 when none was applied).
Result<std::int64_t> SchemaVersion(SqlDatabase& db, std::string_view component);

// The store's own schema ("core").
const std::vector<Migration>& CoreMigrations();

// Indexes on the store's own tables for paged lists and filters ("core-indexes").
const std::vector<Migration>& CoreIndexMigrations();

}  // namespace crossdock::store
