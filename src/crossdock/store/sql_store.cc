// The Store implementation shared by SQLite and PostgreSQL (see store.h): all SQL here is
// written once in the common subset of both dialects; the drivers are in sql.h.
#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "crossdock/crypto/random.h"
#include "crossdock/store/store.h"

namespace crossdock::store {
namespace {

std::int64_t ToMs(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
TimePoint FromMs(std::int64_t ms) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
}
std::optional<TimePoint> FromOptionalMs(const std::optional<std::int64_t>& ms) {
  if (!ms) return std::nullopt;
  return FromMs(*ms);
}

// Translates a driver's unique violation (SQLite "table.col, ..." or a PostgreSQL constraint
// name, in Error::field()) into a message and a field a user can act on.
Error UniqueViolation(const Error& e, std::string_view what) {
  if (e.code() != ErrorCode::kAlreadyExists) return e;
  struct Rule {
    std::string_view sqlite;
    std::string_view postgres;
    std::string_view field;
    std::string_view fix;
  };
  static constexpr Rule kRules[] = {
      {"organizations.name", "ux_organizations_name", "name",
       "an organization with this name already exists; choose another name"},
      {"connections.org_id, connections.name", "ux_connections_org_name", "name",
       "a connection with this name already exists in the organization; choose another name "
       "or update the existing connection"},
      {"external_ids.value", "ux_external_ids_value", "external_id",
       "this External ID was already issued (External IDs are never reused); generate another"},
      {"external_ids.org_id, external_ids.state", "ux_external_ids_active", "external_id",
       "a rotation of the External ID is already in progress; confirm it first"},
      {"api_tokens.token_hash", "ux_api_tokens_hash", "token",
       "this token was already issued; issue a new one"},
      {"api_tokens.org_id, api_tokens.name", "ux_api_tokens_org_name", "name",
       "an API token with this name already exists in the organization; choose another name"},
  };
  for (const Rule& r : kRules) {
    if (e.field() == r.sqlite || e.field() == r.postgres) {
      return Error(ErrorCode::kAlreadyExists, fmt::format("{}: {}", what, r.fix),
                   std::string(r.field));
    }
  }
  if (e.field().ends_with(".id") || e.field().ends_with("_pkey")) {
    return Error(ErrorCode::kAlreadyExists, fmt::format("{}: the id is already taken", what), "id");
  }
  return Error(ErrorCode::kAlreadyExists, fmt::format("{}: {}", what, e.message()));
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ',';
    out += n;
  }
  return out;
}

std::vector<std::string> SplitNames(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

ExternalIdState ParseState(const std::string& s) {
  if (s == "current") return ExternalIdState::kCurrent;
  if (s == "previous") return ExternalIdState::kPrevious;
  return ExternalIdState::kRetired;
}

constexpr std::string_view kOrgColumns = "id, name, role_only, created_at, updated_at";
Organization OrgFromRow(const SqlRow& r) {
  return Organization{r.Text(0), r.Text(1), r.Int(2) != 0, FromMs(r.Int(3)), FromMs(r.Int(4))};
}

constexpr std::string_view kConnColumns =
    "id, org_id, type, name, config, secret_names, secrets, created_at, updated_at";

constexpr std::string_view kTokenColumns =
    "id, org_id, name, token_hash, hint, created_at, last_used_at, revoked_at";
ApiToken TokenFromRow(const SqlRow& r) {
  return ApiToken{r.Text(0),
                  r.Text(1),
                  r.Text(2),
                  r.Text(3),
                  r.Text(4),
                  FromMs(r.Int(5)),
                  FromOptionalMs(r.OptionalInt(6)),
                  FromOptionalMs(r.OptionalInt(7))};
}

class SqlStore final : public Store {
 public:
  SqlStore(std::unique_ptr<SqlDatabase> db, std::optional<crypto::SecretBox> box,
           const Clock* clock)
      : db_(std::move(db)), box_(std::move(box)), clock_(clock) {}

  std::string Describe() const override { return db_->Describe(); }
  const crypto::SecretBox* secret_box() const override { return box_ ? &*box_ : nullptr; }

  // --- Organizations ---------------------------------------------------------------------
  Result<Organization> CreateOrganization(std::string_view name, bool role_only,
                                          std::string_view external_id) override {
    if (name.empty()) {
      return Error(ErrorCode::kInvalidArgument, "organization name is empty; give a name", "name");
    }
    Organization org{crypto::RandomId("org"), std::string(name), role_only, Now(), Now()};
    org.updated_at = org.created_at;
    Status st = db_->Transaction([&](SqlSession& s) -> Status {
      auto ins = s.Exec(
          fmt::format("INSERT INTO organizations ({}) VALUES (?, ?, ?, ?, ?)", kOrgColumns),
          {org.id, org.name, std::int64_t{role_only}, ToMs(org.created_at), ToMs(org.updated_at)});
      if (!ins.ok()) {
        return UniqueViolation(ins.error(), fmt::format("organization \"{}\"", name));
      }
      auto eid =
          s.Exec("INSERT INTO external_ids (value, org_id, state, created_at) VALUES (?, ?, ?, ?)",
                 {std::string(external_id), org.id, std::string("current"), ToMs(org.created_at)});
      if (!eid.ok()) return UniqueViolation(eid.error(), "External ID");
      return OkStatus();
    });
    if (!st.ok()) return st.error();
    return org;
  }

  Result<Organization> GetOrganization(std::string_view org_id) override {
    return OneOrg("id", org_id);
  }
  Result<Organization> FindOrganizationByName(std::string_view name) override {
    return OneOrg("name", name);
  }

  Result<Page<Organization>> ListOrganizations(const PageRequest& page) override {
    ASSIGN_OR_RETURN(auto after, CheckPage("organizations", page));
    std::vector<Organization> out;
    RETURN_IF_ERROR(db_->ReadTransaction([&](SqlSession& s) -> Status {
      std::string sql = fmt::format("SELECT {} FROM organizations", kOrgColumns);
      std::vector<SqlValue> params;
      if (after) {
        sql += " WHERE (name, id) > (?, ?)";
        params.push_back(after->sort_key);
        params.push_back(after->id);
      }
      sql += " ORDER BY name, id LIMIT ?";
      params.push_back(std::int64_t{page.limit} + 1);
      ASSIGN_OR_RETURN(auto rows, s.Query(sql, params));
      for (const auto& r : rows) out.push_back(OrgFromRow(r));
      return OkStatus();
    }));
    return MakePage("organizations", std::move(out), page.limit, [](const Organization& o) {
      return CursorKey{o.name, o.id};
    });
  }

  Result<Organization> SetRoleOnly(std::string_view org_id, bool role_only) override {
    RETURN_IF_ERROR(db_->Transaction([&](SqlSession& s) -> Status {
      ASSIGN_OR_RETURN(auto n, s.Exec("UPDATE organizations SET role_only = ?, updated_at = ? "
                                      "WHERE id = ?",
                                      {std::int64_t{role_only}, ToMs(Now()), std::string(org_id)}));
      if (n == 0) return OrgNotFound("id", org_id);
      return OkStatus();
    }));
    return GetOrganization(org_id);
  }

  // --- External IDs ----------------------------------------------------------------------
  Result<std::vector<ExternalIdRecord>> ListExternalIds(std::string_view org_id,
                                                        bool include_retired) override {
    std::vector<ExternalIdRecord> out;
    RETURN_IF_ERROR(db_->ReadTransaction([&](SqlSession& s) -> Status {
      ASSIGN_OR_RETURN(
          auto rows,
          s.Query(std::string("SELECT value, org_id, state, created_at, retired_at FROM "
                              "external_ids WHERE org_id = ?") +
                      (include_retired ? "" : " AND state <> 'retired'") +
                      " ORDER BY CASE state WHEN 'current' THEN 0 WHEN 'previous' THEN 1 ELSE 2 "
                      "END, created_at DESC, value",
                  {std::string(org_id)}));
      for (const auto& r : rows) {
        out.push_back(ExternalIdRecord{r.Text(0), r.Text(1), ParseState(r.Text(2)),
                                       FromMs(r.Int(3)), FromOptionalMs(r.OptionalInt(4))});
      }
      return OkStatus();
    }));
    return out;
  }

  Status BeginExternalIdRotation(std::string_view org_id, std::string_view new_value) override {
    return db_->Transaction([&](SqlSession& s) -> Status {
      RETURN_IF_ERROR(LockOrg(s, org_id));
      ASSIGN_OR_RETURN(auto prev, s.Query("SELECT value FROM external_ids WHERE org_id = ? AND "
                                          "state = 'previous'",
                                          {std::string(org_id)}));
      if (!prev.empty()) {
        return Error(ErrorCode::kFailedPrecondition,
                     "an External ID rotation is already in progress: both IDs are offered "
                     "until it is confirmed; confirm it (crossdock org rotate-external-id "
                     "--confirm) before rotating again",
                     "external_id");
      }
      RETURN_IF_ERROR(
          s.Exec("UPDATE external_ids SET state = 'previous' WHERE org_id = ? AND "
                 "state = 'current'",
                 {std::string(org_id)}));
      auto ins = s.Exec(
          "INSERT INTO external_ids (value, org_id, state, created_at) VALUES (?, ?, ?, ?)",
          {std::string(new_value), std::string(org_id), std::string("current"), ToMs(Now())});
      if (!ins.ok()) return UniqueViolation(ins.error(), "External ID");
      return OkStatus();
    });
  }

  Status ConfirmExternalIdRotation(std::string_view org_id) override {
    return db_->Transaction([&](SqlSession& s) -> Status {
      RETURN_IF_ERROR(LockOrg(s, org_id));
      ASSIGN_OR_RETURN(auto n, s.Exec("UPDATE external_ids SET state = 'retired', retired_at = ? "
                                      "WHERE org_id = ? AND state = 'previous'",
                                      {ToMs(Now()), std::string(org_id)}));
      if (n == 0) {
        return Error(ErrorCode::kFailedPrecondition,
                     "no External ID rotation is in progress; start one with `crossdock org "
                     "rotate-external-id`",
                     "external_id");
      }
      return OkStatus();
    });
  }

  // --- Vendor identity -------------------------------------------------------------------
  Result<std::optional<VendorIdentity>> GetVendorIdentity(std::string_view partition) override {
    std::optional<VendorIdentity> out;
    RETURN_IF_ERROR(db_->ReadTransaction([&](SqlSession& s) -> Status {
      ASSIGN_OR_RETURN(auto rows, s.Query("SELECT account_id, role_arn, updated_at, "
                                          "aws_partition FROM vendor_identities WHERE "
                                          "aws_partition = ?",
                                          {std::string(partition)}));
      if (!rows.empty()) {
        out = VendorIdentity{rows[0].Text(0), rows[0].Text(1), FromMs(rows[0].Int(2)),
                             rows[0].Text(3)};
      }
      return OkStatus();
    }));
    return out;
  }

  Result<std::vector<VendorIdentity>> ListVendorIdentities() override {
    std::vector<VendorIdentity> out;
    RETURN_IF_ERROR(db_->ReadTransaction([&](SqlSession& s) -> Status {
      ASSIGN_OR_RETURN(auto rows, s.Query("SELECT account_id, role_arn, updated_at, "
                                          "aws_partition FROM vendor_identities ORDER BY "
                                          "aws_partition"));
      for (const auto& row : rows) {
        out.push_back({row.Text(0), row.Text(1), FromMs(row.Int(2)), row.Text(3)});
      }
      return OkStatus();
    }));
    return out;
  }

  Status SetVendorIdentity(const VendorIdentity& identity) override {
    return db_->Transaction([&](SqlSession& s) -> Status {
      RETURN_IF_ERROR(
          s.Exec("INSERT INTO vendor_identities (aws_partition, account_id, role_arn, "
                 "updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (aws_partition) DO UPDATE SET "
                 "account_id = excluded.account_id, role_arn = excluded.role_arn, "
                 "updated_at = excluded.updated_at",
                 {identity.partition, identity.account_id, identity.role_arn, ToMs(Now())}));
      return OkStatus();
    });
  }

  Status DeleteVendorIdentity(std::string_view partition) override {
    return db_->Transaction([&](SqlSession& s) -> Status {
      ASSIGN_OR_RETURN(auto n, s.Exec("DELETE FROM vendor_identities WHERE aws_partition = ?",
                                      {std::string(partition)}));
      if (n == 0) {
        return Error(ErrorCode::kNotFound,
                     fmt::format("partition {} has no vendor identity", partition), "partition");
      }
      return OkStatus();
    });
  }

  // --- Connections -----------------------------------------------------------------------
  Result<ConnectionRecord> CreateConnection(const ConnectionRecord& record) override {
    ConnectionRecord rec = record;
    if (rec.id.empty()) rec.id = crypto::RandomId("conn");
    rec.created_at = rec.updated_at = Now();
    ASSIGN_OR_RETURN(SqlValue sealed, SealSecrets(rec));
    Status st = db_->Transaction([&](SqlSession& s) -> Status {
      ASSIGN_OR_RETURN(auto org,
                       s.Query("SELECT id FROM organizations WHERE id = ?", {rec.org_id}));
      if (org.empty()) return OrgNotFound("id", rec.org_id);
      auto ins =
          s.Exec(fmt::format("INSERT INTO connections ({}) VALUES (?, ?, ?, ?, ?, ?, ?, "
                             "?, ?)",
                             kConnColumns),
                 {rec.id, rec.org_id, rec.type, rec.name, rec.config, JoinNames(rec.secret_names),
                  sealed, ToMs(rec.created_at), ToMs(rec.updated_at)});
      if (!ins.ok())
        return UniqueViolation(ins.error(), fmt::format("connection \"{}\"", rec.name));
      return OkStatus();
    });
    if (!st.ok()) return st.error();
    rec.secrets.clear();
    return rec;
  }

  Result<ConnectionRecord> GetConnection(std::string_view org_id, std::string_view id,
                                         SecretAccess access) override {
    return OneConnection(org_id, "id", id, access);
  }

  Result<ConnectionRecord> FindConnectionByName(std::string_view org_id, std::string_view name,
                                                SecretAccess access) override {
    return OneConnection(org_id, "name", name, access);
  }

  Result<Page<ConnectionRecord>> ListConnections(std::string_view org_id,
                                                 const ConnectionFilter& filter,
                                                 const PageRequest& page) override {
    ASSIGN_OR_RETURN(auto after, CheckPage("connections", page));
    std::vector<ConnectionRecord> out;
    RETURN_IF_ERROR(db_->ReadTransaction([&](SqlSession& s) -> Status {
      std::string sql = fmt::format("SELECT {} FROM connections WHERE org_id = ?", kConnColumns);
      std::vector<SqlValue> params = {std::string(org_id)};
      if (!filter.type.empty()) {
        sql += " AND type = ?";
        params.push_back(filter.type);
      }
      if (!filter.name_prefix.empty()) {
        sql += " AND substr(name, 1, ?) = ?";
        params.push_back(CodePoints(filter.name_prefix));
        params.push_back(filter.name_prefix);
      }
      if (after) {
        sql += " AND (name, id) > (?, ?)";
        params.push_back(after->sort_key);
        params.push_back(after->id);
      }
      sql += " ORDER BY name, id LIMIT ?";
      params.push_back(std::int64_t{page.limit} + 1);
      ASSIGN_OR_RETURN(auto rows, s.Query(sql, params));
      for (const auto& r : rows) out.push_back(ConnFromRow(r));
      return OkStatus();
    }));
    return MakePage("connections", std::move(out), page.limit, [](const ConnectionRecord& c) {
      return CursorKey{c.name, c.id};
    });
  }

  Result<ConnectionRecord> UpdateConnection(const ConnectionRecord& record,
                                            SecretUpdate secrets) override {
    ConnectionRecord rec = record;
    rec.updated_at = Now();
    SqlValue sealed;
    if (secrets == SecretUpdate::kReplace) {
      ASSIGN_OR_RETURN(sealed, SealSecrets(rec));
    }
    Status st = db_->Transaction([&](SqlSession& s) -> Status {
      Result<std::int64_t> n = 0;
      if (secrets == SecretUpdate::kReplace) {
        n = s.Exec(
            "UPDATE connections SET type = ?, name = ?, config = ?, secret_names = ?, "
            "secrets = ?, updated_at = ? WHERE org_id = ? AND id = ?",
            {rec.type, rec.name, rec.config, JoinNames(rec.secret_names), sealed,
             ToMs(rec.updated_at), rec.org_id, rec.id});
      } else {
        n = s.Exec(
            "UPDATE connections SET type = ?, name = ?, config = ?, updated_at = ? "
            "WHERE org_id = ? AND id = ?",
            {rec.type, rec.name, rec.config, ToMs(rec.updated_at), rec.org_id, rec.id});
      }
      if (!n.ok()) return UniqueViolation(n.error(), fmt::format("connection \"{}\"", rec.name));
      if (*n == 0) return ConnNotFound("id", rec.id);
      return OkStatus();
    });
    if (!st.ok()) return st.error();
    return GetConnection(rec.org_id, rec.id, SecretAccess::kNamesOnly);
  }

  Status DeleteConnection(std::string_view org_id, std::string_view id) override {
    return db_->Transaction([&](SqlSession& s) -> Status {
      ASSIGN_OR_RETURN(auto n, s.Exec("DELETE FROM connections WHERE org_id = ? AND id = ?",
                                      {std::string(org_id), std::string(id)}));
      if (n == 0) return ConnNotFound("id", id);
      return OkStatus();
    });
  }

  // --- API tokens ------------------------------------------------------------------------
  Result<ApiToken> CreateApiToken(const ApiToken& token) override {
    ApiToken t = token;
    if (t.id.empty()) t.id = crypto::RandomId("tok");
    t.created_at = Now();
    t.last_used_at.reset();
    t.revoked_at.reset();
    if (t.token_hash.size() != 64) {
      return Error(ErrorCode::kInvalidArgument,
                   "token_hash must be the 64-character hex SHA-256 of the token "
                   "(crypto::HashToken)",
                   "token_hash");
    }
    Status st = db_->Transaction([&](SqlSession& s) -> Status {
      ASSIGN_OR_RETURN(auto org, s.Query("SELECT id FROM organizations WHERE id = ?", {t.org_id}));
      if (org.empty()) return OrgNotFound("id", t.org_id);
      auto ins = s.Exec(
          fmt::format("INSERT INTO api_tokens ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", kTokenColumns),
          {t.id, t.org_id, t.name, t.token_hash, t.hint, ToMs(t.created_at), SqlNull(), SqlNull()});
      if (!ins.ok()) return UniqueViolation(ins.error(), fmt::format("API token \"{}\"", t.name));
      return OkStatus();
    });
    if (!st.ok()) return st.error();
    return t;
  }

  Result<ApiToken> FindApiTokenByHash(std::string_view token_hash) override {
    std::optional<ApiToken> out;
    RETURN_IF_ERROR(db_->ReadTransaction([&](SqlSession& s) -> Status {
      ASSIGN_OR_RETURN(auto rows, s.Query(fmt::format("SELECT {} FROM api_tokens WHERE "
                                                      "token_hash = ? AND revoked_at IS NULL",
                                                      kTokenColumns),
                                          {std::string(token_hash)}));
      if (!rows.empty()) out = TokenFromRow(rows[0]);
      return OkStatus();
    }));
    if (!out) {
      return Error(ErrorCode::kUnauthenticated,
                   "unknown or revoked API token; issue a new token for the organization", "token");
    }
    return *out;
  }

  Result<Page<ApiToken>> ListApiTokens(std::string_view org_id, const PageRequest& page,
                                       bool include_revoked) override {
    ASSIGN_OR_RETURN(auto after, CheckPage("tokens", page));
    std::vector<ApiToken> out;
    RETURN_IF_ERROR(db_->ReadTransaction([&](SqlSession& s) -> Status {
      std::string sql = fmt::format("SELECT {} FROM api_tokens WHERE org_id = ?", kTokenColumns);
      std::vector<SqlValue> params = {std::string(org_id)};
      if (!include_revoked) sql += " AND revoked_at IS NULL";
      if (after) {
        sql += " AND (name, id) > (?, ?)";
        params.push_back(after->sort_key);
        params.push_back(after->id);
      }
      sql += " ORDER BY name, id LIMIT ?";
      params.push_back(std::int64_t{page.limit} + 1);
      ASSIGN_OR_RETURN(auto rows, s.Query(sql, params));
      for (const auto& r : rows) out.push_back(TokenFromRow(r));
      return OkStatus();
    }));
    return MakePage("tokens", std::move(out), page.limit, [](const ApiToken& t) {
      return CursorKey{t.name, t.id};
    });
  }

  Status RevokeApiToken(std::string_view org_id, std::string_view id) override {
    return db_->Transaction([&](SqlSession& s) -> Status {
      ASSIGN_OR_RETURN(auto n, s.Exec("UPDATE api_tokens SET revoked_at = ? WHERE org_id = ? AND "
                                      "id = ? AND revoked_at IS NULL",
                                      {ToMs(Now()), std::string(org_id), std::string(id)}));
      if (n == 0) {
        return Error(ErrorCode::kNotFound,
                     fmt::format("no active API token with id \"{}\" in this organization", id),
                     "id");
      }
      return OkStatus();
    });
  }

  Status TouchApiToken(std::string_view id) override {
    return db_->Transaction([&](SqlSession& s) -> Status {
      RETURN_IF_ERROR(s.Exec("UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
                             {ToMs(Now()), std::string(id)}));
      return OkStatus();
    });
  }

  // --- Settings --------------------------------------------------------------------------
  Result<std::optional<std::string>> GetSetting(std::string_view scope,
                                                std::string_view name) override {
    std::optional<std::string> out;
    RETURN_IF_ERROR(db_->ReadTransaction([&](SqlSession& s) -> Status {
      ASSIGN_OR_RETURN(auto rows, s.Query("SELECT value FROM settings WHERE scope = ? AND name = ?",
                                          {std::string(scope), std::string(name)}));
      if (!rows.empty()) out = rows[0].Text(0);
      return OkStatus();
    }));
    return out;
  }

  Status PutSetting(std::string_view scope, std::string_view name,
                    std::string_view value) override {
    return db_->Transaction([&](SqlSession& s) -> Status {
      RETURN_IF_ERROR(
          s.Exec("INSERT INTO settings (scope, name, value, updated_at) VALUES (?, ?, "
                 "?, ?) ON CONFLICT (scope, name) DO UPDATE SET value = "
                 "excluded.value, updated_at = excluded.updated_at",
                 {std::string(scope), std::string(name), std::string(value), ToMs(Now())}));
      return OkStatus();
    });
  }

  Result<bool> PutSettingIfAbsent(std::string_view scope, std::string_view name,
                                  std::string_view value) override {
    bool stored = false;
    RETURN_IF_ERROR(db_->Transaction([&](SqlSession& s) -> Status {
      RETURN_IF_ERROR(
          s.Exec("INSERT INTO settings (scope, name, value, updated_at) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT (scope, name) DO NOTHING",
                 {std::string(scope), std::string(name), std::string(value), ToMs(Now())}));
      ASSIGN_OR_RETURN(auto rows, s.Query("SELECT value FROM settings WHERE scope = ? AND name = ?",
                                          {std::string(scope), std::string(name)}));
      stored = !rows.empty() && rows[0].Text(0) == value;
      return OkStatus();
    }));
    return stored;
  }

  // --- Schema ----------------------------------------------------------------------------
  Status Migrate(std::string_view component, const std::vector<Migration>& migrations) override {
    return ApplyMigrations(*db_, component, migrations, *clock_);
  }
  Result<std::int64_t> SchemaVersion(std::string_view component) override {
    return store::SchemaVersion(*db_, component);
  }
  SqlDatabase& sql() override { return *db_; }

 private:
  TimePoint Now() const {
    // Millisecond precision, as stored, so that returned records equal re-read ones.
    return FromMs(ToMs(clock_->Now()));
  }

  static Error OrgNotFound(std::string_view by, std::string_view value) {
    return Error(ErrorCode::kNotFound,
                 fmt::format("no organization with {} \"{}\"; list them with `crossdock org "
                             "list` or create it with `crossdock org create`",
                             by, value),
                 "org");
  }
  static Error ConnNotFound(std::string_view by, std::string_view value) {
    return Error(ErrorCode::kNotFound,
                 fmt::format("no connection with {} \"{}\" in this organization; list them with "
                             "`crossdock connection list`",
                             by, value),
                 by == "name" ? "name" : "id");
  }

  Status LockOrg(SqlSession& s, std::string_view org_id) {
    std::string sql = "SELECT id FROM organizations WHERE id = ?";
    if (s.dialect() == Dialect::kPostgres) sql += " FOR UPDATE";
    ASSIGN_OR_RETURN(auto rows, s.Query(sql, {std::string(org_id)}));
    if (rows.empty()) return OrgNotFound("id", org_id);
    return OkStatus();
  }

  Result<Organization> OneOrg(std::string_view column, std::string_view value) {
    std::optional<Organization> out;
    RETURN_IF_ERROR(db_->ReadTransaction([&](SqlSession& s) -> Status {
      ASSIGN_OR_RETURN(auto rows, s.Query(fmt::format("SELECT {} FROM organizations WHERE {} = ?",
                                                      kOrgColumns, column),
                                          {std::string(value)}));
      if (!rows.empty()) out = OrgFromRow(rows[0]);
      return OkStatus();
    }));
    if (!out) return OrgNotFound(column, value);
    return *out;
  }

  ConnectionRecord ConnFromRow(const SqlRow& r) const {
    ConnectionRecord c;
    c.id = r.Text(0);
    c.org_id = r.Text(1);
    c.type = r.Text(2);
    c.name = r.Text(3);
    c.config = r.Text(4);
    c.secret_names = SplitNames(r.Text(5));
    c.created_at = FromMs(r.Int(7));
    c.updated_at = FromMs(r.Int(8));
    return c;
  }

  Result<ConnectionRecord> OneConnection(std::string_view org_id, std::string_view column,
                                         std::string_view value, SecretAccess access) {
    std::optional<ConnectionRecord> out;
    std::string sealed;
    RETURN_IF_ERROR(db_->ReadTransaction([&](SqlSession& s) -> Status {
      ASSIGN_OR_RETURN(auto rows, s.Query(fmt::format("SELECT {} FROM connections WHERE org_id = "
                                                      "? AND {} = ?",
                                                      kConnColumns, column),
                                          {std::string(org_id), std::string(value)}));
      if (!rows.empty()) {
        out = ConnFromRow(rows[0]);
        sealed = rows[0].Text(6);
      }
      return OkStatus();
    }));
    if (!out) return ConnNotFound(column, value);
    if (access == SecretAccess::kDecrypt && !sealed.empty()) {
      RETURN_IF_ERROR(OpenSecrets(sealed, &*out));
    }
    return *out;
  }

  // Seals {"connection_id": id, "secrets": {...}}; NULL when there are no secrets. Binding
  // the id means a ciphertext copied onto another row does not open there.
  Result<SqlValue> SealSecrets(ConnectionRecord& rec) const {
    rec.secret_names.clear();
    for (const auto& [name, value] : rec.secrets) rec.secret_names.push_back(name);
    if (rec.secrets.empty()) return SqlValue(SqlNull());
    if (!box_) return NoKey();
    nlohmann::json doc = {{"connection_id", rec.id}, {"secrets", rec.secrets}};
    std::string plain = doc.dump();
    std::string sealed = box_->Seal(plain);
    sodium_memzero(plain.data(), plain.size());
    return SqlValue(std::move(sealed));
  }

  Status OpenSecrets(const std::string& sealed, ConnectionRecord* rec) const {
    if (!box_) return NoKey();
    auto plain = box_->Open(sealed);
    if (!plain.ok()) {
      return Error(plain.error().code(),
                   fmt::format("connection \"{}\": {}", rec->name, plain.error().message()),
                   plain.error().field());
    }
    try {
      auto doc = nlohmann::json::parse(*plain);
      sodium_memzero(plain->data(), plain->size());
      if (doc.at("connection_id").get<std::string>() != rec->id) {
        return Error(ErrorCode::kDataLoss,
                     fmt::format("connection \"{}\": the stored secrets belong to another "
                                 "connection (the row was altered); set the secrets again",
                                 rec->name));
      }
      rec->secrets = doc.at("secrets").get<std::map<std::string, std::string>>();
    } catch (const nlohmann::json::exception&) {
      sodium_memzero(plain->data(), plain->size());
      return Error(ErrorCode::kDataLoss,
                   fmt::format("connection \"{}\": the decrypted secrets are not in the expected "
                               "format; set the secrets again",
                               rec->name));
    }
    return OkStatus();
  }

  static Error NoKey() {
    return Error(ErrorCode::kFailedPrecondition,
                 "no master key is loaded, so secrets can be neither stored nor read; set "
                 "CROSSDOCK_MASTER_KEY or pass --master-key-file",
                 "master_key");
  }

  std::unique_ptr<SqlDatabase> db_;
  std::optional<crypto::SecretBox> box_;
  const Clock* clock_;
};

}  // namespace

const char* ExternalIdStateName(ExternalIdState state) {
  switch (state) {
    case ExternalIdState::kCurrent:
      return "current";
    case ExternalIdState::kPrevious:
      return "previous";
    case ExternalIdState::kRetired:
      return "retired";
  }
  return "retired";
}

Result<std::unique_ptr<Store>> OpenStore(StoreOptions options) {
  const Clock* clock = options.clock ? options.clock : &SystemClock::Instance();
  std::unique_ptr<SqlDatabase> db;
  if (IsPostgresUrl(options.location)) {
    ASSIGN_OR_RETURN(
        db, OpenPostgres(options.location, options.postgres_schema, options.postgres_pool));
  } else {
    ASSIGN_OR_RETURN(db, OpenSqlite(options.location));
  }
  RETURN_IF_ERROR(ApplyMigrations(*db, "core", CoreMigrations(), *clock));
  RETURN_IF_ERROR(ApplyMigrations(*db, "core-indexes", CoreIndexMigrations(), *clock));
  return std::unique_ptr<Store>(
      std::make_unique<SqlStore>(std::move(db), std::move(options.secret_box), clock));
}

}  // namespace crossdock::store
