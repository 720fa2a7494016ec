// ConnectionService: the operations the CLI, the REST server and the sync engine perform on
// organizations, External IDs, the vendor identity, connections and API tokens, on top of a
// store::Store. It validates before writing (so the store only ever holds valid
// connections), maps the typed Connection to the store's record (non-secret fields as JSON,
// secrets sealed), and enforces the organization's role-only setting.
//
// Every connection method takes the organization id first and never reaches another
// organization's data. Errors are the store's and the validators': kInvalidArgument naming
// the field, kAlreadyExists for a duplicate name, kNotFound for a missing (or foreign)
// connection, kFailedPrecondition for a rotation or role-only conflict. Thread-safe when the
// store is. It does not test connections against AWS (connection_check.h does) and does not
// print anything.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/connect/connection.h"
#include "crossdock/connect/rendered_connections.h"
#include "crossdock/core/result.h"
#include "crossdock/store/store.h"

namespace crossdock::connect {

// The External IDs a customer's trust policy should accept right now: the current one and,
// during a rotation, the previous one too.
struct ExternalIds {
  std::string current;
  std::optional<std::string> previous;
  std::vector<std::string> All() const;  // current first
};

// What `crossdock identity` and GET /v1/identity show.
struct IdentityView {
  // The aws partition's identity (absent until configured), as before partitions.
  std::optional<store::VendorIdentity> vendor;
  std::vector<store::VendorIdentity> vendors;  // every configured partition's
  ExternalIds external_ids;
  std::string organization;
  // An example trust policy for a customer role; null when no vendor identity is configured.
  nlohmann::json example_trust_policy;
};

// The default organization the CLI creates on first use.
inline constexpr std::string_view kDefaultOrganization = "default";

class ConnectionService {
 public:
  explicit ConnectionService(store::Store& store) : store_(store) {}

  // --- Organizations -------------------------------------------------------------------
  // Creates an organization with a fresh External ID (retrying on the astronomically
  // unlikely collision). kAlreadyExists (field "name") when the name is taken.
  Result<store::Organization> CreateOrganization(std::string_view name, bool role_only = false);
  // Finds it by name; creates it when missing (used for the default organization).
  Result<store::Organization> EnsureOrganization(std::string_view name);
  Result<store::Organization> FindOrganization(std::string_view name);
  // Turning role-only on is refused (kFailedPrecondition naming them) while access-key
  // connections exist: they would no longer validate.
  Result<store::Organization> SetRoleOnly(std::string_view org_id, bool role_only);

  // --- External IDs --------------------------------------------------------------------
  Result<ExternalIds> GetExternalIds(std::string_view org_id);
  // Starts a rotation: a new current ID, the old one kept as previous until confirmed.
  Result<ExternalIds> RotateExternalId(std::string_view org_id);
  // Ends a rotation: the previous ID is retired for good.
  Result<ExternalIds> ConfirmExternalIdRotation(std::string_view org_id);

  // --- Vendor identity -----------------------------------------------------------------
  // Validates (ValidateVendorIdentity: a known partition, 12-digit account, a role ARN of
  // that account and partition) and stores it as identity.partition's.
  Status SetVendorIdentity(const store::VendorIdentity& identity);
  // Removes a partition's identity; kNotFound when it has none.
  Status UnsetVendorIdentity(std::string_view partition);
  // OkStatus for access-key connections and for role connections whose region's partition
  // has a vendor identity; else VendorIdentityForRegion's error (field "region", the fix).
  Status RequireVendorFor(const Connection& c);
  Result<IdentityView> Identity(std::string_view org_id);

  // --- Connections ---------------------------------------------------------------------
  // Validates `c` against the organization's policy and stores it; c.id is assigned. A role
  // connection in a partition without a vendor identity is refused (RequireVendorFor).
  Result<Connection> CreateConnection(std::string_view org_id, Connection c);
  // Reads by id or, failing that, by name. Secrets are decrypted only with_secrets.
  Result<Connection> GetConnection(std::string_view org_id, std::string_view id_or_name,
                                   bool with_secrets = false);
  // A page of the organization's connections by name (store/page.h), filtered.
  Result<store::Page<Connection>> ListConnections(std::string_view org_id,
                                                  const store::ConnectionFilter& filter = {},
                                                  const store::PageRequest& page = {});
  // The same page as ListConnections, each connection as ConnectionToJson's text (what the
  // REST API lists), rendered once per stored version of the row (rendered_connections.h).
  struct ListedConnection {
    std::string id;
    ConnectionType type = ConnectionType::kS3;
    std::string json;  // a JSON object, without secrets
  };
  Result<store::Page<ListedConnection>> ListConnectionsJson(
      std::string_view org_id, const store::ConnectionFilter& filter = {},
      const store::PageRequest& page = {});
  // Replaces the stored connection (same org_id and id) with `c`. Secrets follow Secret's
  // input rules (value replaces, clear removes, neither keeps).
  Result<Connection> UpdateConnection(std::string_view org_id, Connection c);
  Status DeleteConnection(std::string_view org_id, std::string_view id);

  // --- API tokens ----------------------------------------------------------------------
  struct IssuedApiToken {
    store::ApiToken record;
    std::string token;  // shown once; never stored
  };
  Result<IssuedApiToken> IssueApiToken(std::string_view org_id, std::string_view name);
  // The token's record when it is valid and not revoked (constant-time hash comparison);
  // kUnauthenticated otherwise. Updates last_used_at.
  Result<store::ApiToken> AuthenticateApiToken(std::string_view token);

  store::Store& store() { return store_; }

 private:
  Result<Connection> FromRecord(const store::ConnectionRecord& rec);
  Result<store::ConnectionRecord> ToRecord(const Connection& c, std::string_view org_id);

  store::Store& store_;
  std::shared_ptr<RenderedConnections> rendered_ = std::make_shared<RenderedConnections>();
};

// An example trust policy letting the vendor principal assume a customer role when the
// External ID matches (any of `external_ids`). Principal: the vendor role when configured,
// else the vendor account's root, in the identity's partition.
// TODO(iam): replace with the generator in src/crossdock/iam/ (trust policy per connection).
nlohmann::json ExampleTrustPolicy(const store::VendorIdentity& vendor,
                                  const std::vector<std::string>& external_ids);

}  // namespace crossdock::connect
