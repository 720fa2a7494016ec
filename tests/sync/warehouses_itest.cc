// Warehouse connectors end to end against the peers: rows of a real PostgreSQL table go
// through S3 staging on Ceph RGW into the Redshift and Databricks stand-ins (whose COPY and
// COPY INTO read the staged objects under the customer's role), and back out of "Redshift"
// through UNLOAD to S3 and through the Data API. Every test checks values that break naive
// encoders (NULL next to "", quotes, pipes, backslashes, newlines, exact decimals,
// timestamps with zones), that a committed run is never loaded twice, and that no staged or
// unloaded object is left under the connection's prefix.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/aws/json_protocol.h"
#include "crossdock/aws/s3/checksum.h"
#include "crossdock/connect/service.h"
#include "crossdock/crypto/random.h"
#include "crossdock/databricks/statement_client.h"
#include "crossdock/http/curl_transport.h"
#include "crossdock/store/store.h"
#include "crossdock/sync/destinations/local_destination.h"
#include "crossdock/sync/runner.h"
#include "crossdock/sync/warehouses/redshift_source.h"
#include "sync/sync_peers.h"
#include "testing/temp_store.h"

namespace crossdock::sync::testing {
namespace {

namespace fs = std::filesystem;

#define REQUIRE_WAREHOUSE_PEERS()                                                                \
  REQUIRE_PEER("CROSSDOCK_PG_URL", "CROSSDOCK_STS_ENDPOINT", "CROSSDOCK_REDSHIFT_DATA_ENDPOINT", \
               "CROSSDOCK_REDSHIFT_ROLE_ARN", "CROSSDOCK_DATABRICKS_HOST",                       \
               "CROSSDOCK_DATABRICKS_ROLE_ARN", "RGW_EXTERNAL_ID", "CROSSDOCK_REDSHIFT_PG_HOST", \
               "CROSSDOCK_REDSHIFT_SERVERLESS_ENDPOINT", "RGW_VENDOR_ACCOUNT")

// A scratch store with one organization whose External ID is the one the peer roles trust,
// and connections to the stand-ins staging under customer-bucket/sync/<folder>.
class Warehouses : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_WAREHOUSE_PEERS();
    suffix_ = RandomSuffix();
    folder_ = "wh-" + suffix_;
    dir_ = fs::temp_directory_path() / ("crossdock-wh-" + suffix_);
    auto s = crossdock::testing::OpenTempStore(dir_);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
    auto org = store_->CreateOrganization("itest", false, Env("RGW_EXTERNAL_ID"));
    ASSERT_TRUE(org.ok()) << org.error().ToString();
    org_ = org->id;
    connect::ConnectionService svc(*store_);
    // Role connections are assumed as the vendor identity of their region's partition.
    ASSERT_TRUE(svc.SetVendorIdentity({Env("RGW_VENDOR_ACCOUNT"), "", {}}).ok());

    connect::Connection rs;
    rs.type = connect::ConnectionType::kRedshiftServerless;
    rs.name = "rs";
    rs.role_arn = Env("CROSSDOCK_REDSHIFT_ROLE_ARN");
    rs.region = Env("RGW_REGION");
    rs.bucket = Env("RGW_BUCKET");
    rs.path = "sync/" + folder_;
    rs.redshift.workgroup = Env("CROSSDOCK_REDSHIFT_WORKGROUP");
    rs.redshift.database = Env("CROSSDOCK_REDSHIFT_DATABASE");
    auto created = svc.CreateConnection(org_, rs);
    ASSERT_TRUE(created.ok()) << created.error().ToString();

    // The same workgroup reached through its "VPC endpoint" (libpq + GetCredentials).
    connect::Connection vpc = rs;
    vpc.name = "rs-vpc";
    vpc.redshift.access = connect::RedshiftAccess::kVpcEndpoint;
    vpc.redshift.vpc_endpoint_host = Env("CROSSDOCK_REDSHIFT_PG_HOST");
    vpc.redshift.vpc_endpoint_port = std::stoi(Env("CROSSDOCK_REDSHIFT_PG_PORT"));
    created = svc.CreateConnection(org_, vpc);
    ASSERT_TRUE(created.ok()) << created.error().ToString();

