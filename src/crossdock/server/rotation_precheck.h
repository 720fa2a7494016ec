// POST /v1/organization/external-id/precheck: before an External ID rotation is confirmed
// (which retires the previous ID), which IAM-role connections of the caller's organization
// can already be assumed with the new (current) External ID alone. Each connection's role
// is assumed once through STS, with the vendor's credentials; nothing else is touched. A
// connection listed with "accepts_new_id": false would break on Confirm: its role's trust
// policy must list the new ID first. It does not test S3 access (the connection test does) and
// changes nothing.
#pragma once

#include <memory>
#include <string>

#include "crossdock/aws/credentials/provider.h"
#include "crossdock/http/transport.h"
#include "crossdock/server/route.h"
#include "crossdock/store/store.h"

namespace crossdock::server {

struct PrecheckAccess {
  aws::CredentialsProviderPtr vendor_credentials;  // the source of AssumeRole
  std::string vendor_principal_arn;                // for messages; may be empty
  std::string sts_endpoint;                        // override; empty: AWS's
  std::shared_ptr<http::HttpTransport> transport;
};

void AddRotationPrecheckRoute(store::Store& store, PrecheckAccess access, RouteTable& routes);

}  // namespace crossdock::server
