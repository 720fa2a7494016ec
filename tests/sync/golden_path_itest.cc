// The golden path, as a customer runs it: the role is created on the peer with exactly the
// trust and permission policies `crossdock connection policies` prints for the connection;
// the connection test passes; a row sync, its incremental second run and a copy sync
// succeed; and every request crossdock sent on the way is allowed by those generated
// policies (request audit). Then each generated action is removed in turn: the connection
// test fails naming exactly that action, and a sync that needs it fails with the same fix.
// For every S3 path shape: bucket only, bucket/path and a nested path.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/connect/connection_check.h"
#include "crossdock/connect/policy_spec.h"
#include "crossdock/connect/service.h"
#include "crossdock/crypto/random.h"
#include "crossdock/crypto/secretbox.h"
#include "crossdock/http/curl_transport.h"
#include "crossdock/iam/operations.h"
#include "crossdock/store/store.h"
#include "crossdock/sync/jobs/service.h"
#include "crossdock/sync/jobs/worker.h"
#include "sync/sync_peers.h"
#include "testing/customer_iam.h"
#include "testing/request_audit.h"
#include "testing/temp_store.h"

namespace crossdock::sync {
namespace {

namespace fs = std::filesystem;
using crossdock::testing::Env;
using json = nlohmann::json;
using crossdock::sync::testing::PgSchema;
using crossdock::sync::testing::RandomSuffix;

#define REQUIRE_GOLDEN_PEERS()                                                          \
  REQUIRE_PEER("CROSSDOCK_PG_URL", "CROSSDOCK_STS_ENDPOINT", "RGW_CUSTOMER_ACCESS_KEY", \
               "RGW_VENDOR_ACCESS_KEY", "RGW_CUSTOMER_ACCOUNT", "RGW_VENDOR_ACCOUNT")

// The connection's path for a shape: "" (bucket only), one segment, nested segments.
std::string PathFor(const std::string& shape, const std::string& suffix) {
  if (shape == "bucket") return "";
  if (shape == "path") return "golden-" + suffix;
  return "golden-" + suffix + "/nested/deeper";
}

aws::CredentialsProviderPtr VendorKeys() {
  return std::make_shared<aws::StaticCredentialsProvider>(aws::AwsCredentials{
      Env("RGW_VENDOR_ACCESS_KEY"), Env("RGW_VENDOR_SECRET_KEY"), "", std::nullopt});
}

// Drops one action from a generated permission policy (and statements left empty).
json WithoutAction(const json& policy, const std::string& action) {
  json out = policy;
  json statements = json::array();
  for (json st : policy["Statement"]) {
    json actions = st["Action"].is_array() ? st["Action"] : json::array({st["Action"]});
    json kept = json::array();
    for (const auto& a : actions) {
      if (a.get<std::string>() != action) kept.push_back(a);
    }
    if (kept.empty()) continue;
    st["Action"] = kept;
    statements.push_back(st);
  }
  out["Statement"] = statements;
  return out;
}

class GoldenFixture : public ::testing::Test {
 protected:
  void SetUpShape(const std::string& shape) {
    REQUIRE_GOLDEN_PEERS();
    suffix_ = RandomSuffix();
    dir_ = fs::temp_directory_path() / ("crossdock-golden-" + suffix_);
    auto s = crossdock::testing::OpenTempStore(dir_);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
    connect::ConnectionService svc(*store_);
    auto org = svc.CreateOrganization("golden");
    ASSERT_TRUE(org.ok()) << org.error().ToString();
    org_ = org->id;
    ASSERT_TRUE(svc.SetVendorIdentity({Env("RGW_VENDOR_ACCOUNT"), "", {}}).ok());

    role_name_ = "cd-golden-" + suffix_;
    connect::Connection c;
    c.type = connect::ConnectionType::kS3;
    c.name = "customer";
    c.auth_method = connect::AuthMethod::kIamRole;
    c.role_arn = "arn:aws:iam::" + Env("RGW_CUSTOMER_ACCOUNT") + ":role/" + role_name_;
    c.region = Env("RGW_REGION").empty() ? "us-east-1" : Env("RGW_REGION");
    c.bucket = Env("RGW_BUCKET");
    c.path = PathFor(shape, suffix_);
    auto created = svc.CreateConnection(org_, c);
    ASSERT_TRUE(created.ok()) << created.error().ToString();
    connection_ = *created;

    // Exactly what `crossdock connection policies customer` prints.
    auto ids = svc.GetExternalIds(org_);
    ASSERT_TRUE(ids.ok());
    store::VendorIdentity vendor;
    vendor.account_id = Env("RGW_VENDOR_ACCOUNT");
    auto spec = connect::SpecForConnection(connection_, vendor, ids->All());
    ASSERT_TRUE(spec.ok()) << spec.error().ToString();
    spec_ = *spec;
    auto policies = crossdock::testing::PoliciesFor(spec_);
    ASSERT_TRUE(policies.ok()) << policies.error().ToString();
    policies_ = *policies;
    Status role =
        crossdock::testing::CreateCustomerRole(role_name_, policies_.generated.trust_policy.dump(),
                                               policies_.generated.permission_policy.dump());
    ASSERT_TRUE(role.ok()) << role.error().ToString();
    role_created_ = true;
    // Sync definitions hold no password: the worker reads it from PGPASSWORD, as libpq does.
    std::string pg = Env("CROSSDOCK_PG_URL");
    size_t colon = pg.find(':', pg.find("://") + 3), at = pg.find('@');
    ASSERT_NE(at, std::string::npos);
    setenv("PGPASSWORD", pg.substr(colon + 1, at - colon - 1).c_str(), 1);
    source_url_ = pg.substr(0, colon) + pg.substr(at);
    db_ = std::make_unique<PgSchema>();
    db_->Exec("CREATE TABLE orders (id bigint PRIMARY KEY, name text)");
    db_->Exec("INSERT INTO orders SELECT i, 'order ' || i FROM generate_series(1, 500) i");
    auto service = SyncService::Open(*store_);
    ASSERT_TRUE(service.ok()) << service.error().ToString();
    syncs_ = std::move(*service);
    // A recorder of its own: these requests are audited against this connection's policies.
    recorder_ = std::make_shared<crossdock::testing::RecordingTransport>(
        std::make_shared<http::CurlTransport>());
  }