    connect::Connection db;
    db.type = connect::ConnectionType::kDatabricks;
    db.name = "dbx";
    db.role_arn = Env("CROSSDOCK_DATABRICKS_ROLE_ARN");
    db.region = Env("RGW_REGION");
    db.bucket = Env("RGW_BUCKET");
    db.path = "sync/" + folder_;
    db.databricks.workspace_url = "https://dbc-itest.cloud.databricks.com";
    db.databricks.warehouse_id = Env("CROSSDOCK_DATABRICKS_WAREHOUSE_ID");
    db.databricks.token.value = Env("CROSSDOCK_DATABRICKS_TOKEN");
    db.databricks.storage_credential = Env("CROSSDOCK_DATABRICKS_CREDENTIAL");
    created = svc.CreateConnection(org_, db);
    ASSERT_TRUE(created.ok()) << created.error().ToString();

    connector_ = std::make_unique<Connector>(Options());

    pg_.Exec(
        "CREATE TABLE orders (id bigint, name text, amount numeric(12,2), placed timestamptz, "
        "paid boolean, day date)");
    pg_.Exec(
        "INSERT INTO orders VALUES "
        "(1, 'plain', 10.50, '2024-05-01 12:00:00+02', true, '2024-05-01'), "
        "(2, '', 0.01, '2024-05-02 00:00:00+00', false, '2024-05-02'), "
        "(3, NULL, NULL, NULL, NULL, NULL), "
        "(4, E'quote \" pipe | back\\\\slash\\nnewline, comma', 1234567890.99, "
        "'1999-12-31 23:59:59.5+00', true, '1999-12-31')");
  }

  ConnectorOptions Options() {
    ConnectorOptions co = PeerConnectorOptions();
    co.store = store_.get();
    co.redshift_data_endpoint = Env("CROSSDOCK_REDSHIFT_DATA_ENDPOINT");
    co.databricks_endpoint = Env("CROSSDOCK_DATABRICKS_HOST");
    co.redshift_serverless_endpoint = Env("CROSSDOCK_REDSHIFT_SERVERLESS_ENDPOINT");
    co.redshift_vpc_database = Env("CROSSDOCK_REDSHIFT_PG_DATABASE");
    co.redshift_poll.initial_delay = std::chrono::milliseconds(50);
    co.redshift_poll.max_delay = std::chrono::milliseconds(200);
    co.databricks_poll.initial_delay = std::chrono::milliseconds(50);
    co.databricks_poll.max_delay = std::chrono::milliseconds(200);
    return co;
  }

