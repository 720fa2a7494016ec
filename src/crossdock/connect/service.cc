#include "crossdock/connect/service.h"

#include <fmt/format.h>

#include "crossdock/connect/connection_json.h"
#include "crossdock/connect/external_id.h"
#include "crossdock/connect/role_arn.h"
#include "crossdock/connect/validation.h"
#include "crossdock/connect/vendor_identity.h"
#include "crossdock/crypto/token_hash.h"
#include "crossdock/iam/generate.h"

namespace crossdock::connect {
namespace {

constexpr const char* kSecretAccessKey = "secret_access_key";
constexpr const char* kDatabricksToken = "databricks_token";
constexpr const char* kPostgresPassword = "postgres_password";
constexpr int kExternalIdAttempts = 5;

bool Has(const std::vector<std::string>& names, std::string_view name) {
  for (const auto& n : names) {
    if (n == name) return true;
  }
  return false;
}

// Applies a Secret input onto the stored set: value replaces, clear removes, else keep.
// Returns true when something changed.
bool MergeSecret(const Secret& in, const char* name, std::map<std::string, std::string>* secrets) {
  if (in.clear) return secrets->erase(name) > 0;
  if (in.value.has_value()) {
    (*secrets)[name] = *in.value;
    return true;
  }
  return false;
}

// A page of records converted item by item (`convert` returns Result<T>); the first error wins.
template <typename T, typename Convert>
Result<store::Page<T>> ConvertPage(store::Page<store::ConnectionRecord> records, Convert convert) {
  store::Page<T> out;
  out.next_cursor = std::move(records.next_cursor);
  out.items.reserve(records.items.size());
  for (const auto& r : records.items) {
    ASSIGN_OR_RETURN(T item, convert(r));
    out.items.push_back(std::move(item));
  }
  return out;
}

}  // namespace

std::vector<std::string> ExternalIds::All() const {
  std::vector<std::string> out{current};
  if (previous) out.push_back(*previous);
  return out;
}

// --- Organizations ---------------------------------------------------------------------

Result<store::Organization> ConnectionService::CreateOrganization(std::string_view name,
                                                                  bool role_only) {
  if (!ValidateConnectionName(name).ok()) {  // organizations follow the same naming rule
    return Error(ErrorCode::kInvalidArgument,
                 "organization name must be 1 to 64 letters, digits, '-', '_' or '.', starting "
                 "with a letter or digit",
                 "name");
  }
  for (int attempt = 0;; ++attempt) {
    auto org = store_.CreateOrganization(name, role_only, GenerateExternalId());
    if (org.ok() || org.error().field() != "external_id" || attempt + 1 >= kExternalIdAttempts) {
      return org;
    }
  }
}

Result<store::Organization> ConnectionService::EnsureOrganization(std::string_view name) {
  auto org = store_.FindOrganizationByName(name);
  if (org.ok() || org.error().code() != ErrorCode::kNotFound) return org;
  auto created = CreateOrganization(name);
  if (!created.ok() && created.error().code() == ErrorCode::kAlreadyExists) {
    return store_.FindOrganizationByName(name);  // created concurrently by another process
  }
  return created;
}

Result<store::Organization> ConnectionService::FindOrganization(std::string_view name) {
  return store_.FindOrganizationByName(name);
}

Result<store::Organization> ConnectionService::SetRoleOnly(std::string_view org_id,
                                                           bool role_only) {
  if (role_only) {
    std::string names;
    store::PageRequest page{store::kMaxPageLimit, {}};
    while (true) {
      ASSIGN_OR_RETURN(auto conns, ListConnections(org_id, {}, page));
      for (const auto& c : conns.items) {
        if (c.auth_method == AuthMethod::kAccessKey) names += (names.empty() ? "" : ", ") + c.name;
      }
      if (!conns.next_cursor) break;
      page.cursor = *conns.next_cursor;
    }
    if (!names.empty()) {
      return Error(ErrorCode::kFailedPrecondition,
                   fmt::format("cannot make the organization role-only while connections use "
                               "access keys ({}); switch them to an IAM role or delete them "
                               "first",
                               names),
                   "role_only");
    }
  }
  return store_.SetRoleOnly(org_id, role_only);
}

// --- External IDs ----------------------------------------------------------------------

Result<ExternalIds> ConnectionService::GetExternalIds(std::string_view org_id) {
  ASSIGN_OR_RETURN(auto records, store_.ListExternalIds(org_id, false));
  ExternalIds ids;
  for (const auto& r : records) {
    if (r.state == store::ExternalIdState::kCurrent) ids.current = r.value;
    if (r.state == store::ExternalIdState::kPrevious) ids.previous = r.value;
  }
  if (ids.current.empty()) {
    return Error(ErrorCode::kNotFound,
                 fmt::format("organization {} has no External ID; check that it exists", org_id),
                 "org");
  }
  return ids;
}

Result<ExternalIds> ConnectionService::RotateExternalId(std::string_view org_id) {
  for (int attempt = 0;; ++attempt) {
    Status st = store_.BeginExternalIdRotation(org_id, GenerateExternalId());
    if (st.ok()) break;
    if (st.error().code() != ErrorCode::kAlreadyExists || attempt + 1 >= kExternalIdAttempts) {
      return st.error();
    }
  }
  return GetExternalIds(org_id);
}

Result<ExternalIds> ConnectionService::ConfirmExternalIdRotation(std::string_view org_id) {
  RETURN_IF_ERROR(store_.ConfirmExternalIdRotation(org_id));
  return GetExternalIds(org_id);
}

// --- Vendor identity -------------------------------------------------------------------

Status ConnectionService::SetVendorIdentity(const store::VendorIdentity& identity) {
  RETURN_IF_ERROR(ValidateVendorIdentity(identity));
  store::VendorIdentity v = identity;
  v.updated_at = {};
  return store_.SetVendorIdentity(v);
}

Status ConnectionService::UnsetVendorIdentity(std::string_view partition) {
  RETURN_IF_ERROR(ValidateVendorPartition(partition));
  return store_.DeleteVendorIdentity(partition);
}

Status ConnectionService::RequireVendorFor(const Connection& c) {
  // Access keys are the customer's own credentials and a database login is no AWS access: no
  // vendor principal is involved.
  if (!AssumesVendorRole(c)) return OkStatus();
  ASSIGN_OR_RETURN(auto identities, store_.ListVendorIdentities());
  auto v = VendorIdentityForRegion(identities, c.region);
  if (!v.ok()) return v.error();
  return OkStatus();
}

Result<IdentityView> ConnectionService::Identity(std::string_view org_id) {
  IdentityView view;
  ASSIGN_OR_RETURN(auto org, store_.GetOrganization(org_id));
  view.organization = org.name;
  ASSIGN_OR_RETURN(view.vendors, store_.ListVendorIdentities());
  ASSIGN_OR_RETURN(view.vendor, store_.GetVendorIdentity("aws"));
  ASSIGN_OR_RETURN(view.external_ids, GetExternalIds(org_id));
  if (view.vendor) {
    view.example_trust_policy = ExampleTrustPolicy(*view.vendor, view.external_ids.All());
  }
  return view;
}

nlohmann::json ExampleTrustPolicy(const store::VendorIdentity& vendor,
                                  const std::vector<std::string>& external_ids) {
  // The principal in the identity's own partition: never rewritten into another.
  std::string principal =
      iam::VendorPrincipalArn(vendor.partition, vendor.account_id, vendor.role_arn);
  nlohmann::json ids = external_ids.size() == 1 ? nlohmann::json(external_ids.front())
                                                : nlohmann::json(external_ids);
  return {{"Version", "2012-10-17"},
          {"Statement",
           {{{"Effect", "Allow"},
             {"Principal", {{"AWS", principal}}},
             {"Action", "sts:AssumeRole"},
             {"Condition", {{"StringEquals", {{"sts:ExternalId", ids}}}}}}}}};
}

// --- Connections -----------------------------------------------------------------------

Result<store::ConnectionRecord> ConnectionService::ToRecord(const Connection& c,
                                                            std::string_view org_id) {
  store::ConnectionRecord rec;
  rec.id = c.id;
  rec.org_id = std::string(org_id);
  rec.type = ConnectionTypeName(c.type);
  rec.name = c.name;
  rec.config = ConnectionConfigJson(c);
  return rec;
}

Result<Connection> ConnectionService::FromRecord(const store::ConnectionRecord& rec) {
  Connection c;
  c.id = rec.id;
  c.org_id = rec.org_id;
  c.name = rec.name;
  ASSIGN_OR_RETURN(c.type, ParseConnectionType(rec.type));
  RETURN_IF_ERROR(ParseConnectionConfigJson(rec.config, &c));
  c.name = rec.name;
  c.secret_access_key.is_set = Has(rec.secret_names, kSecretAccessKey);
  c.databricks.token.is_set = Has(rec.secret_names, kDatabricksToken);
  c.postgres.password.is_set = Has(rec.secret_names, kPostgresPassword);
  if (auto it = rec.secrets.find(kPostgresPassword); it != rec.secrets.end()) {
    c.postgres.password.value = it->second;
  }
  if (auto it = rec.secrets.find(kSecretAccessKey); it != rec.secrets.end()) {
    c.secret_access_key.value = it->second;
  }
  if (auto it = rec.secrets.find(kDatabricksToken); it != rec.secrets.end()) {
    c.databricks.token.value = it->second;
  }
  c.created_at = rec.created_at;
  c.updated_at = rec.updated_at;
  return c;
}

Result<Connection> ConnectionService::CreateConnection(std::string_view org_id, Connection c) {
  ASSIGN_OR_RETURN(auto org, store_.GetOrganization(org_id));
  c.id.clear();
  c.secret_access_key.is_set = c.databricks.token.is_set = c.postgres.password.is_set = false;
  if (c.type == ConnectionType::kPostgres) c.auth_method = AuthMethod::kIamRole;  // no AWS auth
  ApplyDerivedFields(c);
  RETURN_IF_ERROR(CheckConnection(c, OrgPolicy{org.role_only}));
  RETURN_IF_ERROR(RequireVendorFor(c));
  ASSIGN_OR_RETURN(store::ConnectionRecord rec, ToRecord(c, org_id));
  // Only the secrets the authentication method and type use are kept.
  if (c.auth_method == AuthMethod::kAccessKey) {
    MergeSecret(c.secret_access_key, kSecretAccessKey, &rec.secrets);
  }
  if (c.type == ConnectionType::kDatabricks) {
    MergeSecret(c.databricks.token, kDatabricksToken, &rec.secrets);
  }
  if (c.type == ConnectionType::kPostgres && c.postgres.password.value &&
      !c.postgres.password.value->empty()) {
    MergeSecret(c.postgres.password, kPostgresPassword, &rec.secrets);
  }
  ASSIGN_OR_RETURN(auto stored, store_.CreateConnection(rec));
  return FromRecord(stored);
}

Result<Connection> ConnectionService::GetConnection(std::string_view org_id,
                                                    std::string_view id_or_name,
                                                    bool with_secrets) {
  auto access = with_secrets ? store::SecretAccess::kDecrypt : store::SecretAccess::kNamesOnly;
  auto rec = store_.GetConnection(org_id, id_or_name, access);
  if (!rec.ok() && rec.error().code() == ErrorCode::kNotFound) {
    rec = store_.FindConnectionByName(org_id, id_or_name, access);
  }
  if (!rec.ok()) return rec.error();
  return FromRecord(*rec);
}

Result<store::Page<Connection>> ConnectionService::ListConnections(
    std::string_view org_id, const store::ConnectionFilter& filter,
    const store::PageRequest& page) {
  ASSIGN_OR_RETURN(auto records, store_.ListConnections(org_id, filter, page));
  return ConvertPage<Connection>(
      std::move(records), [this](const store::ConnectionRecord& r) { return FromRecord(r); });
}

Result<store::Page<ConnectionService::ListedConnection>> ConnectionService::ListConnectionsJson(
    std::string_view org_id, const store::ConnectionFilter& filter,
    const store::PageRequest& page) {
  ASSIGN_OR_RETURN(auto records, store_.ListConnections(org_id, filter, page));
  auto parse = [this](const store::ConnectionRecord& r) { return FromRecord(r); };
  return ConvertPage<ListedConnection>(
      std::move(records), [&](const store::ConnectionRecord& r) -> Result<ListedConnection> {
        ASSIGN_OR_RETURN(ConnectionType type, ParseConnectionType(r.type));
        ASSIGN_OR_RETURN(std::string json, rendered_->Render(r, parse));
        return ListedConnection{r.id, type, std::move(json)};
      });
}

Result<Connection> ConnectionService::UpdateConnection(std::string_view org_id, Connection c) {
  ASSIGN_OR_RETURN(auto org, store_.GetOrganization(org_id));
  ASSIGN_OR_RETURN(auto current,
                   store_.GetConnection(org_id, c.id, store::SecretAccess::kNamesOnly));
  // Secrets that the new authentication method or type no longer uses are dropped.
  bool drop_key =
      c.auth_method != AuthMethod::kAccessKey && Has(current.secret_names, kSecretAccessKey);
  if (c.type == ConnectionType::kPostgres) c.auth_method = AuthMethod::kIamRole;  // no AWS auth
  bool drop_token =
      c.type != ConnectionType::kDatabricks && Has(current.secret_names, kDatabricksToken);
  bool drop_password =
      c.type != ConnectionType::kPostgres && Has(current.secret_names, kPostgresPassword);
  if (drop_password) {
    c.postgres.password = Secret{std::nullopt, true, false};
  } else {
    if (c.postgres.password.value && c.postgres.password.value->empty()) {
      c.postgres.password = Secret{std::nullopt, true, false};  // "" removes, like null
    }
    c.postgres.password.is_set = Has(current.secret_names, kPostgresPassword);
  }
  if (drop_key) {
    c.secret_access_key = Secret{std::nullopt, true, false};
  } else {
    c.secret_access_key.is_set = Has(current.secret_names, kSecretAccessKey);
  }
  if (drop_token) {
    c.databricks.token = Secret{std::nullopt, true, false};
  } else {
    c.databricks.token.is_set = Has(current.secret_names, kDatabricksToken);
  }
  ApplyDerivedFields(c);
  RETURN_IF_ERROR(CheckConnection(c, OrgPolicy{org.role_only}));
  RETURN_IF_ERROR(RequireVendorFor(c));
  ASSIGN_OR_RETURN(store::ConnectionRecord rec, ToRecord(c, org_id));

  bool changes = c.secret_access_key.clear || c.secret_access_key.value.has_value() ||
                 c.databricks.token.clear || c.databricks.token.value.has_value() ||
                 c.postgres.password.clear || c.postgres.password.value.has_value();
  if (!changes) {
    ASSIGN_OR_RETURN(auto stored, store_.UpdateConnection(rec, store::SecretUpdate::kKeep));
    return FromRecord(stored);
  }
  // Keep the secrets that are not changing: read them (needs the master key) and merge. When
  // every stored secret is being replaced or removed, nothing is decrypted, so setting the
  // secrets again works even after the master key was lost.
  auto changing = [&](const std::string& name) {
    const Secret* s = name == kSecretAccessKey    ? &c.secret_access_key
                      : name == kDatabricksToken  ? &c.databricks.token
                      : name == kPostgresPassword ? &c.postgres.password
                                                  : nullptr;
    return s != nullptr && (s->clear || s->value.has_value());
  };
  bool keep_some = false;
  for (const auto& name : current.secret_names) keep_some |= !changing(name);
  if (keep_some) {
    ASSIGN_OR_RETURN(auto with, store_.GetConnection(org_id, c.id, store::SecretAccess::kDecrypt));
    rec.secrets = std::move(with.secrets);
  }
  MergeSecret(c.secret_access_key, kSecretAccessKey, &rec.secrets);
  MergeSecret(c.databricks.token, kDatabricksToken, &rec.secrets);
  MergeSecret(c.postgres.password, kPostgresPassword, &rec.secrets);
  ASSIGN_OR_RETURN(auto stored, store_.UpdateConnection(rec, store::SecretUpdate::kReplace));
  return FromRecord(stored);
}

Status ConnectionService::DeleteConnection(std::string_view org_id, std::string_view id) {
  return store_.DeleteConnection(org_id, id);
}

// --- API tokens ------------------------------------------------------------------------

Result<ConnectionService::IssuedApiToken> ConnectionService::IssueApiToken(std::string_view org_id,
                                                                           std::string_view name) {
  if (name.empty()) {
    return Error(ErrorCode::kInvalidArgument, "token name is empty; name it after its user",
                 "name");
  }
  crypto::IssuedToken issued = crypto::IssueToken();
  store::ApiToken t;
  t.org_id = std::string(org_id);
  t.name = std::string(name);
  t.token_hash = issued.hash;
  t.hint = issued.hint;
  ASSIGN_OR_RETURN(auto rec, store_.CreateApiToken(t));
  return IssuedApiToken{std::move(rec), std::move(issued.token)};
}

Result<store::ApiToken> ConnectionService::AuthenticateApiToken(std::string_view token) {
  auto bad = Error(ErrorCode::kUnauthenticated,
                   "the API token is unknown or revoked; send a valid token as "
                   "\"Authorization: Bearer cdx_...\"",
                   "token");
  if (!token.starts_with("cdx_") || token.size() > 256) return bad;
  auto rec = store_.FindApiTokenByHash(crypto::HashToken(token));
  if (!rec.ok()) {
    if (rec.error().code() == ErrorCode::kUnauthenticated) return bad;
    return rec.error();
  }
  if (!crypto::VerifyToken(token, rec->token_hash)) return bad;
  RETURN_IF_ERROR(store_.TouchApiToken(rec->id));
  return store_.FindApiTokenByHash(rec->token_hash);
}

}  // namespace crossdock::connect