  void TearDown() override {
    if (role_created_) crossdock::testing::DeleteCustomerRole(role_name_);
    db_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  connect::ConnectionCheckReport Check() {
    connect::CheckInput in;
    in.connection = *connect::ConnectionService(*store_).GetConnection(org_, "customer", true);
    in.external_ids = policies_.external_ids;
    connect::CheckEnvironment env;
    env.vendor_credentials = VendorKeys();
    env.vendor_account = Env("RGW_VENDOR_ACCOUNT");
    env.sts_endpoint = Env("CROSSDOCK_STS_ENDPOINT");
    env.s3_endpoint = Env("CROSSDOCK_STS_ENDPOINT");
    env.transport = recorder_;
    auto report = connect::RunConnectionCheck(in, env);
    EXPECT_TRUE(report.ok()) << report.error().ToString();
    return report.ok() ? *report : connect::ConnectionCheckReport{};
  }

  // Creates (once) and runs a sync the way `crossdock sync run NAME` does: queued, claimed and
  // executed by a worker whose connector resolves the stored connection.
  SyncRun RunSync(const std::string& name, const json& body) {
    if (!syncs_->Get(org_, name).ok()) {
      json b = body;
      b["name"] = name;
      auto created = syncs_->Create(org_, b);
      EXPECT_TRUE(created.ok()) << created.error().ToString();
    }
    auto queued = syncs_->StartRun(org_, name);
    EXPECT_TRUE(queued.ok()) << queued.error().ToString();
    ConnectorOptions co;
    co.store = store_.get();
    co.vendor_credentials = VendorKeys();
    co.s3_endpoint = Env("CROSSDOCK_STS_ENDPOINT");
    co.sts_endpoint = Env("CROSSDOCK_STS_ENDPOINT");
    co.transport = recorder_;
    co.retry.max_attempts = 2;
    Connector connector(co);
    WorkerOptions wo;
    wo.claim.only_run = queued.ok() ? queued->id : "";
    wo.claim.max_attempts = 1;
    Worker worker(syncs_->jobs(), connector, wo);
    auto done = worker.RunOnce();
    EXPECT_TRUE(done.ok()) << done.error().ToString();
    if (!done.ok() || !*done) return SyncRun{};
    return **done;
  }

  json RowSync() const {
    return {
        {"source", {{"type", "postgres"}, {"url", source_url_}, {"table", db_->Table("orders")}}},
        {"destination",
         {{"type", "s3"}, {"connection", "customer"}, {"path", "golden-" + suffix_ + "/rows"}}},
        {"incremental", {{"cursor_column", "id"}}},
        {"format", "jsonl"}};
  }
  json CopySync() const {
    return {
        {"source",
         {{"type", "s3"}, {"connection", "customer"}, {"prefix", "golden-" + suffix_ + "/rows/"}}},
        {"destination",
         {{"type", "s3"}, {"connection", "customer"}, {"path", "golden-" + suffix_ + "/copies"}}},
        {"copy", true}};
  }

  crossdock::testing::AuditReport AuditRecorded() {
    auto report = crossdock::testing::Audit(recorder_->Take(), policies_);
    crossdock::testing::AddToTotals(report);
    return report;
  }

  std::string suffix_, org_, role_name_, source_url_;
  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  connect::Connection connection_;
  iam::ConnectionSpec spec_;
  crossdock::testing::AuditPolicies policies_;
  bool role_created_ = false;
  std::unique_ptr<PgSchema> db_;
  std::unique_ptr<SyncService> syncs_;
  std::shared_ptr<crossdock::testing::RecordingTransport> recorder_;
};

class GoldenPath : public GoldenFixture, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override { SetUpShape(GetParam()); }
};

TEST_P(GoldenPath, GeneratedPoliciesPassTheTestAndEverySyncAndAllowEveryRequest) {
  connect::ConnectionCheckReport report = Check();
  EXPECT_TRUE(report.ok()) << connect::FormatReport(report);
  for (const char* id :
       {"assume_role", "external_id_required", "external_id_checked", "bucket_region",
        "list_objects", "key_exists", "put_object", "get_object", "head_object",
        "create_multipart_upload", "list_parts", "list_multipart_uploads", "abort_multipart_upload",
        "copy_object", "delete_objects", "delete_object"}) {
    const connect::CheckResult* r = report.Find(id);
    ASSERT_NE(r, nullptr) << id;
    EXPECT_EQ(r->status, connect::CheckStatus::kPass) << id << ": " << r->message;
  }

  db_->Exec("INSERT INTO orders VALUES (0, 'zero')");  // before the first run: all 501 rows
  SyncRun first = RunSync("rows", RowSync());
  EXPECT_EQ(first.status, RunStatus::kSucceeded) << first.error;
  EXPECT_EQ(first.rows, 501u);
  db_->Exec("INSERT INTO orders SELECT i, 'late ' || i FROM generate_series(501, 520) i");
  SyncRun second = RunSync("rows", RowSync());
  EXPECT_EQ(second.status, RunStatus::kSucceeded) << second.error;
  EXPECT_EQ(second.rows, 20u) << "the incremental run reads only the new rows";
  SyncRun copy = RunSync("copies", CopySync());
  EXPECT_EQ(copy.status, RunStatus::kSucceeded) << copy.error;
  EXPECT_EQ(copy.files, first.files + second.files) << "the two runs' files, copied";

  auto audit = AuditRecorded();
  std::cout << audit.Summary() << "\n";
  EXPECT_GT(audit.checked, 40u);
  EXPECT_TRUE(audit.outside.empty()) << audit.Summary();
}

INSTANTIATE_TEST_SUITE_P(PathShapes, GoldenPath, ::testing::Values("bucket", "path", "nested"));

// One test per generated action, on a path-scoped connection: removed from the role, the
// connection test names it, and a sync that needs it fails with the same fix.
// They run on the path shape, where least privilege is at its tightest.
class WithoutOneAction : public GoldenFixture, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override { SetUpShape("path"); }
};

TEST_P(WithoutOneAction, TheTestAndTheSyncNameTheMissingAction) {
  const std::string action = GetParam();
  json permission = WithoutAction(policies_.generated.permission_policy, action);
  ASSERT_NE(permission, policies_.generated.permission_policy) << action << " is not generated";
  ASSERT_TRUE(crossdock::testing::PutCustomerRolePolicy(role_name_, permission.dump()).ok());

  connect::ConnectionCheckReport report = Check();
  EXPECT_FALSE(report.ok()) << "the test passes without " << action;
  std::string fix_prefix = "Add \"" + action + "\" with Resource";
  for (const connect::CheckResult& r : report.checks) {
    if (r.status != connect::CheckStatus::kFail) continue;
    EXPECT_EQ(r.fix.rfind(fix_prefix, 0), 0u)
        << r.id << " failed with a fix that does not name " << action << ": " << r.fix;
  }
  // A row sync into the connection: every action but the recovery-only ones is on its path
  // (ListBucketMultipartUploads is: each run clears its staging of unfinished uploads).
  SyncRun run = RunSync("rows", RowSync());
  static const std::set<std::string> kRecoveryOnly = {
      "s3:AbortMultipartUpload",      // aborts an upload that failed
      "s3:ListMultipartUploadParts",  // confirms an upload whose Complete answer was lost
      "s3:GetBucketLocation",         // the connection test's region check
  };
  if (kRecoveryOnly.count(action) > 0) {
    EXPECT_EQ(run.status, RunStatus::kSucceeded) << run.error;
  } else {
    EXPECT_EQ(run.status, RunStatus::kFailed);
    EXPECT_NE(run.error.find(fix_prefix), std::string::npos)
        << "the sync's error does not give the connection test's fix: " << run.error;
  }
  recorder_->Take();
}

std::vector<std::string> GeneratedS3Actions() {
  std::vector<std::string> out = {"s3:ListBucket"};
  for (auto kind : {iam::ResourceKind::kBucket, iam::ResourceKind::kObject}) {
    for (const std::string& a : iam::ActionsFor(iam::ConnectionType::kS3, kind, false)) {
      if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(GeneratedS3Actions, WithoutOneAction,
                         ::testing::ValuesIn(GeneratedS3Actions()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param.substr(3);  // "s3:PutObject" -> "PutObject"
                         });

}  // namespace
}  // namespace crossdock::sync
