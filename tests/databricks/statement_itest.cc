// The Databricks client against the fake workspace (scripts/peers/databricks_fake.py): SQL on
// the PostgreSQL peer, COPY INTO reading files staged in the RGW peer through the storage
// credential's role (assumed by the Unity Catalog stand-in with the Databricks External ID).
#include <gtest/gtest.h>

#include <random>

#include "crossdock/aws/credentials/assume_role_provider.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/aws/s3/s3_client.h"
#include "crossdock/databricks/statement_client.h"
#include "crossdock/databricks/unity_catalog_client.h"
#include "crossdock/http/curl_transport.h"
#include "testing/peers.h"

namespace crossdock::databricks {
namespace {

using testing::Env;

#define REQUIRE_DATABRICKS_PEER()                                                         \
  REQUIRE_PEER("CROSSDOCK_DATABRICKS_HOST", "CROSSDOCK_DATABRICKS_TOKEN",                 \
               "CROSSDOCK_DATABRICKS_WAREHOUSE_ID", "CROSSDOCK_DATABRICKS_CREDENTIAL",    \
               "CROSSDOCK_DATABRICKS_ROLE_ARN", "CROSSDOCK_STS_ENDPOINT", "RGW_ENDPOINT", \
               "RGW_REGION", "RGW_BUCKET", "RGW_PREFIX", "RGW_VENDOR_ACCESS_KEY",         \
               "RGW_VENDOR_SECRET_KEY", "RGW_EXTERNAL_ID", "CROSSDOCK_DATABRICKS_EXTERNAL_ID")

std::shared_ptr<http::HttpTransport> Curl() {
  static auto t = std::make_shared<http::CurlTransport>();
  return t;
}

std::string Suffix() {
  std::random_device rd;
  return std::to_string(rd() % 100000000);
}

class DatabricksItest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_DATABRICKS_PEER();
    auto c = StatementClient::Create(Curl(), SystemClock::Instance(), Options());
    ASSERT_TRUE(c.ok()) << c.error().ToString();
    client_.emplace(*c);
    poll_.initial_delay = std::chrono::milliseconds(20);
    poll_.max_delay = std::chrono::milliseconds(200);
    poll_.timeout = std::chrono::seconds(60);
  }

  static DatabricksOptions Options() {
    DatabricksOptions o;
    o.host = Env("CROSSDOCK_DATABRICKS_HOST");
    o.token = Env("CROSSDOCK_DATABRICKS_TOKEN");
    o.warehouse_id = Env("CROSSDOCK_DATABRICKS_WAREHOUSE_ID");
    return o;
  }

  Result<StatementResult> Sql(std::string sql) {
    StatementRequest r;
    r.statement = std::move(sql);
    return client_->Execute(r, poll_);
  }

  // S3 with the staging role, as crossdock stages files (vendor keys + External ID).
  std::shared_ptr<aws::s3::S3Client> Staging() {
    aws::AssumeRoleOptions o;
    o.role_arn = Env("CROSSDOCK_DATABRICKS_ROLE_ARN");
    o.role_session_name = "crossdock-databricks-itest";
    o.external_id = Env("RGW_EXTERNAL_ID");
    o.duration = std::chrono::seconds(900);
    o.region = Env("RGW_REGION");
    o.endpoint_override = Env("CROSSDOCK_STS_ENDPOINT");
    auto vendor = std::make_shared<aws::StaticCredentialsProvider>(aws::AwsCredentials{
        Env("RGW_VENDOR_ACCESS_KEY"), Env("RGW_VENDOR_SECRET_KEY"), "", std::nullopt});
    auto provider = aws::AssumeRoleProvider::Create(vendor, o, Curl(), SystemClock::Instance());
    if (!provider.ok()) return nullptr;
    auto creds = (*provider)->GetCredentials();
    if (!creds.ok()) return nullptr;
    auto s3o = aws::s3::S3Options::FromAccessKey(creds->access_key_id, creds->secret_access_key,
                                                 creds->session_token);
    s3o.region = Env("RGW_REGION");
    s3o.endpoint_override = Env("RGW_ENDPOINT");
    auto s3 = aws::s3::S3Client::Make(s3o, Curl());
    return s3.ok() ? *s3 : nullptr;
  }

  std::optional<StatementClient> client_;
  PollOptions poll_;
};

TEST_F(DatabricksItest, ResultsArriveInChunks) {
  StatementRequest r;
  r.statement = "select g as n, cast(g as string) as s from generate_series(1, 2500) g order by g";
  auto submitted = client_->Submit(r);
  ASSERT_TRUE(submitted.ok()) << submitted.error().ToString();
  EXPECT_EQ(submitted->state, StatementState::kPending);  // wait_timeout 0s: asynchronous
  auto done = client_->Wait(submitted->statement_id, poll_);
  ASSERT_TRUE(done.ok()) << done.error().ToString();
  ASSERT_TRUE(done->manifest);
  EXPECT_GT(done->manifest->total_chunk_count, 1);
  int chunks = 0;
  std::vector<Row> rows;
  ASSERT_TRUE(client_
                  ->ForEachChunk(*done,
                                 [&](ResultChunk& c) -> Status {
                                   EXPECT_EQ(c.chunk_index, chunks);
                                   ++chunks;
                                   for (auto& row : c.rows) rows.push_back(std::move(row));
                                   return OkStatus();
                                 })
                  .ok());
  EXPECT_EQ(chunks, done->manifest->total_chunk_count);
  ASSERT_EQ(rows.size(), 2500u);
  EXPECT_EQ(rows[2499][0], "2500");
  EXPECT_EQ(done->manifest->columns.at(1).type_name, "STRING");
}