  void TearDown() override {
    if (store_) {
      (void)RedshiftSql("DROP TABLE IF EXISTS public.orders_" + suffix_);
      (void)RedshiftSql("DROP TABLE IF EXISTS public.orders_" + suffix_ + "_m");
      (void)DatabricksSql("DROP TABLE IF EXISTS main.default.orders_" + suffix_);
      (void)DatabricksSql("DROP TABLE IF EXISTS main.default.orders_" + suffix_ + "_m");
    }
    connector_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  SyncSpec PgTo(const std::string& type, const std::string& table, const std::string& mode = {},
                std::vector<std::string> keys = {}) {
    SyncSpec spec;
    spec.source.type = SourceType::kPostgres;
    spec.source.url = Env("CROSSDOCK_PG_URL");
    spec.source.table = pg_.Table("orders");
    spec.destination.type =
        type == "redshift" ? DestinationType::kRedshift : DestinationType::kDatabricks;
    spec.destination.connection = type == "redshift" ? "rs" : "dbx";
    spec.destination.table = table;
    spec.destination.mode = mode;
    spec.destination.merge_keys = std::move(keys);
    return spec;
  }

  Result<RunOutcome> Run(const SyncSpec& spec, const std::string& run_id) {
    ASSIGN_OR_RETURN(auto source, connector_->MakeSource(org_, spec, std::nullopt, run_id));
    ASSIGN_OR_RETURN(auto dest, connector_->MakeDestination(org_, spec));
    RunInfo info;
    info.sync_id = "sync_wh";
    info.run_id = run_id;
    info.path = spec.destination.path;
    OutputOptions out;
    out.file_size = 1 << 10;  // several staged files even for a few rows
    return ExecuteRun(*source, *dest, info, out);
  }

  // Rows of a Redshift query as text ("NULL" for NULL), one string per row joined by '|'.
  std::vector<std::string> RedshiftRows(const std::string& sql) {
    std::vector<std::string> out;
    auto r = RedshiftSql(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.error().ToString();
    if (!r.ok()) return out;
    for (const auto& row : r->rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        line += (i ? "|" : "") + (row[i].is_null() ? std::string("NULL") : row[i].ToText());
      }
      out.push_back(line);
    }
    return out;
  }

  Result<aws::redshift::StatementResult> RedshiftSql(const std::string& sql) {
    connect::Connection conn;
    static auto transport = std::make_shared<http::CurlTransport>();
    ConnectorOptions co = PeerConnectorOptions();
    auto vendor = co.vendor_credentials;
    aws::AssumeRoleOptions ar;
    ar.role_arn = Env("CROSSDOCK_REDSHIFT_ROLE_ARN");
    ar.external_id = Env("RGW_EXTERNAL_ID");
    ar.region = Env("RGW_REGION");
    ar.endpoint_override = Env("CROSSDOCK_STS_ENDPOINT");
    ar.role_session_name = "crossdock-wh-itest";
    ASSIGN_OR_RETURN(auto provider, aws::AssumeRoleProvider::Create(vendor, ar, transport,
                                                                    SystemClock::Instance()));
    auto client = std::make_shared<aws::AwsClient>(transport, provider, SystemClock::Instance());
    aws::redshift::RedshiftDataOptions ro;
    ro.region = Env("RGW_REGION");
    ro.endpoint_override = Env("CROSSDOCK_REDSHIFT_DATA_ENDPOINT");
    ASSIGN_OR_RETURN(auto data, aws::redshift::RedshiftDataClient::Create(client, ro));
    aws::redshift::ExecuteStatementParams p;
    p.target = {Env("CROSSDOCK_REDSHIFT_WORKGROUP"), "", Env("CROSSDOCK_REDSHIFT_DATABASE")};
    p.sql = sql;
    aws::redshift::PollOptions poll;
    poll.initial_delay = std::chrono::milliseconds(50);
    return data.Query(p, poll);
  }

  std::vector<std::string> DatabricksRows(const std::string& sql) {
    std::vector<std::string> out;
    auto r = DatabricksSql(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.error().ToString();
    if (!r.ok()) return out;
    for (const auto& row : r->rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) line += (i ? "|" : "") + row[i].value_or("NULL");
      out.push_back(line);
    }
    return out;
  }

  Result<databricks::StatementResult> DatabricksSql(const std::string& sql) {
    static auto transport = std::make_shared<http::CurlTransport>();
    databricks::DatabricksOptions o;
    o.host = Env("CROSSDOCK_DATABRICKS_HOST");
    o.token = Env("CROSSDOCK_DATABRICKS_TOKEN");
    o.warehouse_id = Env("CROSSDOCK_DATABRICKS_WAREHOUSE_ID");
    ASSIGN_OR_RETURN(auto client,
                     databricks::StatementClient::Create(transport, SystemClock::Instance(), o));
    databricks::StatementRequest req;
    req.statement = sql;
    databricks::PollOptions poll;
    poll.initial_delay = std::chrono::milliseconds(50);
    return client.Execute(req, poll);
  }

  void ExpectNothingStaged() {
    auto bucket = CustomerBucket("sync/" + folder_);
    auto state = InspectStaging(*bucket);
    ASSERT_TRUE(state.ok()) << state.error().ToString();
    EXPECT_TRUE(state->clean()) << state->staged_objects.size() << " staged objects and "
                                << state->uploads.size() << " uploads left";
    auto all = bucket->List("");
    ASSERT_TRUE(all.ok());
    EXPECT_TRUE(all->empty()) << all->size() << " objects left, e.g. " << (*all)[0].key;
  }

  PgSchema pg_;
  std::string suffix_, folder_, org_;
  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Connector> connector_;
};

const char kRow4Name[] = "quote \" pipe | back\\slash\nnewline, comma";

TEST_F(Warehouses, PostgresToRedshiftAppendsOnceThenMerges) {
  std::string table = "public.orders_" + suffix_;
  auto first = Run(PgTo("redshift", table), "run_rs_1_" + suffix_);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->manifest.rows, 4u);
  EXPECT_GE(first->manifest.files.size(), 1u);
  EXPECT_EQ(first->manifest.format, Format::kJsonLines);
  ExpectNothingStaged();

