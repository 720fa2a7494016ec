// The golden path for the warehouse types, as a customer runs it: the role is created on the
// peer from the trust and permission policies `crossdock connection policies` prints for a
// Databricks or Redshift Serverless connection; the connection test passes; a load into the
// warehouse (and for Redshift, an UNLOAD back out) succeeds through the stand-ins, which read
// and write the staged files under that very role; and every request crossdock sent is
// allowed by the generated policies (request audit).
//
// Two adaptations to the peer, and only these: RGW cannot match the service principal
// redshift.amazonaws.com, so the Redshift stand-in assumes the role as a stand-in user that
// the trust statement of the service principal also names (scripts/peers/
// README-warehouses.md); and RGW refuses policies naming redshift-data:*,
// redshift-serverless:* or s3:GetObjectAttributes (an action it does not know), so those are
// left out of the role on the peer (the stand-in does not evaluate the first two; Redshift,
// not crossdock, uses the third) while the audit still judges every Data API and
// GetCredentials request against the full generated policy.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "crossdock/connect/connection_check.h"
#include "crossdock/connect/policy_spec.h"
#include "crossdock/connect/service.h"
#include "crossdock/crypto/random.h"
#include "crossdock/crypto/secretbox.h"
#include "crossdock/http/curl_transport.h"
#include "crossdock/store/store.h"
#include "crossdock/sync/jobs/connector.h"
#include "crossdock/sync/runner.h"
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

#define REQUIRE_WAREHOUSE_GOLDEN_PEERS()                                                \
  REQUIRE_PEER("CROSSDOCK_PG_URL", "CROSSDOCK_STS_ENDPOINT", "RGW_CUSTOMER_ACCESS_KEY", \
               "RGW_VENDOR_ACCESS_KEY", "RGW_CUSTOMER_ACCOUNT", "RGW_VENDOR_ACCOUNT",   \
               "CROSSDOCK_REDSHIFT_DATA_ENDPOINT", "CROSSDOCK_REDSHIFT_STANDIN_ARN",    \
               "CROSSDOCK_DATABRICKS_HOST", "CROSSDOCK_DATABRICKS_TOKEN",               \
               "CROSSDOCK_DATABRICKS_WAREHOUSE_ID", "CROSSDOCK_REDSHIFT_WORKGROUP")

std::string PathFor(const std::string& shape, const std::string& suffix) {
  if (shape == "bucket") return "";
  if (shape == "path") return "whgolden-" + suffix;
  return "whgolden-" + suffix + "/nested/deeper";
}

// The generated actions RGW refuses in a policy document.
bool UnknownToThePeer(const std::string& action) {
  return action.rfind("redshift-data:", 0) == 0 || action.rfind("redshift-serverless:", 0) == 0 ||
         action == "s3:GetObjectAttributes";
}

// The generated trust policy with the Redshift stand-in user next to the service principal.
json TrustForPeer(json trust) {
  for (json& st : trust["Statement"]) {
    if (!st.contains("Principal") || !st["Principal"].is_object()) continue;
    const json& service = st["Principal"].value("Service", json());
    bool redshift = service == "redshift.amazonaws.com" ||
                    (service.is_array() && std::find(service.begin(), service.end(),
                                                     "redshift.amazonaws.com") != service.end());
    if (redshift) st["Principal"]["AWS"] = Env("CROSSDOCK_REDSHIFT_STANDIN_ARN");
  }
  return trust;
}

// The generated permission policy without the actions RGW refuses; every
// action left out is named in `dropped` so that the test can show nothing else was.
json PermissionForPeer(const json& permission, std::vector<std::string>& dropped) {
  json out = permission;
  json statements = json::array();
  for (json st : permission["Statement"]) {
    json actions = st["Action"].is_array() ? st["Action"] : json::array({st["Action"]});
    json kept = json::array();
    for (const auto& a : actions) {
      if (UnknownToThePeer(a.get<std::string>())) {
        dropped.push_back(a.get<std::string>());
      } else {
        kept.push_back(a);
      }
    }
    if (kept.empty()) continue;
    st["Action"] = kept;
    statements.push_back(st);
  }
  out["Statement"] = statements;
  return out;
}

