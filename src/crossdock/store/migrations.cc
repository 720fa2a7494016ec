#include "crossdock/store/migrations.h"

#include <fmt/format.h>

namespace crossdock::store {
namespace {

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS crossdock_migrations ("
    " component TEXT NOT NULL, version BIGINT NOT NULL, name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL, PRIMARY KEY (component, version))";

// An arbitrary constant naming "crossdock schema migrations" for pg_advisory_xact_lock.
constexpr std::int64_t kMigrationLockKey = 0x63726f7373646b31;  // "crossdk1"

Result<std::int64_t> CurrentVersion(SqlSession& s, std::string_view component) {
  ASSIGN_OR_RETURN(auto rows, s.Query("SELECT COALESCE(MAX(version), 0) FROM crossdock_migrations "
                                      "WHERE component = ?",
                                      {std::string(component)}));
  return rows.empty() ? 0 : rows[0].Int(0);
}

}  // namespace

Status ApplyMigrations(SqlDatabase& db, std::string_view component,
                       const std::vector<Migration>& migrations, const Clock& clock) {
  return db.Transaction([&](SqlSession& s) -> Status {
    if (s.dialect() == Dialect::kPostgres) {
      RETURN_IF_ERROR(s.Query("SELECT pg_advisory_xact_lock(?::bigint)", {kMigrationLockKey}));
    }
    RETURN_IF_ERROR(s.ExecScript(kCreateTable));
    ASSIGN_OR_RETURN(std::int64_t current, CurrentVersion(s, component));
    std::int64_t newest = migrations.empty() ? 0 : migrations.back().version;
    if (current > newest) {
      return Error(ErrorCode::kFailedPrecondition,
                   fmt::format("{} schema \"{}\" is at version {}, newer than the newest this "
                               "crossdock knows ({}); upgrade crossdock",
                               db.Describe(), component, current, newest),
                   "db");
    }
    std::int64_t expected = 1;
    for (const Migration& m : migrations) {
      if (m.version != expected++) {
        return Error(ErrorCode::kInternal,
                     fmt::format("migrations of \"{}\" are not numbered 1, 2, 3...", component));
      }
      if (m.version <= current) continue;
      const std::string& sql =
          s.dialect() == Dialect::kPostgres && !m.postgres_sql.empty() ? m.postgres_sql : m.sql;
      Status st = s.ExecScript(sql);
      if (!st.ok()) {
        return Error(st.error().code(),
                     fmt::format("migration {} \"{}\" of \"{}\" failed: {}", m.version, m.name,
                                 component, st.error().message()));
      }
      auto ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(clock.Now().time_since_epoch())
              .count();
      RETURN_IF_ERROR(
          s.Exec("INSERT INTO crossdock_migrations (component, version, name, "
                 "applied_at) VALUES (?, ?, ?, ?)",
                 {std::string(component), m.version, m.name, static_cast<std::int64_t>(ms)}));
    }
    return OkStatus();
  });
}

Result<std::int64_t> SchemaVersion(SqlDatabase& db, std::string_view component) {
  std::int64_t version = 0;
  RETURN_IF_ERROR(db.Transaction([&](SqlSession& s) -> Status {
    RETURN_IF_ERROR(s.ExecScript(kCreateTable));
    ASSIGN_OR_RETURN(version, CurrentVersion(s, component));
    return OkStatus();
  }));
  return version;
}

const std::vector<Migration>& CoreMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       "organizations, external ids, vendor identity, connections, api tokens, settings",
       R"sql(
CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role_only BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT ux_organizations_name UNIQUE (name)
);
-- Every External ID ever issued stays here (retired ones too), so none is ever reused.
CREATE TABLE external_ids (
  value TEXT NOT NULL,
  org_id TEXT NOT NULL REFERENCES organizations (id),
  state TEXT NOT NULL CHECK (state IN ('current', 'previous', 'retired')),
  created_at BIGINT NOT NULL,
  retired_at BIGINT,
  CONSTRAINT ux_external_ids_value PRIMARY KEY (value)
);
-- At most one current and one previous External ID per organization.
CREATE UNIQUE INDEX ux_external_ids_active ON external_ids (org_id, state)
  WHERE state IN ('current', 'previous');
CREATE TABLE vendor_identity (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  account_id TEXT NOT NULL,
  role_arn TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
-- Non-secret fields are JSON in `config`; secrets are one secretbox ciphertext in `secrets`.
CREATE TABLE connections (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations (id),
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  config TEXT NOT NULL,
  secret_names TEXT NOT NULL DEFAULT '',
  secrets TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT ux_connections_org_name UNIQUE (org_id, name)
);
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations (id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  hint TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at BIGINT,
  CONSTRAINT ux_api_tokens_hash UNIQUE (token_hash),
  CONSTRAINT ux_api_tokens_org_name UNIQUE (org_id, name)
);
CREATE TABLE settings (
  scope TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (scope, name)
);
)sql",
       {}},
      {2,
       "vendor identity per partition (the single identity becomes the aws one)",
       R"sql(
CREATE TABLE vendor_identities (
  aws_partition TEXT PRIMARY KEY CHECK (aws_partition IN ('aws', 'aws-us-gov', 'aws-cn')),
  account_id TEXT NOT NULL,
  role_arn TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
INSERT INTO vendor_identities (aws_partition, account_id, role_arn, updated_at)
  SELECT 'aws', account_id, role_arn, updated_at FROM vendor_identity;
DROP TABLE vendor_identity;
)sql",
       {}},
  };
  return kMigrations;
}

const std::vector<Migration>& CoreIndexMigrations() {
  // Its own component so that tables other changes add to "core" never collide with these
  // numbers. Each index serves a list a route pages through (see page.h).
  static const std::vector<Migration> kMigrations = {
      {1,
       "connections by organization, type and name",
       "CREATE INDEX IF NOT EXISTS connections_by_type ON connections (org_id, type, name, id);"
       "CREATE INDEX IF NOT EXISTS connections_by_name ON connections (org_id, name, id);"
       "CREATE INDEX IF NOT EXISTS api_tokens_by_name ON api_tokens (org_id, name, id);",
       {}},
  };
  return kMigrations;
}

}  // namespace crossdock::store
