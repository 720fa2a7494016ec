// Unity Catalog's storage credentials and external locations (/api/2.1/unity-catalog/...),
// read-only: what a Databricks connection needs to check before staging files. A storage
// credential names the IAM role Databricks assumes and the External ID it sends (which the
// role's trust policy must allow next to crossdock's own); an external location maps an S3
// URL prefix to a credential, and is what COPY INTO uses when no credential is named.
//
// Parsers are pure; the client sends through RestClient with the workspace token. It does
// not create or change catalog objects: that is the workspace admin's job.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/databricks/rest_client.h"

namespace crossdock::databricks {

struct StorageCredential {
  std::string name;
  std::string role_arn;               // aws_iam_role.role_arn
  std::string external_id;            // aws_iam_role.external_id: the trust policy needs it
  std::string unity_catalog_iam_arn;  // the Unity Catalog principal that assumes the role
  bool read_only = false;
};

struct ExternalLocation {
  std::string name;
  std::string url;  // s3://bucket/prefix
  std::string credential_name;
  bool read_only = false;
};

Result<StorageCredential> ParseStorageCredential(std::string_view body);
Result<std::vector<ExternalLocation>> ParseExternalLocations(std::string_view body);
// The location whose URL is the longest prefix (on '/' boundaries) of s3_url; nullopt if none.
std::optional<ExternalLocation> LocationFor(const std::vector<ExternalLocation>& locations,
                                            std::string_view s3_url);

class UnityCatalogClient {
 public:
  explicit UnityCatalogClient(RestClient rest) : rest_(std::move(rest)) {}
  // kNotFound when the workspace has no credential of that name (a typo in the connection).
  Result<StorageCredential> GetStorageCredential(std::string_view name) const;
  Result<std::vector<ExternalLocation>> ListExternalLocations() const;

 private:
  RestClient rest_;
};

}  // namespace crossdock::databricks