  auto rows =
      RedshiftRows("SELECT id, name, amount, placed, paid, day FROM " + table + " ORDER BY id");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], "1|plain|10.50|2024-05-01 10:00:00+00|true|2024-05-01");
  EXPECT_EQ(rows[1], "2||0.01|2024-05-02 00:00:00+00|false|2024-05-02");
  EXPECT_EQ(rows[2], "3|NULL|NULL|NULL|NULL|NULL");
  EXPECT_EQ(rows[3], std::string("4|") + kRow4Name +
                         "|1234567890.99|1999-12-31 23:59:59.5+00|true|1999-12-31");

  // The same run again (a worker that took over after the commit): nothing is loaded twice.
  auto again = Run(PgTo("redshift", table), "run_rs_1_" + suffix_);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_TRUE(again->already_committed);
  EXPECT_EQ(again->manifest.rows, 4u);
  EXPECT_EQ(RedshiftRows("SELECT count(*) FROM " + table)[0], "4");

  // Merge on id: changed rows replace theirs, new rows are added, nothing is duplicated.
  pg_.Exec("UPDATE orders SET name = 'renamed', amount = 99.99 WHERE id = 1");
  pg_.Exec("INSERT INTO orders VALUES (5, 'new', 5.00, NULL, false, NULL)");
  auto merged = Run(PgTo("redshift", table, "merge", {"id"}), "run_rs_2_" + suffix_);
  ASSERT_TRUE(merged.ok()) << merged.error().ToString();
  rows = RedshiftRows("SELECT id, name, amount FROM " + table + " ORDER BY id");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0], "1|renamed|99.99");
  EXPECT_EQ(rows[4], "5|new|5.00");
  EXPECT_EQ(RedshiftRows("SELECT count(*) FROM public.crossdock_loads WHERE run_id IN "
                         "('run_rs_1_" +
                         suffix_ + "', 'run_rs_2_" + suffix_ + "')")[0],
            "2");

  // Replace: the table holds exactly the source's rows.
  pg_.Exec("DELETE FROM orders WHERE id > 2");
  auto replaced = Run(PgTo("redshift", table, "replace"), "run_rs_3_" + suffix_);
  ASSERT_TRUE(replaced.ok()) << replaced.error().ToString();
  EXPECT_EQ(RedshiftRows("SELECT count(*) FROM " + table)[0], "2");
  ExpectNothingStaged();
}

TEST_F(Warehouses, RedshiftUnloadDataApiAndVpcEndpointReadTheSameRows) {
  std::string table = "public.orders_" + suffix_;
  ASSERT_TRUE(Run(PgTo("redshift", table), "run_load_" + suffix_).ok());
  for (const char* way : {"unload", "data api", "vpc endpoint"}) {
    SCOPED_TRACE(way);
    bool unload = std::string(way) == "unload";
    SyncSpec spec;
    spec.source.type = SourceType::kRedshift;
    spec.source.connection = std::string(way) == "vpc endpoint" ? "rs-vpc" : "rs";
    spec.source.query = "SELECT id, name, amount, placed, paid, day FROM " + table;
    spec.source.unload = unload;
    spec.destination.type = DestinationType::kLocal;
    spec.destination.root = (dir_ / "out").string();
    spec.destination.path = "out";
    ASSERT_TRUE(connector_->MakeDestination(org_, spec).ok());
    auto source = connector_->MakeSource(org_, spec, std::nullopt, "run_out_" + suffix_);
    ASSERT_TRUE(source.ok()) << source.error().ToString();
    auto schema = (*source)->Open();
    ASSERT_TRUE(schema.ok()) << schema.error().ToString();
    ASSERT_EQ(schema->size(), 6u);
    EXPECT_EQ((*schema)[0].kind, ValueKind::kInteger);
    EXPECT_EQ((*schema)[2].kind, ValueKind::kNumeric);
    EXPECT_EQ((*schema)[3].kind, ValueKind::kTimestamp);
    EXPECT_EQ((*schema)[4].kind, ValueKind::kBoolean);
    RowBatch batch(schema->size());
    while (true) {
      auto more = (*source)->Next(batch, 2);
      ASSERT_TRUE(more.ok()) << more.error().ToString();
      if (!*more) break;
    }
    ASSERT_TRUE((*source)->Close().ok());
    ASSERT_EQ(batch.rows(), 4u);
    std::map<std::string, std::vector<std::string>> by_id;
    for (size_t r = 0; r < batch.rows(); ++r) {
      std::vector<std::string> cells;
      for (size_t c = 0; c < batch.columns(); ++c) {
        cells.push_back(batch.IsNull(r, c) ? "NULL" : std::string(batch.Value(r, c)));
      }
      by_id[cells[0]] = cells;
    }
    EXPECT_EQ(by_id["1"], (std::vector<std::string>{"1", "plain", "10.50", "2024-05-01T10:00:00Z",
                                                    "true", "2024-05-01"}));
    EXPECT_EQ(by_id["2"][1], "");
    EXPECT_EQ(by_id["3"], (std::vector<std::string>{"3", "NULL", "NULL", "NULL", "NULL", "NULL"}));
    EXPECT_EQ(by_id["4"][1], kRow4Name);
    EXPECT_EQ(by_id["4"][3], "1999-12-31T23:59:59.5Z");
    ExpectNothingStaged();  // the unloaded files are gone
  }
}

