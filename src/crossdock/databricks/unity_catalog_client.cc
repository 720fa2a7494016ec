#include "crossdock/databricks/unity_catalog_client.h"

#include <fmt/format.h>

#include <cctype>
#include <nlohmann/json.hpp>

namespace crossdock::databricks {
namespace {

std::string Str(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string PathSegment(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string WithSlash(std::string_view s) {
  std::string out(s);
  if (out.empty() || out.back() != '/') out.push_back('/');
  return out;
}

}  // namespace

Result<StorageCredential> ParseStorageCredential(std::string_view body) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return Error(ErrorCode::kInternal, "Unity Catalog: the storage credential is not JSON");
  }
  StorageCredential c;
  c.name = Str(j, "name");
  c.read_only = j.value("read_only", false);
  auto role = j.find("aws_iam_role");
  if (role == j.end() || !role->is_object()) {
    return Error(ErrorCode::kFailedPrecondition,
                 fmt::format("storage credential '{}' is not an AWS IAM role credential: "
                             "create one of type \"AWS IAM Role\"",
                             c.name));
  }
  c.role_arn = Str(*role, "role_arn");
  c.external_id = Str(*role, "external_id");
  c.unity_catalog_iam_arn = Str(*role, "unity_catalog_iam_arn");
  return c;
}

Result<std::vector<ExternalLocation>> ParseExternalLocations(std::string_view body) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return Error(ErrorCode::kInternal, "Unity Catalog: the external locations are not JSON");
  }
  std::vector<ExternalLocation> out;
  if (auto it = j.find("external_locations"); it != j.end() && it->is_array()) {
    for (const auto& l : *it) {
      if (!l.is_object()) continue;
      out.push_back(
          {Str(l, "name"), Str(l, "url"), Str(l, "credential_name"), l.value("read_only", false)});
    }
  }
  return out;
}

std::optional<ExternalLocation> LocationFor(const std::vector<ExternalLocation>& locations,
                                            std::string_view s3_url) {
  std::string target = WithSlash(s3_url);
  std::optional<ExternalLocation> best;
  for (const auto& l : locations) {
    std::string prefix = WithSlash(l.url);
    if (target.rfind(prefix, 0) == 0 && (!best || prefix.size() > WithSlash(best->url).size())) {
      best = l;
    }
  }
  return best;
}

Result<StorageCredential> UnityCatalogClient::GetStorageCredential(std::string_view name) const {
  ASSIGN_OR_RETURN(
      std::string body,
      rest_.Call("GET", "/api/2.1/unity-catalog/storage-credentials/" + PathSegment(name), "",
                 fmt::format("get storage credential '{}'", name), true));
  return ParseStorageCredential(body);
}

Result<std::vector<ExternalLocation>> UnityCatalogClient::ListExternalLocations() const {
  ASSIGN_OR_RETURN(std::string body, rest_.Call("GET", "/api/2.1/unity-catalog/external-locations",
                                                "", "list external locations", true));
  return ParseExternalLocations(body);
}

}  // namespace crossdock::databricks
