// The plain records the store keeps: organizations, their External IDs, the vendor identity,
// connections (typed fields as JSON plus named secrets), API tokens (hashed) and settings.
//
// These are storage shapes, not the domain model: connect/ owns the typed Connection and its
// validation and maps it to ConnectionRecord. Secrets live in ConnectionRecord::secrets only
// in memory; the store seals them before writing and opens them only when asked to.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "crossdock/core/clock.h"

namespace crossdock::store {

struct Organization {
  std::string id;          // "org_..." assigned by the store
  std::string name;        // unique; the CLI's --org
  bool role_only = false;  // access-key connections are refused (IAM roles only)
  TimePoint created_at{};
  TimePoint updated_at{};
};

enum class ExternalIdState { kCurrent, kPrevious, kRetired };
const char* ExternalIdStateName(ExternalIdState state);  // "current", "previous", "retired"

struct ExternalIdRecord {
  std::string value;
  std::string org_id;
  ExternalIdState state = ExternalIdState::kCurrent;
  TimePoint created_at{};
  std::optional<TimePoint> retired_at;
};

// The vendor's AWS principal in one partition, configured once per installation and
// partition: a role in one partition cannot be assumed from an account of another, so a
// GovCloud or China connection needs the vendor's account (and optional role) there.
struct VendorIdentity {
  std::string account_id;  // 12 digits
  std::string role_arn;    // optional: restrict trust to this role instead of the account root
  TimePoint updated_at{};
  std::string partition = "aws";  // "aws", "aws-us-gov" or "aws-cn"
};

struct ConnectionRecord {
  std::string id;  // "conn_..." assigned by the store when empty on create
  std::string org_id;
  std::string type;    // "s3", "databricks", "redshift-serverless"
  std::string name;    // unique per organization
  std::string config;  // JSON object of the non-secret fields
  // Names of the secrets that are set (readable without the master key).
  std::vector<std::string> secret_names;
  // Plaintext secrets by name; filled only when read with SecretAccess::kDecrypt.
  std::map<std::string, std::string> secrets;
  TimePoint created_at{};
  TimePoint updated_at{};
};

struct ApiToken {
  std::string id;  // "tok_..." assigned by the store when empty
  std::string org_id;
  std::string name;        // unique per organization
  std::string token_hash;  // crypto::HashToken(token), never the token
  std::string hint;        // first characters, to tell tokens apart in lists
  TimePoint created_at{};
  std::optional<TimePoint> last_used_at;
  std::optional<TimePoint> revoked_at;
};

}  // namespace crossdock::store
