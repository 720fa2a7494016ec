#include "crossdock/server/service_state.h"

#include <fmt/format.h>

#include "crossdock/connect/vendor_identity.h"
#include "crossdock/iam/generate.h"

namespace crossdock::server {

Result<std::vector<std::string>> ActiveExternalIds(store::Store& store, const std::string& org_id) {
  ASSIGN_OR_RETURN(auto records, store.ListExternalIds(org_id, false));
  std::vector<std::string> out;
  for (const auto& r : records) {
    if (r.state == store::ExternalIdState::kCurrent) out.insert(out.begin(), r.value);
  }
  for (const auto& r : records) {
    if (r.state == store::ExternalIdState::kPrevious) out.push_back(r.value);
  }
  return out;
}

Result<store::VendorIdentity> RequireVendor(store::Store& store, std::string_view region) {
  ASSIGN_OR_RETURN(auto identities, store.ListVendorIdentities());
  return connect::VendorIdentityForRegion(identities, region);
}

Result<store::VendorIdentity> RequireVendorFor(store::Store& store, const connect::Connection& c) {
  if (!iam::TypeInfo(c.type).aws) return store::VendorIdentity{};
  return RequireVendor(store, c.region);
}

Result<connect::Connection> LoadConnection(store::Store& store, const std::string& org_id,
                                           const std::string& id, bool with_secrets) {
  connect::ConnectionService service(store);
  return service.GetConnection(org_id, id, with_secrets);
}

Reply ValidationReply(const std::vector<Error>& errors) {
  nlohmann::ordered_json details = nlohmann::ordered_json::array();
  for (const Error& e : errors) {
    details.push_back({{"field", e.field()}, {"message", e.message()}});
  }
  const Error& first = errors.front();
  nlohmann::ordered_json error;
  error["code"] = "invalid_argument";
  error["message"] = errors.size() == 1 ? first.message()
                                        : fmt::format("{} (and {} more problems)", first.message(),
                                                      errors.size() - 1);
  error["field"] = first.field().empty() ? nlohmann::ordered_json(nullptr)
                                         : nlohmann::ordered_json(first.field());
  error["details"] = details;
  return JsonReply(nlohmann::ordered_json{{"error", error}}, 422);
}

std::string VendorPrincipal(const store::VendorIdentity& vendor) {
  return iam::VendorPrincipalArn(vendor.partition, vendor.account_id, vendor.role_arn);
}

}  // namespace crossdock::server
