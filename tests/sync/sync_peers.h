// Helpers for the sync integration tests: a PostgreSQL schema per test on the peer
// database, S3 scopes under the vendor-sync role's prefix on the RGW peer (each test its own
// folder), a customer-credentials view of the bucket to check what was (not) written, and
// reading back a run's manifest and files.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <vector>

#include "crossdock/aws/s3/scoped_bucket.h"
#include "crossdock/sync/destinations/manifest.h"
#include "crossdock/sync/jobs/connector.h"
#include "testing/peers.h"

namespace crossdock::sync::testing {

using crossdock::testing::Env;

// A fresh schema, dropped at destruction; Exec runs SQL in it (search_path set).
class PgSchema {
 public:
  PgSchema();
  ~PgSchema();
  void Exec(const std::string& sql);
  const std::string& name() const { return name_; }
  std::string Table(const std::string& t) const { return name_ + "." + t; }

 private:
  PGconn* conn_ = nullptr;
  std::string name_;
};

std::string RandomSuffix();

// Connector options for the RGW peer: vendor keys, role assumed through `endpoint` (the
// front by default, or the fault proxy).
ConnectorOptions PeerConnectorOptions(const std::string& endpoint = {});
// vendor-sync role on customer-bucket/<prefix>.
S3Target PeerTarget(const std::string& prefix, const std::string& endpoint = {});
// The bucket with the customer's own keys (sees everything), scoped to `prefix`.
std::shared_ptr<aws::s3::ScopedBucket> CustomerBucket(const std::string& prefix);

struct ReadBack {
  Manifest manifest;
  std::vector<std::string> files;  // decompressed contents, in manifest order
  bool checksums_match = true;
  uint64_t lines = 0;  // data lines (CSV: without headers)
};
// Reads <folder>manifest.json and every file it lists, verifying sizes and SHA-256.
ReadBack ReadRun(aws::s3::ScopedBucket& bucket, const std::string& folder);

}  // namespace crossdock::sync::testing
