// The bridge from a stored connection to the policy generator: which buckets, principals,
// External IDs and role a connection's permission and trust policies must cover.
//
// S3 connections cover their bucket and path; Databricks connections their staging bucket,
// their own role (self-assume) and the storage credential's External ID; Redshift Serverless
// connections their staging bucket and, with "Unload data to S3", the unload bucket too. The
// vendor principal is the vendor account's root, or the vendor role when one is configured
// (the "more restrictive" option), of the connection's own partition. Pure; it does not call AWS or
// the store.
#pragma once

#include <string>
#include <vector>

#include "crossdock/connect/connection.h"
#include "crossdock/iam/generate.h"
#include "crossdock/store/records.h"

namespace crossdock::connect {

// kInvalidArgument naming the field when the connection cannot make a spec (a malformed
// bucket); kFailedPrecondition naming "region" when `vendor` is not the identity of the
// connection's partition (none configured there): VendorIdentityForRegion's fix.
Result<iam::ConnectionSpec> SpecForConnection(const Connection& connection,
                                              const store::VendorIdentity& vendor,
                                              const std::vector<std::string>& external_ids);

}  // namespace crossdock::connect
