// Runs through the job layer against the peers: incremental syncs whose cursor advances only
// when a run commits (a run failed by injected S3 errors leaves it where it was), a long run
// that outlives its assumed-role credentials on an injected clock, and 20 runs through the
// fault-injecting proxy whose outputs all match the source.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "crossdock/aws/credentials/assume_role_provider.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/http/curl_transport.h"
#include "crossdock/http/transport.h"
#include "crossdock/sync/destinations/s3_destination.h"
#include "crossdock/sync/jobs/service.h"
#include "crossdock/sync/jobs/worker.h"
#include "crossdock/sync/runner.h"
#include "crossdock/sync/sources/postgres_source.h"
#include "sync/sync_peers.h"

namespace crossdock::sync::testing {
namespace {

namespace fs = std::filesystem;

// POST/PUT/DELETE to the fault proxy's control API.
int Control(const std::string& method, const std::string& path, const std::string& body = {}) {
  http::CurlTransport t;
  http::HttpRequest req;
  req.method = method;
  req.url = Env("CROSSDOCK_FAULT_CONTROL") + path;
  req.body = body;
  req.headers.push_back({"Content-Type", "application/json"});
  auto r = t.Send(req);
  EXPECT_TRUE(r.ok());
  return r.ok() ? r->status : 0;
}

class Jobs : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_PEER("CROSSDOCK_PG_URL", "CROSSDOCK_STS_ENDPOINT", "CROSSDOCK_FAULT_PROXY",
                 "CROSSDOCK_FAULT_CONTROL", "RGW_ROLE_ARN");
    dir_ = fs::temp_directory_path() / ("crossdock-sync-" + RandomSuffix());
    fs::create_directories(dir_);
    store::StoreOptions so;
    so.location = (dir_ / "db.sqlite").string();
    auto s = store::OpenStore(std::move(so));
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    auto svc = SyncService::Open(*store_);
    ASSERT_TRUE(svc.ok()) << svc.error().ToString();
    service_ = std::move(svc).value();
    prefix_ = Env("RGW_PREFIX") + "/itest-" + RandomSuffix();
    db_ = std::make_unique<PgSchema>();
    // PostgreSQL sources in stored specs carry no password: the worker gets it from the
    // environment, as libpq does.
    std::string url = Env("CROSSDOCK_PG_URL");
    size_t colon = url.find(':', url.find("://") + 3), at = url.find('@');
    password_ = url.substr(colon + 1, at - colon - 1);
    url_ = url.substr(0, colon) + url.substr(at);
    setenv("PGPASSWORD", password_.c_str(), 1);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  SyncSpec Spec(const std::string& table, const std::string& cursor_column,
                const std::string& endpoint) {
    SyncSpec spec;
    spec.source.url = url_;
    spec.source.table = table;
    spec.destination.s3 = PeerTarget(prefix_, endpoint);
    spec.destination.path = "orders";
    spec.output.file_size = 64 * 1024;
    spec.cursor_column = cursor_column;
    return spec;
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<SyncService> service_;
  std::string prefix_, url_, password_;
  std::unique_ptr<PgSchema> db_;
};

TEST_F(Jobs, IncrementalRunsExportOnlyNewRowsAndTheCursorMovesOnlyOnCommit) {
  db_->Exec("CREATE TABLE events (id bigint, note text)");
  db_->Exec("INSERT INTO events SELECT i, 'e' || i FROM generate_series(1, 100) i");
  std::string proxy = Env("CROSSDOCK_FAULT_PROXY");
  ASSERT_TRUE(service_->Create("org", "events", Spec(db_->Table("events"), "id", proxy)).ok());
  Connector connector(PeerConnectorOptions(proxy));
  Worker worker(service_->jobs(), connector);
  auto bucket = *connector.OpenBucket("org", PeerTarget(prefix_, proxy));

  auto run_once = [&]() {
    auto queued = service_->StartRun("org", "events");
    EXPECT_TRUE(queued.ok());
    auto done = worker.RunOnce();
    EXPECT_TRUE(done.ok() && *done);
    return **done;
  };
  SyncRun r1 = run_once();
  ASSERT_EQ(r1.status, RunStatus::kSucceeded) << r1.error;
  EXPECT_EQ(r1.rows, 100u);
  EXPECT_EQ(*service_->Get("org", "events")->cursor, "100");

  db_->Exec("INSERT INTO events SELECT i, 'e' || i FROM generate_series(101, 150) i");
  SyncRun r2 = run_once();
  ASSERT_EQ(r2.status, RunStatus::kSucceeded) << r2.error;
  EXPECT_EQ(r2.rows, 50u);
  EXPECT_EQ(*r2.cursor_from, "100");
  EXPECT_EQ(*r2.cursor_to, "150");
  ReadBack rb = ReadRun(*bucket, "orders/" + r2.id + "/");
  EXPECT_EQ(rb.lines, 50u);
  EXPECT_NE(rb.files[0].find("\n101,e101\n"), std::string::npos);
  EXPECT_EQ(*rb.manifest.cursor, "150");

  // The commit fails (every manifest PUT answers 500): the run fails, the cursor stays.
  db_->Exec("INSERT INTO events SELECT i, 'e' || i FROM generate_series(151, 160) i");
  ASSERT_EQ(Control("POST", "/rules",
                    "{\"method\":\"PUT\",\"path\":\"^/" + Env("RGW_BUCKET") + "/" + prefix_ +
                        "/orders/.*manifest\",\"fault\":\"error\",\"status\":500,\"count\":50}"),
            200);
  SyncRun r3 = run_once();
  Control("DELETE", "/rules");
  EXPECT_EQ(r3.status, RunStatus::kFailed);
  EXPECT_NE(r3.error.find("manifest"), std::string::npos) << r3.error;
  EXPECT_EQ(*service_->Get("org", "events")->cursor, "150");

  SyncRun r4 = run_once();
  ASSERT_EQ(r4.status, RunStatus::kSucceeded) << r4.error;
  EXPECT_EQ(r4.rows, 10u);
  EXPECT_EQ(*service_->Get("org", "events")->cursor, "160");

  SyncRun r5 = run_once();  // nothing new: an empty export, the cursor stays
  ASSERT_EQ(r5.status, RunStatus::kSucceeded) << r5.error;
  EXPECT_EQ(r5.rows, 0u);
  EXPECT_EQ(*service_->Get("org", "events")->cursor, "160");
  auto state = InspectStaging(*bucket);
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->clean());
}

TEST_F(Jobs, TwentyRunsThroughInjectedFaultsMatchTheSource) {
  db_->Exec("CREATE TABLE t (id bigint, h text, amount numeric(10,2))");
  db_->Exec("INSERT INTO t SELECT i, md5(i::text), i / 3.0 FROM generate_series(1, 20000) i");
  std::string proxy = Env("CROSSDOCK_FAULT_PROXY");
  ASSERT_TRUE(service_->Create("org", "faulty", Spec(db_->Table("t"), "", proxy)).ok());
  ConnectorOptions co = PeerConnectorOptions(proxy);
  co.retry.max_attempts = 8;
  co.retry.base_delay = std::chrono::milliseconds(20);
  co.retry.max_backoff = std::chrono::milliseconds(500);
  Connector connector(co);
  Worker worker(service_->jobs(), connector);
  auto bucket = *connector.OpenBucket("org", PeerTarget(prefix_));  // reads via the front
  ASSERT_EQ(Control("DELETE", "/stats"), 200);
  ASSERT_EQ(Control("PUT", "/faults",
                    "{\"seed\":7,\"match\":\"" + prefix_ +
                        "\",\"reset_response_mid_body\":0.04,\"reset_request_mid_body\":0.04,"
                        "\"slowdown_503\":0.08,\"reset_before_response\":0.04,\"stall\":0.02,"
                        "\"stall_ms\":300}"),
            200);
  int succeeded = 0;
  for (int i = 0; i < 20; ++i) {
    auto queued = service_->StartRun("org", "faulty");
    ASSERT_TRUE(queued.ok());
    auto done = worker.RunOnce();
    ASSERT_TRUE(done.ok() && *done);
    const SyncRun& r = **done;
    EXPECT_EQ(r.status, RunStatus::kSucceeded) << "run " << i << ": " << r.error;
    if (r.status != RunStatus::kSucceeded) continue;
    ++succeeded;
    EXPECT_EQ(r.rows, 20000u);
    ReadBack rb = ReadRun(*bucket, "orders/" + r.id + "/");
    EXPECT_TRUE(rb.checksums_match) << r.id;
    EXPECT_EQ(rb.lines, 20000u) << r.id;
  }
  http::CurlTransport t;
  auto stats = t.Send(
      http::HttpRequest{"GET", Env("CROSSDOCK_FAULT_CONTROL") + "/stats", {}, "", nullptr, {}});
  Control("DELETE", "/faults");
  EXPECT_EQ(succeeded, 20);
  ASSERT_TRUE(stats.ok());
  auto j = nlohmann::json::parse(stats->body);
  int injected = 0;
  for (auto& [k, v] : j["injected"].items()) injected += v.get<int>();
  EXPECT_GT(injected, 10) << stats->body;
  auto state = InspectStaging(*bucket);
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->clean());
  std::cout << "faults injected over 20 runs: " << j["injected"].dump() << "\n";
}