class WarehouseGoldenPath : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    REQUIRE_WAREHOUSE_GOLDEN_PEERS();
    suffix_ = RandomSuffix();
    dir_ = fs::temp_directory_path() / ("crossdock-whgolden-" + suffix_);
    auto s = crossdock::testing::OpenTempStore(dir_);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
    connect::ConnectionService svc(*store_);
    auto org = svc.CreateOrganization("whgolden");
    ASSERT_TRUE(org.ok()) << org.error().ToString();
    org_ = org->id;
    ASSERT_TRUE(svc.SetVendorIdentity({Env("RGW_VENDOR_ACCOUNT"), "", {}}).ok());
    role_name_ = "cd-whgolden-" + suffix_;
    role_arn_ = "arn:aws:iam::" + Env("RGW_CUSTOMER_ACCOUNT") + ":role/" + role_name_;
    region_ = Env("RGW_REGION").empty() ? "us-east-1" : Env("RGW_REGION");
    path_ = PathFor(GetParam(), suffix_);
    recorder_ = std::make_shared<crossdock::testing::RecordingTransport>(
        std::make_shared<http::CurlTransport>());
    db_ = std::make_unique<PgSchema>();
    db_->Exec("CREATE TABLE orders (id bigint PRIMARY KEY, name text, amount numeric(12,2))");
    db_->Exec(
        "INSERT INTO orders SELECT i, 'order ' || i, i * 1.25 FROM generate_series(1, 300) i");
  }

  void TearDown() override {
    if (role_created_) crossdock::testing::DeleteCustomerRole(role_name_);
    db_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Stores `c`, then creates the role on the peer from exactly the policies generated for it.
  void CreateConnectionAndRole(connect::Connection c) {
    connect::ConnectionService svc(*store_);
    auto created = svc.CreateConnection(org_, c);
    ASSERT_TRUE(created.ok()) << created.error().ToString();
    auto ids = svc.GetExternalIds(org_);
    ASSERT_TRUE(ids.ok());
    store::VendorIdentity vendor;
    vendor.account_id = Env("RGW_VENDOR_ACCOUNT");
    auto spec = connect::SpecForConnection(*created, vendor, ids->All());
    ASSERT_TRUE(spec.ok()) << spec.error().ToString();
    auto policies = crossdock::testing::PoliciesFor(*spec);
    ASSERT_TRUE(policies.ok()) << policies.error().ToString();
    policies_ = *policies;
    std::vector<std::string> dropped;
    json permission = PermissionForPeer(policies_.generated.permission_policy, dropped);
    for (const std::string& a : dropped) {
      EXPECT_EQ(c.type, connect::ConnectionType::kRedshiftServerless) << a << " left out";
    }
    Status role = crossdock::testing::CreateCustomerRole(
        role_name_, TrustForPeer(policies_.generated.trust_policy).dump(), permission.dump());
    ASSERT_TRUE(role.ok()) << role.error().ToString();
    role_created_ = true;
  }

  connect::ConnectionCheckReport Check() {
    connect::CheckInput in;
    in.connection = *connect::ConnectionService(*store_).GetConnection(org_, "warehouse", true);
    in.external_ids = policies_.external_ids;
    connect::CheckEnvironment env;
    env.vendor_credentials = testing::PeerConnectorOptions().vendor_credentials;
    env.vendor_account = Env("RGW_VENDOR_ACCOUNT");
    env.sts_endpoint = Env("CROSSDOCK_STS_ENDPOINT");
    env.s3_endpoint = Env("CROSSDOCK_STS_ENDPOINT");
    env.redshift_data_endpoint = Env("CROSSDOCK_REDSHIFT_DATA_ENDPOINT");
    env.redshift_serverless_endpoint = Env("CROSSDOCK_REDSHIFT_SERVERLESS_ENDPOINT");
    env.databricks_endpoint = Env("CROSSDOCK_DATABRICKS_HOST");
    env.transport = recorder_;
    auto report = connect::RunConnectionCheck(in, env);
    EXPECT_TRUE(report.ok()) << report.error().ToString();
    return report.ok() ? *report : connect::ConnectionCheckReport{};
  }

  Connector MakeConnector() {
    ConnectorOptions co = testing::PeerConnectorOptions();
    co.store = store_.get();
    co.transport = recorder_;
    co.redshift_data_endpoint = Env("CROSSDOCK_REDSHIFT_DATA_ENDPOINT");
    co.redshift_serverless_endpoint = Env("CROSSDOCK_REDSHIFT_SERVERLESS_ENDPOINT");
    co.databricks_endpoint = Env("CROSSDOCK_DATABRICKS_HOST");
    co.redshift_poll.initial_delay = std::chrono::milliseconds(50);
    co.redshift_poll.max_delay = std::chrono::milliseconds(200);
    co.databricks_poll.initial_delay = std::chrono::milliseconds(50);
    co.databricks_poll.max_delay = std::chrono::milliseconds(200);
    return Connector(co);
  }

  Result<RunOutcome> Run(Connector& connector, const SyncSpec& spec, const std::string& run) {
    ASSIGN_OR_RETURN(auto source, connector.MakeSource(org_, spec, std::nullopt, run));
    ASSIGN_OR_RETURN(auto dest, connector.MakeDestination(org_, spec));
    RunInfo info;
    info.sync_id = "sync_whgolden";
    info.run_id = run;
    info.path = spec.destination.path;
    return ExecuteRun(*source, *dest, info, OutputOptions{});
  }

  SyncSpec PgInto(DestinationType type, const std::string& table) const {
    SyncSpec spec;
    spec.source.type = SourceType::kPostgres;
    spec.source.url = Env("CROSSDOCK_PG_URL");
    spec.source.table = db_->Table("orders");
    spec.destination.type = type;
    spec.destination.connection = "warehouse";
    spec.destination.table = table;
    return spec;
  }

  void ExpectEveryRequestAllowed() {
    auto audit = crossdock::testing::Audit(recorder_->Take(), policies_);
    crossdock::testing::AddToTotals(audit);
    std::cout << audit.Summary() << "\n";
    EXPECT_GT(audit.checked, 10u);
    EXPECT_TRUE(audit.outside.empty()) << audit.Summary();
  }

  std::string suffix_, org_, role_name_, role_arn_, region_, path_;
  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  crossdock::testing::AuditPolicies policies_;
  bool role_created_ = false;
  std::unique_ptr<PgSchema> db_;
  std::shared_ptr<crossdock::testing::RecordingTransport> recorder_;
};

