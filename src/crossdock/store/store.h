// The Store: everything crossdock persists, behind one interface with two implementations,
// SQLite (the single-machine default: a file created on first use) and PostgreSQL (shared by
// several servers and workers). Both are the same SQL (sql_store.cc) over two drivers, and
// both must pass the one shared test suite in tests/store/.
//
// Contracts common to every method: every read and write of tenant data is scoped by the
// organization id passed in (a connection of another organization is kNotFound, never
// returned); each call is one transaction, so an error leaves nothing half-written;
// uniqueness violations are kAlreadyExists naming the field ("name", "external_id"...);
// secrets are written only as secretbox ciphertext bound to their connection id, and read
// back only with SecretAccess::kDecrypt (which needs the master key). Thread-safe. Later
// modules add their tables with Migrate(component, ...) and run their own SQL through sql().
// It does not validate connection fields (connect/ does) and does not generate External IDs.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"
#include "crossdock/crypto/secretbox.h"
#include "crossdock/store/migrations.h"
#include "crossdock/store/page.h"
#include "crossdock/store/records.h"
#include "crossdock/store/sql.h"

namespace crossdock::store {

enum class SecretAccess { kNamesOnly, kDecrypt };
enum class SecretUpdate { kKeep, kReplace };

// Narrows a connection list; empty members do not filter.
struct ConnectionFilter {
  std::string type;         // exactly this type ("s3", "databricks"...)
  std::string name_prefix;  // names starting with this text (case-sensitive)
};

class Store {
 public:
  virtual ~Store() = default;

  // "SQLite file PATH" or "PostgreSQL URL-without-password".
  virtual std::string Describe() const = 0;

  // --- Organizations -------------------------------------------------------------------
  // Creates the organization and its first (current) External ID in one transaction.
  virtual Result<Organization> CreateOrganization(std::string_view name, bool role_only,
                                                  std::string_view external_id) = 0;
  virtual Result<Organization> GetOrganization(std::string_view org_id) = 0;
  virtual Result<Organization> FindOrganizationByName(std::string_view name) = 0;
  // Ordered by name, a page at a time (page.h).
  virtual Result<Page<Organization>> ListOrganizations(const PageRequest& page) = 0;
  virtual Result<Organization> SetRoleOnly(std::string_view org_id, bool role_only) = 0;

  // --- External IDs --------------------------------------------------------------------
  // Current first, then previous (during a rotation), then retired ones if asked for.
  virtual Result<std::vector<ExternalIdRecord>> ListExternalIds(std::string_view org_id,
                                                                bool include_retired) = 0;
  // current -> previous, `new_value` -> current. kFailedPrecondition when a rotation is
  // already in progress (confirm it first); kAlreadyExists if the value was ever issued.
  virtual Status BeginExternalIdRotation(std::string_view org_id, std::string_view new_value) = 0;
  // previous -> retired. kFailedPrecondition when no rotation is in progress.
  virtual Status ConfirmExternalIdRotation(std::string_view org_id) = 0;

  // --- Vendor identity -----------------------------------------------------------------
  // One identity per partition ("aws", "aws-us-gov", "aws-cn"); the store does not judge
  // the values (connect::ConnectionService does).
  virtual Result<std::optional<VendorIdentity>> GetVendorIdentity(std::string_view partition) = 0;
  // Every configured partition's identity, ordered by partition name.
  virtual Result<std::vector<VendorIdentity>> ListVendorIdentities() = 0;
  // Inserts or replaces the identity of identity.partition.
  virtual Status SetVendorIdentity(const VendorIdentity& identity) = 0;
  // kNotFound when the partition has none.
  virtual Status DeleteVendorIdentity(std::string_view partition) = 0;

  // --- Connections ---------------------------------------------------------------------
  // Assigns id (when empty) and timestamps; seals `secrets`. Returns the stored record
  // (secrets cleared, secret_names set).
  virtual Result<ConnectionRecord> CreateConnection(const ConnectionRecord& record) = 0;
  virtual Result<ConnectionRecord> GetConnection(std::string_view org_id, std::string_view id,
                                                 SecretAccess access) = 0;
  virtual Result<ConnectionRecord> FindConnectionByName(std::string_view org_id,
                                                        std::string_view name,
                                                        SecretAccess access) = 0;
  // Ordered by name, a page at a time (page.h); secrets are never decrypted here.
  virtual Result<Page<ConnectionRecord>> ListConnections(std::string_view org_id,
                                                         const ConnectionFilter& filter,
                                                         const PageRequest& page) = 0;
  // Replaces type, name and config of (record.org_id, record.id); with kReplace also the
  // secrets (record.secrets is the complete new set), with kKeep the stored ciphertext stays.
  virtual Result<ConnectionRecord> UpdateConnection(const ConnectionRecord& record,
                                                    SecretUpdate secrets) = 0;
  virtual Status DeleteConnection(std::string_view org_id, std::string_view id) = 0;

  // --- API tokens ----------------------------------------------------------------------
  virtual Result<ApiToken> CreateApiToken(const ApiToken& token) = 0;
  // Looks a token up by its hash across organizations (this is how a request finds its
  // organization). Revoked tokens are kNotFound.
  virtual Result<ApiToken> FindApiTokenByHash(std::string_view token_hash) = 0;
  // Ordered by name, a page at a time (page.h); revoked tokens only when asked for.
  virtual Result<Page<ApiToken>> ListApiTokens(std::string_view org_id, const PageRequest& page,
                                               bool include_revoked = false) = 0;
  virtual Status RevokeApiToken(std::string_view org_id, std::string_view id) = 0;
  virtual Status TouchApiToken(std::string_view id) = 0;  // sets last_used_at to now

  // --- Settings: a small key/value table for installation-wide options -----------------
  virtual Result<std::optional<std::string>> GetSetting(std::string_view scope,
                                                        std::string_view name) = 0;
  virtual Status PutSetting(std::string_view scope, std::string_view name,
                            std::string_view value) = 0;
  // Stores the value only if the setting has none; true if this call stored it (of processes
  // racing on one database, exactly one gets true).
  virtual Result<bool> PutSettingIfAbsent(std::string_view scope, std::string_view name,
                                          std::string_view value) = 0;

  // --- Schema and raw SQL for other modules --------------------------------------------
  virtual Status Migrate(std::string_view component, const std::vector<Migration>& migrations) = 0;
  virtual Result<std::int64_t> SchemaVersion(std::string_view component) = 0;
  virtual SqlDatabase& sql() = 0;
  // The master key's box, for modules that seal secrets of their own tables (webhooks);
  // null when the store was opened without a key.
  virtual const crypto::SecretBox* secret_box() const { return nullptr; }
};

struct StoreOptions {
  // A SQLite file path (optionally "sqlite:PATH") or a PostgreSQL URL ("postgres://...",
  // "postgresql://...", or a libpq "host=... dbname=..." string).
  std::string location;
  // PostgreSQL only: the schema to use (created if missing); empty means the default.
  std::string postgres_schema;
  // Seals and opens secrets. Without it, secrets can be neither written nor read
  // (kFailedPrecondition naming the fix); everything else works.
  std::optional<crypto::SecretBox> secret_box;
  // Source of created_at/updated_at; the system clock when null. Must outlive the store.
  const Clock* clock = nullptr;
  // PostgreSQL only: the most sessions this store opens at once (sql.h).
  PostgresPoolOptions postgres_pool;
};

// Opens the database at options.location and applies the core migrations.
Result<std::unique_ptr<Store>> OpenStore(StoreOptions options);

}  // namespace crossdock::store