TEST_F(DatabricksItest, CopyIntoFromStagingWithTheStorageCredential) {
  std::string s = Suffix(), schema = "itest_" + s;
  std::string prefix = Env("RGW_PREFIX") + "/itest-databricks-" + s + "/";
  auto s3 = Staging();
  ASSERT_NE(s3, nullptr);
  ASSERT_TRUE(s3->PutObject(Env("RGW_BUCKET"), prefix + "part-00000.csv",
                            "id,name,amount\n1,alpha,1.50\n2,\"b,eta\",2.25\n3,,\n")
                  .ok());
  ASSERT_TRUE(
      s3->PutObject(Env("RGW_BUCKET"), prefix + "part-00001.csv", "id,name,amount\n4,d,4\n").ok());
  ASSERT_TRUE(Sql("create schema if not exists main." + schema).ok());
  auto created = Sql("create table main." + schema +
                     ".orders (id bigint, name string, amount decimal(10,2)) using delta");
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  std::string copy = "copy into main." + schema + ".orders from 's3://" + Env("RGW_BUCKET") + "/" +
                     prefix + "' with (credential `" + Env("CROSSDOCK_DATABRICKS_CREDENTIAL") +
                     "`) fileformat = csv format_options ('header' = 'true')";
  auto loaded = Sql(copy);
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  ASSERT_EQ(loaded->rows.size(), 1u);
  EXPECT_EQ(loaded->rows[0][1], "4");  // num_inserted_rows
  auto again = Sql(copy);              // COPY INTO skips files it already loaded
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->rows[0][1], "0");
  StatementRequest q;
  q.statement = "select id, name, amount from orders order by id";
  q.catalog = "main";
  q.schema = schema;
  auto rows = client_->Execute(q, poll_);
  ASSERT_TRUE(rows.ok()) << rows.error().ToString();
  ASSERT_EQ(rows->rows.size(), 4u);
  EXPECT_EQ(rows->rows[1][1], "b,eta");
  EXPECT_EQ(rows->rows[1][2], "2.25");
  EXPECT_FALSE(rows->rows[2][1].has_value());
  EXPECT_EQ(rows->columns.at(2).type_name, "DECIMAL");

  auto no_credential = Sql("copy into main." + schema + ".orders from 's3://" + Env("RGW_BUCKET") +
                           "/" + prefix + "' fileformat = csv");
  ASSERT_FALSE(no_credential.ok());
  EXPECT_EQ(no_credential.error().code(), ErrorCode::kAccessDenied);

  for (const char* key : {"part-00000.csv", "part-00001.csv"}) {
    EXPECT_TRUE(s3->DeleteObject(Env("RGW_BUCKET"), prefix + key).ok());
  }
  EXPECT_TRUE(Sql("drop schema main." + schema + " cascade").ok());
}

TEST_F(DatabricksItest, StorageCredentialCarriesTheExternalIdTheTrustPolicyNeeds) {
  auto rest = RestClient::Create(Curl(), SystemClock::Instance(), Env("CROSSDOCK_DATABRICKS_HOST"),
                                 Env("CROSSDOCK_DATABRICKS_TOKEN"));
  ASSERT_TRUE(rest.ok());
  UnityCatalogClient uc(*rest);
  auto c = uc.GetStorageCredential(Env("CROSSDOCK_DATABRICKS_CREDENTIAL"));
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->role_arn, Env("CROSSDOCK_DATABRICKS_ROLE_ARN"));
  EXPECT_EQ(c->external_id, Env("CROSSDOCK_DATABRICKS_EXTERNAL_ID"));
  EXPECT_NE(c->unity_catalog_iam_arn.find("UCMasterRole"), std::string::npos);
  auto missing = uc.GetStorageCredential("no-such-credential");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  auto locations = uc.ListExternalLocations();
  EXPECT_TRUE(locations.ok()) << locations.error().ToString();
}

TEST_F(DatabricksItest, BadTokenIsUnauthenticated) {
  DatabricksOptions o = Options();
  o.token = "dapi-not-a-real-token";
  auto c = StatementClient::Create(Curl(), SystemClock::Instance(), o);
  ASSERT_TRUE(c.ok());
  StatementRequest r;
  r.statement = "select 1";
  auto res = c->Submit(r);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(res.error().http_status(), 401);
  EXPECT_EQ(res.error().ToString().find("dapi-not-a-real-token"), std::string::npos);
}

TEST_F(DatabricksItest, TimeoutCancelsTheStatement) {
  StatementRequest r;
  r.statement = "select pg_sleep(30)";
  auto s = client_->Submit(r);
  ASSERT_TRUE(s.ok());
  PollOptions quick = poll_;
  quick.timeout = std::chrono::milliseconds(700);
  auto w = client_->Wait(s->statement_id, quick);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code(), ErrorCode::kTimeout);
  auto after = client_->Wait(s->statement_id, poll_);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code(), ErrorCode::kCancelled) << after.error().ToString();
  auto failed = Sql("select * from main.default.no_such_table_" + Suffix());
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), ErrorCode::kNotFound) << failed.error().ToString();
}

}  // namespace
}  // namespace crossdock::databricks