// A storage credential for the new role, made in the Databricks stand-in's Unity Catalog as
// a customer's Databricks admin would; returns the External ID Databricks gives it.
Result<std::string> CreateStorageCredential(const std::string& name, const std::string& role) {
  http::HttpRequest req;
  req.method = "POST";
  req.url = Env("CROSSDOCK_DATABRICKS_HOST") + "/api/2.1/unity-catalog/storage-credentials";
  http::SetHeader(req.headers, "Authorization", "Bearer " + Env("CROSSDOCK_DATABRICKS_TOKEN"));
  http::SetHeader(req.headers, "Content-Type", "application/json");
  req.body = json{{"name", name}, {"aws_iam_role", {{"role_arn", role}}}}.dump();
  ASSIGN_OR_RETURN(auto resp, http::CurlTransport().Send(req));
  if (resp.status != 200) {
    return Error(ErrorCode::kInternal,
                 "storage credential: HTTP " + std::to_string(resp.status) + " " + resp.body);
  }
  json j = json::parse(resp.body);
  return j["aws_iam_role"].value("external_id", std::string());
}

void DeleteStorageCredential(const std::string& name) {
  http::HttpRequest req;
  req.method = "DELETE";
  req.url = Env("CROSSDOCK_DATABRICKS_HOST") + "/api/2.1/unity-catalog/storage-credentials/" + name;
  http::SetHeader(req.headers, "Authorization", "Bearer " + Env("CROSSDOCK_DATABRICKS_TOKEN"));
  (void)http::CurlTransport().Send(req);
}