TEST_F(Warehouses, RedshiftIncrementalReadsOnlyNewRowsEveryWay) {
  std::string table = "public.orders_" + suffix_;
  ASSERT_TRUE(Run(PgTo("redshift", table), "run_load_" + suffix_).ok());
  for (const char* way : {"unload", "data api", "vpc endpoint"}) {
    SCOPED_TRACE(way);
    SyncSpec spec;
    spec.source.type = SourceType::kRedshift;
    spec.source.connection = std::string(way) == "vpc endpoint" ? "rs-vpc" : "rs";
    spec.source.table = table;
    spec.source.unload = std::string(way) == "unload";
    spec.cursor_column = "id";
    auto read = [&](const std::optional<std::string>& after, std::optional<std::string>* end) {
      std::vector<std::string> ids;
      auto source = connector_->MakeSource(org_, spec, after, "run_inc_" + suffix_);
      EXPECT_TRUE(source.ok()) << source.error().ToString();
      if (!source.ok()) return ids;
      auto schema = (*source)->Open();
      EXPECT_TRUE(schema.ok()) << schema.error().ToString();
      if (!schema.ok()) return ids;
      RowBatch batch(schema->size());
      while (true) {
        auto more = (*source)->Next(batch, 100);
        EXPECT_TRUE(more.ok());
        if (!more.ok() || !*more) break;
      }
      for (size_t r = 0; r < batch.rows(); ++r) ids.emplace_back(batch.Value(r, 0));
      *end = (*source)->EndCursor();
      EXPECT_TRUE((*source)->Close().ok());
      return ids;
    };
    std::optional<std::string> end;
    EXPECT_EQ(read(std::nullopt, &end), (std::vector<std::string>{"1", "2", "3", "4"}));
    EXPECT_EQ(end, std::optional<std::string>("4"));
    EXPECT_EQ(read(std::string("2"), &end), (std::vector<std::string>{"3", "4"}));
    EXPECT_EQ(read(std::string("4"), &end), std::vector<std::string>{});
    EXPECT_EQ(end, std::nullopt);  // nothing new: the saved cursor stays
  }
  ExpectNothingStaged();
}

TEST_F(Warehouses, RedshiftUnloadRunsThroughTheEngineIntoS3) {
  std::string table = "public.orders_" + suffix_;
  ASSERT_TRUE(Run(PgTo("redshift", table), "run_load_" + suffix_).ok());
  SyncSpec spec;
  spec.source.type = SourceType::kRedshift;
  spec.source.connection = "rs";
  spec.source.table = table;
  spec.source.unload = true;
  spec.destination.type = DestinationType::kLocal;
  spec.destination.root = (dir_ / "out").string();
  spec.destination.path = "orders";
  auto out = Run(spec, "run_unload_1_" + suffix_);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(out->manifest.rows, 4u);
  ExpectNothingStaged();
}

