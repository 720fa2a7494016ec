// Not tests: the helpers of sync_peers.h, named *_itest.cc so that the integration binary
// (and only it) compiles them.
#include <gtest/gtest.h>

#include <algorithm>

#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/core/hex.h"
#include "crossdock/crypto/random.h"
#include "crossdock/crypto/sha256.h"
#include "crossdock/sync/formats/compression.h"
#include "sync/sync_peers.h"
#include "testing/request_audit.h"

namespace crossdock::sync::testing {

std::string RandomSuffix() { return crypto::Base32Encode(crypto::RandomBytes(6)); }

PgSchema::PgSchema() : name_("synctest_" + RandomSuffix()) {
  conn_ = PQconnectdb(Env("CROSSDOCK_PG_URL").c_str());
  EXPECT_EQ(PQstatus(conn_), CONNECTION_OK) << PQerrorMessage(conn_);
  Exec("CREATE SCHEMA " + name_);
  Exec("SET search_path TO " + name_);
}

PgSchema::~PgSchema() {
  Exec("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
  PQfinish(conn_);
}

void PgSchema::Exec(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  auto st = PQresultStatus(r);
  EXPECT_TRUE(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
      << sql << ": " << PQresultErrorMessage(r);
  PQclear(r);
}

ConnectorOptions PeerConnectorOptions(const std::string& endpoint) {
  ConnectorOptions o;
  o.vendor_credentials = std::make_shared<aws::StaticCredentialsProvider>(aws::AwsCredentials{
      Env("RGW_VENDOR_ACCESS_KEY"), Env("RGW_VENDOR_SECRET_KEY"), "", std::nullopt});
  o.s3_endpoint = endpoint.empty() ? Env("CROSSDOCK_STS_ENDPOINT") : endpoint;
  o.sts_endpoint = o.s3_endpoint;
  o.staging.part_size = 5 << 20;
  o.transport = crossdock::testing::SharedRecorder();  // audited at the end (below)
  return o;
}

namespace {

// The generated policies of the roles the sync tests use, as `connection policies` would
// print them for connections on the peer's bucket and prefix.
std::vector<crossdock::testing::AuditPolicies> PeerAuditPolicies() {
  std::vector<crossdock::testing::AuditPolicies> out;
  auto add = [&](iam::ConnectionType type, const std::string& role, const std::string& dbx_id) {
    if (role.empty()) return;
    iam::ConnectionSpec spec;
    spec.type = type;
    spec.buckets = {{Env("RGW_BUCKET"), Env("RGW_PREFIX")}};
    spec.region = Env("RGW_REGION").empty() ? "us-east-1" : Env("RGW_REGION");
    spec.vendor_account = Env("RGW_VENDOR_ACCOUNT");
    spec.external_ids = {Env("RGW_EXTERNAL_ID").empty() ? "unused" : Env("RGW_EXTERNAL_ID")};
    spec.role_arn = role;
    spec.databricks_external_id = dbx_id;
    auto p = crossdock::testing::PoliciesFor(spec);
    EXPECT_TRUE(p.ok()) << p.error().ToString();
    if (p.ok()) out.push_back(*p);
  };
  add(iam::ConnectionType::kS3, Env("RGW_ROLE_ARN"), "");
  add(iam::ConnectionType::kRedshiftServerless, Env("CROSSDOCK_REDSHIFT_ROLE_ARN"), "");
  add(iam::ConnectionType::kDatabricks, Env("CROSSDOCK_DATABRICKS_ROLE_ARN"), "dbx-unused");
  return out;
}

// At the end of each test process: every request the sync tests sent with a role, checked
// against the policy crossdock generates for a connection like the test's.
class RequestAuditEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    auto requests = crossdock::testing::SharedRecorder()->Take();
    if (requests.empty() || Env("RGW_VENDOR_ACCOUNT").empty()) return;
    auto report = crossdock::testing::Audit(requests, PeerAuditPolicies());
    std::cout << report.Summary() << "\n";
    if (!crossdock::testing::AuditWaived()) {
      EXPECT_TRUE(report.outside.empty()) << report.Summary();
    }
  }
};

[[maybe_unused]] ::testing::Environment* const kAudit =
    ::testing::AddGlobalTestEnvironment(new RequestAuditEnvironment);

}  // namespace

S3Target PeerTarget(const std::string& prefix, const std::string& endpoint) {
  S3Target t;
  t.bucket = Env("RGW_BUCKET") + "/" + prefix;
  t.region = Env("RGW_REGION");
  t.role_arn = Env("RGW_ROLE_ARN");
  if (!endpoint.empty()) t.endpoint = endpoint;
  return t;
}

std::shared_ptr<aws::s3::ScopedBucket> CustomerBucket(const std::string& prefix) {
  auto o = aws::s3::S3Options::FromAccessKey(Env("RGW_CUSTOMER_ACCESS_KEY"),
                                             Env("RGW_CUSTOMER_SECRET_KEY"));
  o.region = Env("RGW_REGION");
  o.endpoint_override = Env("RGW_ENDPOINT");
  auto client = aws::s3::S3Client::Make(o);
  EXPECT_TRUE(client.ok());
  auto scope = aws::s3::ParseBucketScope(Env("RGW_BUCKET") + "/" + prefix);
  EXPECT_TRUE(scope.ok());
  return std::make_shared<aws::s3::ScopedBucket>(*client, *scope);
}

ReadBack ReadRun(aws::s3::ScopedBucket& bucket, const std::string& folder) {
  ReadBack out;
  auto body = bucket.GetAsString(folder + "manifest.json");
  EXPECT_TRUE(body.ok()) << folder << ": " << body.error().ToString();
  if (!body.ok()) return out;
  auto m = ParseManifest(*body);
  EXPECT_TRUE(m.ok());
  out.manifest = *m;
  for (const auto& f : m->files) {
    auto bytes = bucket.GetAsString(folder + f.name);
    EXPECT_TRUE(bytes.ok()) << f.name;
    if (!bytes.ok()) continue;
    if (bytes->size() != f.bytes || HexEncode(crypto::Sha256(*bytes)) != f.sha256) {
      out.checksums_match = false;
    }
    auto plain = DecompressAll(m->compression, *bytes);
    EXPECT_TRUE(plain.ok()) << f.name;
    uint64_t lines = std::count(plain->begin(), plain->end(), '\n');
    if (m->format == Format::kCsv && lines > 0) --lines;  // the header
    out.lines += lines;
    out.files.push_back(std::move(*plain));
  }
  return out;
}

}  // namespace crossdock::sync::testing
