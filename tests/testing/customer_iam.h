// The customer's side of the golden path on the RGW peer: IAM calls signed with the
// customer's own keys and sent through the External ID front (so that it learns each role's
// real trust policy), to create a role from exactly the documents crossdock generates, swap
// its permission policy, and delete it again.
#pragma once

#include <string>

#include "crossdock/core/result.h"

namespace crossdock::testing {

// One IAM query API call ("CreateRole", "&RoleName=...&..." already form-encoded).
Status CustomerIamCall(const std::string& action, const std::string& params);
// "&Name=<form-encoded value>".
std::string IamParam(const char* name, const std::string& value);

// Creates role `name` with the trust policy and one inline permission policy "crossdock".
Status CreateCustomerRole(const std::string& name, const std::string& trust_policy,
                          const std::string& permission_policy);
Status PutCustomerRolePolicy(const std::string& name, const std::string& permission_policy);
// Removes the inline policy and the role; errors are ignored (cleanup).
void DeleteCustomerRole(const std::string& name);

}  // namespace crossdock::testing