TEST_F(Warehouses, PostgresToDatabricksAppendsOnceThenMerges) {
  std::string table = "main.default.orders_" + suffix_;
  auto first = Run(PgTo("databricks", table), "run_dbx_1_" + suffix_);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->manifest.rows, 4u);
  ExpectNothingStaged();
  auto rows = DatabricksRows("SELECT id, name, amount, paid, day FROM " + table + " ORDER BY id");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], "1|plain|10.50|true|2024-05-01");
  EXPECT_EQ(rows[1], "2||0.01|false|2024-05-02");
  EXPECT_EQ(rows[2], "3|NULL|NULL|NULL|NULL");
  EXPECT_EQ(rows[3], std::string("4|") + kRow4Name + "|1234567890.99|true|1999-12-31");

  auto again = Run(PgTo("databricks", table), "run_dbx_1_" + suffix_);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_TRUE(again->already_committed);
  EXPECT_EQ(DatabricksRows("SELECT count(*) FROM " + table)[0], "4");

  pg_.Exec("UPDATE orders SET name = 'renamed' WHERE id = 2");
  pg_.Exec("INSERT INTO orders VALUES (5, 'new', 5.00, NULL, false, NULL)");
  auto merged = Run(PgTo("databricks", table, "merge", {"id"}), "run_dbx_2_" + suffix_);
  ASSERT_TRUE(merged.ok()) << merged.error().ToString();
  rows = DatabricksRows("SELECT id, name FROM " + table + " ORDER BY id");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[1], "2|renamed");
  EXPECT_EQ(rows[4], "5|new");
  // The merge's per-run staging table is gone.
  auto stage = DatabricksSql("SELECT * FROM main.default.orders_" + suffix_ +
                             "__crossdock_run_dbx_2_" + suffix_ + " LIMIT 0");
  EXPECT_FALSE(stage.ok());
  ExpectNothingStaged();
}

TEST_F(Warehouses, BadInputFailsBeforeAnythingIsStaged) {
  // A merge key the source does not have.
  auto r =
      Run(PgTo("redshift", "public.orders_" + suffix_, "merge", {"nope"}), "run_bad_1_" + suffix_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field(), "destination.merge_keys");
  EXPECT_NE(r.error().message().find("nope"), std::string::npos);
  // A Databricks destination given the Redshift connection.
  SyncSpec wrong = PgTo("databricks", "main.default.orders_" + suffix_);
  wrong.destination.connection = "rs";
  auto d = connector_->MakeDestination(org_, wrong);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message().find("databricks connection"), std::string::npos);
  // Replace is refused for Databricks.
  auto rep =
      Run(PgTo("databricks", "main.default.orders_" + suffix_, "replace"), "run_bad_2_" + suffix_);
  ASSERT_FALSE(rep.ok());
  EXPECT_EQ(rep.error().field(), "destination.mode");
  // A query Redshift rejects: the error carries Redshift's message, nothing is unloaded.
  SyncSpec bad;
  bad.source.type = SourceType::kRedshift;
  bad.source.connection = "rs";
  bad.source.query = "SELECT * FROM no_such_table_" + suffix_;
  bad.source.unload = true;
  auto src = connector_->MakeSource(org_, bad, std::nullopt, "run_bad_3_" + suffix_);
  ASSERT_TRUE(src.ok());
  auto opened = (*src)->Open();
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message().find("no_such_table_" + suffix_), std::string::npos)
      << opened.error().ToString();
  ASSERT_TRUE((*src)->Close().ok());
  ExpectNothingStaged();
}

}  // namespace
}  // namespace crossdock::sync::testing

