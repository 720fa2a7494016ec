#include "crossdock/connect/databricks_check.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "crossdock/connect/check_diagnosis.h"
#include "crossdock/databricks/rest_client.h"
#include "crossdock/databricks/unity_catalog_client.h"
#include "crossdock/iam/generate.h"

namespace crossdock::connect {

void RunDatabricksChecks(const Connection& c, const std::string& host,
                         std::shared_ptr<http::HttpTransport> transport, Clock& clock,
                         std::vector<CheckResult>& out) {
  const DatabricksFields& d = c.databricks;
  CheckResult r;
  const bool by_credential = !d.storage_credential.empty();
  r.id = by_credential ? "databricks_storage_credential" : "databricks_external_location";
  r.title =
      by_credential
          ? fmt::format("Read storage credential {} through Unity Catalog", d.storage_credential)
          : fmt::format("Find the external location covering s3://{}/{}", c.bucket, c.path);
  if (!d.token.value || d.token.value->empty()) {
    r.status = CheckStatus::kSkip;
    r.message = "skipped: the connection has no Databricks token";
    out.push_back(std::move(r));
    return;
  }
  auto rest = databricks::RestClient::Create(
      std::move(transport), clock, host.empty() ? d.workspace_url : host, *d.token.value, 2);
  if (!rest.ok()) {
    r.status = CheckStatus::kFail;
    RecordError(rest.error(), r);
    r.fix = "Check the connection's workspace_url.";
    out.push_back(std::move(r));
    return;
  }
  databricks::UnityCatalogClient uc(std::move(rest).value());
  if (by_credential) {
    auto cred = uc.GetStorageCredential(d.storage_credential);
    if (!cred.ok()) {
      r.status = CheckStatus::kFail;
      RecordError(cred.error(), r);
      if (cred.error().code() == ErrorCode::kNotFound) {
        r.diagnosis =
            fmt::format("The workspace has no storage credential named {}.", d.storage_credential);
        r.fix =
            "Create it in Catalog Explorer (External Data > Credentials) with the connection's "
            "role, or correct databricks.storage_credential on the connection.";
      } else {
        r.diagnosis = "Unity Catalog could not be read with the connection's token.";
        r.fix = "Check the token (it needs permission to read the storage credential).";
      }
      out.push_back(std::move(r));
      return;
    }
    std::vector<std::string> wrong;
    if (cred->role_arn != c.role_arn) {
      wrong.push_back(
          fmt::format("its role is {}, the connection's is {}", cred->role_arn, c.role_arn));
    }
    if (!d.external_id.empty() && cred->external_id != d.external_id) {
      wrong.push_back(fmt::format("its External ID is {}, the connection stores {}",
                                  cred->external_id, d.external_id));
    }
    // Unity Catalog says which of its principals assumes the role. When it is one of the
    // known deployments' (GovCloud DoD has its own) it must be the one the connection's
    // trust policy names; an unknown one (a stand-in, a new deployment) is not judged.
    const std::string uc = DatabricksUnityCatalogPrincipal(c);
    std::string deployment;
    for (const auto& each : iam::DatabricksUnityCatalogs()) {
      if (cred->unity_catalog_iam_arn == each.principal) deployment = each.id;
    }
    if (!deployment.empty() && cred->unity_catalog_iam_arn != uc) {
      wrong.push_back(fmt::format(
          "its Unity Catalog principal is {} ({}), the connection's trust policy names {} (set "
          "it with crossdock connection update NAME --databricks-unity-catalog {})",
          cred->unity_catalog_iam_arn, deployment, uc.empty() ? "none" : uc, deployment));
    }
    if (wrong.empty()) {
      r.status = CheckStatus::kPass;
      r.message = fmt::format("role {}, External ID {}", cred->role_arn, cred->external_id);
    } else {
      r.status = CheckStatus::kFail;
      r.message = fmt::format("{}", fmt::join(wrong, "; "));
      r.diagnosis =
          "The storage credential does not match the connection, so COPY INTO would "
          "assume another role or be refused by the trust policy.";
      r.fix = fmt::format(
          "Point the storage credential at {} or set the connection's role_arn to its role, "
          "and store its External ID ({}) as databricks.external_id; the trust policy needs "
          "that External ID next to crossdock's.",
          c.role_arn, cred->external_id);
    }
    out.push_back(std::move(r));
    return;
  }
  auto locations = uc.ListExternalLocations();
  if (!locations.ok()) {
    r.status = CheckStatus::kFail;
    RecordError(locations.error(), r);
    r.fix = "Check the token (it needs permission to list external locations).";
    out.push_back(std::move(r));
    return;
  }
  const std::string url = fmt::format("s3://{}/{}", c.bucket, c.path.empty() ? "" : c.path + "/");
  auto location = databricks::LocationFor(*locations, url);
  if (location) {
    r.status = CheckStatus::kPass;
    r.message = fmt::format("external location {} ({}) with credential {}", location->name,
                            location->url, location->credential_name);
  } else {
    r.status = CheckStatus::kFail;
    r.message = fmt::format("no external location covers {}", url);
    r.diagnosis =
        "Without a storage credential on the connection, COPY INTO reads staged "
        "files through an external location, and none covers the staging path.";
    r.fix = fmt::format(
        "Create an external location for {} with a storage credential for {}, or set "
        "databricks.storage_credential on the connection.",
        url, c.role_arn);
  }
  out.push_back(std::move(r));
}

}  // namespace crossdock::connect