TEST(Credentials, ARunOutlivesItsAssumedRoleCredentialsOnAnInjectedClock) {
  REQUIRE_PEER("CROSSDOCK_PG_URL", "CROSSDOCK_STS_ENDPOINT", "RGW_ROLE_ARN");
  PgSchema db;
  db.Exec("CREATE TABLE t (id bigint, h text)");
  db.Exec("INSERT INTO t SELECT i, md5(i::text) FROM generate_series(1, 30000) i");
  // The injected clock jumps 11 minutes during the run: past the refresh point (5 minutes
  // before the 15-minute session expires) yet inside the server's 15-minute skew window.
  ManualClock clock(std::chrono::system_clock::now());
  auto transport = std::make_shared<http::CurlTransport>();
  auto vendor = std::make_shared<aws::StaticCredentialsProvider>(aws::AwsCredentials{
      Env("RGW_VENDOR_ACCESS_KEY"), Env("RGW_VENDOR_SECRET_KEY"), "", std::nullopt});
  aws::AssumeRoleOptions ar;
  ar.role_arn = Env("RGW_ROLE_ARN");
  ar.region = Env("RGW_REGION");
  ar.endpoint_override = Env("CROSSDOCK_STS_ENDPOINT");
  ar.duration = std::chrono::seconds(900);  // the shortest session STS grants
  auto creds = aws::MakeCachedAssumeRole(vendor, ar, transport, clock);
  ASSERT_TRUE(creds.ok()) << creds.error().ToString();
  auto so = aws::s3::S3Options::FromCredentials(*creds);
  so.region = Env("RGW_REGION");
  so.endpoint_override = Env("CROSSDOCK_STS_ENDPOINT");
  so.clock = &clock;
  auto client = aws::s3::S3Client::Make(so, transport);
  ASSERT_TRUE(client.ok());
  auto bucket = std::make_shared<aws::s3::ScopedBucket>(
      *client, *aws::s3::ParseBucketScope(Env("RGW_BUCKET") + "/" + Env("RGW_PREFIX") + "/itest-" +
                                          RandomSuffix()));

  PostgresSourceOptions po;
  po.conninfo = Env("CROSSDOCK_PG_URL");
  po.table = db.Table("t");
  PostgresSource src(po);
  S3Destination dest(bucket);
  OutputOptions o;
  o.file_size = 32 * 1024;
  o.batch_rows = 1000;
  RunInfo run;
  run.sync_id = "sync_creds";
  run.run_id = "run_creds";
  std::optional<TimePoint> first_expiry;
  RunHooks hooks;
  hooks.on_progress = [&](const RunProgress& p) {
    if (p.rows == 10000) {
      first_expiry = (*creds)->Cached()->expiration;
      clock.Advance(std::chrono::minutes(11));
    }
  };
  uint64_t fetches_before = (*creds)->fetches();
  auto out = ExecuteRun(src, dest, run, o, hooks);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(out->manifest.rows, 30000u);
  ASSERT_TRUE(first_expiry.has_value());
  EXPECT_GE((*creds)->fetches() - fetches_before, 1u);
  EXPECT_GE((*creds)->fetches(), 2u) << "the credentials were refreshed during the run";
  EXPECT_GT(*(*creds)->Cached()->expiration, *first_expiry);
  ReadBack rb = ReadRun(*bucket, "run_creds/");
  EXPECT_TRUE(rb.checksums_match);
  EXPECT_EQ(rb.lines, 30000u);
  EXPECT_TRUE(InspectStaging(*bucket)->clean());
}

}  // namespace
}  // namespace crossdock::sync::testing