namespace crossdock::sync::testing {
namespace {

// A Kinesis stream (kinesalite) into both warehouses through a stored kinesis connection (its
// role assumed with the organization's External ID): JSON payloads land as their JSON text,
// others as base64, and a second run from the committed checkpoint loads nothing again.
TEST_F(Warehouses, KinesisStreamIntoRedshiftAndDatabricks) {
  REQUIRE_PEER("CROSSDOCK_KINESIS_ENDPOINT", "RGW_ROLE_ARN", "RGW_CUSTOMER_ACCOUNT");
  std::string stream = "wh-" + suffix_;
  for (char& c : stream) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // The producer: kinesalite checks that requests are signed, not by whom.
  auto transport = std::make_shared<http::CurlTransport>();
  auto producer = std::make_shared<aws::AwsClient>(
      transport,
      std::make_shared<aws::StaticCredentialsProvider>(aws::AwsCredentials{
          Env("RGW_VENDOR_ACCESS_KEY"), Env("RGW_VENDOR_SECRET_KEY"), "", std::nullopt}),
      SystemClock::Instance());
  auto put = [&](const std::string& op, const nlohmann::json& body) {
    auto r =
        producer->Send(aws::MakeJsonRequest(Env("CROSSDOCK_KINESIS_ENDPOINT"), "us-east-1",
                                            "kinesis", "Kinesis_20131202." + op, body.dump(), op));
    ASSERT_TRUE(r.ok()) << op << ": " << r.error().ToString();
  };
  put("CreateStream", {{"StreamName", stream}, {"ShardCount", 2}});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  put("PutRecord", {{"StreamName", stream},
                    {"PartitionKey", "a"},
                    {"Data", aws::s3::Base64Encode("{\"n\": 1, \"s\": \"x\"}")}});
  put("PutRecord",
      {{"StreamName", stream}, {"PartitionKey", "b"}, {"Data", aws::s3::Base64Encode("plain")}});

  connect::ConnectionService svc(*store_);
  connect::Connection k;
  k.type = connect::ConnectionType::kKinesis;
  k.name = "clicks";
  k.role_arn = Env("RGW_ROLE_ARN");
  k.kinesis.stream_arn =
      "arn:aws:kinesis:us-east-1:" + Env("RGW_CUSTOMER_ACCOUNT") + ":stream/" + stream;
  auto created = svc.CreateConnection(org_, k);
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  ConnectorOptions co = Options();
  co.kinesis_endpoint = Env("CROSSDOCK_KINESIS_ENDPOINT");
  // Kinesis calls are outside the S3 policies the request audit of these tests holds.
  co.transport = transport;
  Connector connector(co);

  for (const std::string type : {"redshift", "databricks"}) {
    SyncSpec spec;
    spec.source.type = SourceType::kKinesis;
    spec.source.connection = "clicks";
    spec.destination.type =
        type == "redshift" ? DestinationType::kRedshift : DestinationType::kDatabricks;
    spec.destination.connection = type == "redshift" ? "rs" : "dbx";
    spec.destination.table =
        (type == "redshift" ? "public.orders_" : "main.default.orders_") + suffix_;
    std::optional<std::string> cursor;
    for (int run = 1; run <= 2; ++run) {
      auto source = connector.MakeSource(org_, spec, cursor);
      ASSERT_TRUE(source.ok()) << source.error().ToString();
      auto dest = connector.MakeDestination(org_, spec);
      ASSERT_TRUE(dest.ok()) << dest.error().ToString();
      RunInfo info;
      info.sync_id = "sync_k";
      info.run_id = "run_k" + std::to_string(run) + "_" + type + "_" + suffix_;
      auto outcome = ExecuteRun(**source, **dest, info, OutputOptions{});
      ASSERT_TRUE(outcome.ok()) << type << ": " << outcome.error().ToString();
      EXPECT_EQ(outcome->manifest.rows, run == 1 ? 2u : 0u) << type;
      cursor = outcome->manifest.cursor;
      ASSERT_TRUE(cursor.has_value());
    }
    std::string sql = "SELECT partition_key, data_encoding, data FROM " + spec.destination.table +
                      " ORDER BY partition_key";
    auto rows = type == "redshift" ? RedshiftRows(sql) : DatabricksRows(sql);
    ASSERT_EQ(rows.size(), 2u) << type;
    // The JSON payload as a JSON document (each warehouse spaces it its own way).
    ASSERT_EQ(rows[0].rfind("a|json|", 0), 0u) << type << ": " << rows[0];
    EXPECT_EQ(nlohmann::json::parse(rows[0].substr(7)), nlohmann::json({{"n", 1}, {"s", "x"}}))
        << type;
    EXPECT_EQ(rows[1], "b|base64|cGxhaW4=") << type;
  }
  ExpectNothingStaged();
  put("DeleteStream", {{"StreamName", stream}});
}

}  // namespace
}  // namespace crossdock::sync::testing