TEST_P(WarehouseGoldenPath, DatabricksRoleFromTheGeneratedPoliciesTestsAndLoads) {
  std::string credential = "whgolden_" + suffix_;
  auto external_id = CreateStorageCredential(credential, role_arn_);
  ASSERT_TRUE(external_id.ok()) << external_id.error().ToString();
  ASSERT_FALSE(external_id->empty());
  connect::Connection c;
  c.type = connect::ConnectionType::kDatabricks;
  c.name = "warehouse";
  c.role_arn = role_arn_;
  c.region = region_;
  c.bucket = Env("RGW_BUCKET");
  c.path = path_;
  c.databricks.workspace_url = "https://dbc-whgolden.cloud.databricks.com";
  c.databricks.warehouse_id = Env("CROSSDOCK_DATABRICKS_WAREHOUSE_ID");
  c.databricks.token.value = Env("CROSSDOCK_DATABRICKS_TOKEN");
  c.databricks.storage_credential = credential;
  c.databricks.external_id = *external_id;
  CreateConnectionAndRole(c);
  if (HasFatalFailure()) return DeleteStorageCredential(credential);

  connect::ConnectionCheckReport report = Check();
  EXPECT_TRUE(report.ok()) << connect::FormatReport(report);
  const connect::CheckResult* uc = report.Find("databricks_storage_credential");
  ASSERT_NE(uc, nullptr);
  EXPECT_EQ(uc->status, connect::CheckStatus::kPass) << uc->message;

  Connector connector = MakeConnector();
  std::string table = "main.default.whgolden_" + suffix_;
  auto load = Run(connector, PgInto(DestinationType::kDatabricks, table), "run_dbx_" + suffix_);
  ASSERT_TRUE(load.ok()) << load.error().ToString();
  EXPECT_EQ(load->manifest.rows, 300u);
  ExpectEveryRequestAllowed();
  DeleteStorageCredential(credential);
}

TEST_P(WarehouseGoldenPath, RedshiftRoleFromTheGeneratedPoliciesTestsLoadsAndUnloads) {
  connect::Connection c;
  c.type = connect::ConnectionType::kRedshiftServerless;
  c.name = "warehouse";
  c.role_arn = role_arn_;
  c.region = region_;
  c.bucket = Env("RGW_BUCKET");
  c.path = path_;
  c.redshift.workgroup = Env("CROSSDOCK_REDSHIFT_WORKGROUP");
  c.redshift.database = Env("CROSSDOCK_REDSHIFT_DATABASE");
  c.redshift.unload_enabled = true;
  c.redshift.unload_bucket = Env("RGW_BUCKET");
  c.redshift.unload_path = path_.empty() ? "unload-" + suffix_ : path_ + "/unload";
  c.redshift.unload_region = region_;
  CreateConnectionAndRole(c);
  ASSERT_FALSE(HasFatalFailure());

  connect::ConnectionCheckReport report = Check();
  EXPECT_TRUE(report.ok()) << connect::FormatReport(report);

  Connector connector = MakeConnector();
  std::string table = "public.whgolden_" + suffix_;
  auto load = Run(connector, PgInto(DestinationType::kRedshift, table), "run_rs_" + suffix_);
  ASSERT_TRUE(load.ok()) << load.error().ToString();
  EXPECT_EQ(load->manifest.rows, 300u);

  // And back out with UNLOAD, written by Redshift under the role, read by crossdock.
  SyncSpec out;
  out.source.type = SourceType::kRedshift;
  out.source.connection = "warehouse";
  out.source.table = table;
  out.source.unload = true;
  out.destination.type = DestinationType::kLocal;
  out.destination.root = (dir_ / "out").string();
  out.destination.path = "orders";
  auto unload = Run(connector, out, "run_unload_" + suffix_);
  ASSERT_TRUE(unload.ok()) << unload.error().ToString();
  EXPECT_EQ(unload->manifest.rows, 300u);
  ExpectEveryRequestAllowed();
}

INSTANTIATE_TEST_SUITE_P(PathShapes, WarehouseGoldenPath,
                         ::testing::Values("bucket", "path", "nested"));

}  // namespace
}  // namespace crossdock::sync
