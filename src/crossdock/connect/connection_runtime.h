// The connection runtime: how every part of crossdock that acts on a stored connection (the
// sync connector, `crossdock credentials`, the worker, serve) gets the vendor's context and
// the connection's live credentials, built one way. A role connection is assumed as the
// vendor identity of its region's partition; one in a partition without an identity is
// refused with the command that sets it (vendor_identity.h).
//
// Endpoints are the endpoint overrides (a VPC endpoint, a local peer), taken from flags and
// then the environment (CROSSDOCK_S3_ENDPOINT, ...) once per process. VendorContext is who
// crossdock is: its identity (account and optional role) and the one partition-aware builder
// of its principal ARN, its credential source, transport and clock. ConnectionRuntime::Open
// reads a connection with its secrets and the organization's External IDs and returns its
// credentials (the role assumed with the current External ID behind a refresh-ahead cache, or
// the access key) from a bounded cache keyed by the connection's id, its updated_at and the
// External IDs: a confirmed rotation or a new secret takes effect on the next Open, while an
// unchanged connection keeps its warm credentials. Thread-safe. It does not test connections
// (connection_check.h) or build service clients (the sync connector does).
#pragma once

#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/aws/aws_client.h"
#include "crossdock/aws/credentials/caching_provider.h"
#include "crossdock/aws/credentials/provider.h"
#include "crossdock/connect/connection.h"
#include "crossdock/connect/connection_check.h"
#include "crossdock/core/clock.h"
#include "crossdock/http/transport.h"
#include "crossdock/store/records.h"
#include "crossdock/store/store.h"

namespace crossdock::connect {

// Endpoint overrides; empty: AWS's regional endpoint (or the connection's workspace URL).
struct Endpoints {
  std::string s3;                   // CROSSDOCK_S3_ENDPOINT
  std::string sts;                  // CROSSDOCK_STS_ENDPOINT
  std::string redshift_data;        // CROSSDOCK_REDSHIFT_DATA_ENDPOINT
  std::string redshift_serverless;  // CROSSDOCK_REDSHIFT_SERVERLESS_ENDPOINT
  std::string databricks;           // CROSSDOCK_DATABRICKS_ENDPOINT
  std::string kinesis;              // CROSSDOCK_KINESIS_ENDPOINT

  // Each field from `flags` when set there, else from its environment variable.
  static Endpoints FromFlagsAndEnvironment(const Endpoints& flags);
  // Sets every endpoint of a connection test's environment, so that the CLI and serve test
  // against the very endpoints that syncs use.
  void ApplyTo(CheckEnvironment& env) const;
};

struct VendorContext {
  // crossdock's account and optional role per partition (`crossdock identity set
  // --partition ...`). Empty: ConnectionRuntime::Open reads the store's on every Open.
  std::vector<store::VendorIdentity> identities;
  Endpoints endpoints;
  // The source of AssumeRole for a region (vendor keys, profile, instance role); null: the
  // default chain for that region.
  std::function<aws::CredentialsProviderPtr(const std::string& region)> credentials;
  std::shared_ptr<http::HttpTransport> transport;  // null: a new CurlTransport
  Clock* clock = nullptr;                          // null: the system clock
  aws::CachingOptions caching;
  aws::RetryOptions retry;

  // crossdock's principal in the partition of `region` (iam::VendorPrincipalArn) from that
  // partition's identity; "" when that partition has none (never another partition's ARN).
  std::string PrincipalArn(std::string_view region) const;
};

class ConnectionRuntime {
 public:
  struct Opened {
    Connection connection;                    // secrets decrypted
    std::vector<std::string> external_ids;    // the organization's, current first
    aws::CredentialsProviderPtr credentials;  // null for a database login (postgres)
    // Changes whenever the connection, its secrets or the External IDs change.
    std::string generation;
  };

  ConnectionRuntime(store::Store& store, VendorContext vendor, size_t capacity = 1024);

  const VendorContext& vendor() const { return vendor_; }

  // The connection (by id or name) of the organization with live credentials.
  // kNotFound for a missing or foreign connection; the credential errors of
  // ConnectionCredentials otherwise. Performs no AWS call: credentials are fetched on use.
  Result<std::shared_ptr<const Opened>> Open(std::string_view org_id, std::string_view id_or_name);

  size_t cached() const;

 private:
  store::Store& store_;
  VendorContext vendor_;
  size_t capacity_;
  mutable std::mutex mu_;
  std::list<std::string> lru_;  // most recent first
  struct Entry {
    std::shared_ptr<const Opened> opened;
    std::list<std::string>::iterator lru;
  };
  std::map<std::string, Entry> cache_;  // by org_id|connection id
};

}  // namespace crossdock::connect
