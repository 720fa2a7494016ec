// PostgreSQL -> S3 against the real peers: faithful type mapping, CSV + zstd with a manifest
// whose rows and checksums match, staging proved clean after success, failure and
// cancellation, and bad input (unknown table, unmappable type, a prefix the role may not
// write) failing with a clear error and nothing written.
#include <gtest/gtest.h>

#include "crossdock/sync/destinations/s3_destination.h"
#include "crossdock/sync/runner.h"
#include "crossdock/sync/sources/postgres_source.h"
#include "sync/sync_peers.h"
#include "testing/request_audit.h"

namespace crossdock::sync::testing {
namespace {

#define REQUIRE_SYNC_PEERS() \
  REQUIRE_PEER("CROSSDOCK_PG_URL", "CROSSDOCK_STS_ENDPOINT", "RGW_ROLE_ARN", "RGW_ENDPOINT")

PostgresSourceOptions Pg(const std::string& table) {
  PostgresSourceOptions o;
  o.conninfo = Env("CROSSDOCK_PG_URL");
  o.table = table;
  return o;
}

RunInfo NewRun(const std::string& run_id, const std::string& path = "out") {
  RunInfo r;
  r.sync_id = "sync_itest";
  r.run_id = run_id;
  r.path = path;
  return r;
}

void ExpectClean(aws::s3::ScopedBucket& bucket) {
  auto state = InspectStaging(bucket);
  ASSERT_TRUE(state.ok()) << state.error().ToString();
  EXPECT_TRUE(state->staged_objects.empty())
      << state->staged_objects.size() << " staged objects left, e.g. " << state->staged_objects[0];
  EXPECT_TRUE(state->uploads.empty()) << state->uploads.size() << " multipart uploads left";
}

TEST(PgTypes, EveryMappedTypeComesOutInItsCanonicalForm) {
  REQUIRE_PEER("CROSSDOCK_PG_URL");
  PgSchema db;
  db.Exec("CREATE TYPE mood AS ENUM ('sad', 'happy')");
  db.Exec(
      "CREATE TABLE t (i2 smallint, i8 bigint, n numeric(30,10), f8 float8, f4 real, b boolean, "
      "ts timestamp, tz timestamptz, d date, j json, jb jsonb, by bytea, tx text, vc varchar(5), "
      "u uuid, arr int[], tarr text[], m mood, iv interval, nn numeric)");
  db.Exec(
      "INSERT INTO t VALUES (-32768, 9223372036854775807, 12345678901234567890.0123456789, "
      "0.1, 1.5, true, '2024-02-29 23:59:59.123456', '2024-05-01 12:00:00+02', '1999-12-31', "
      "'{\"a\": [1, 2]}', '{\"b\": null}', '\\x00ff10', E'tab\\there\\nline, \"q\"', 'abc', "
      "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{1,2,NULL}', '{\"x y\",z}', 'happy', "
      "'1 day 2 hours', 'NaN')");
  db.Exec("INSERT INTO t (i2) VALUES (NULL)");
  PostgresSource src(Pg(db.Table("t")));
  auto schema = src.Open();
  ASSERT_TRUE(schema.ok()) << schema.error().ToString();
  ASSERT_EQ(schema->size(), 20u);
  EXPECT_EQ((*schema)[0].kind, ValueKind::kInteger);
  EXPECT_EQ((*schema)[2].kind, ValueKind::kNumeric);
  EXPECT_EQ((*schema)[2].source_type, "numeric(30,10)");
  EXPECT_EQ((*schema)[7].kind, ValueKind::kTimestamp);
  EXPECT_EQ((*schema)[10].kind, ValueKind::kJson);
  EXPECT_EQ((*schema)[11].kind, ValueKind::kBytes);
  EXPECT_EQ((*schema)[15].kind, ValueKind::kString);
  RowBatch b(schema->size());
  while (*src.Next(b, 100)) {
  }
  ASSERT_TRUE(src.Close().ok());
  ASSERT_EQ(b.rows(), 2u);
  const std::vector<std::string> want = {"-32768",
                                         "9223372036854775807",
                                         "12345678901234567890.0123456789",
                                         "0.1",
                                         "1.5",
                                         "true",
                                         "2024-02-29T23:59:59.123456",
                                         "2024-05-01T10:00:00Z",
                                         "1999-12-31",
                                         "{\"a\": [1, 2]}",
                                         "{\"b\": null}",
                                         "AP8Q",
                                         "tab\there\nline, \"q\"",
                                         "abc",
                                         "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                                         "{1,2,NULL}",
                                         "{\"x y\",z}",
                                         "happy",
                                         "P1DT2H",
                                         "NaN"};
  for (size_t c = 0; c < want.size(); ++c) {
    EXPECT_FALSE(b.IsNull(0, c)) << (*schema)[c].name;
    EXPECT_EQ(b.Value(0, c), want[c]) << (*schema)[c].name;
  }
  for (size_t c = 0; c < want.size(); ++c) EXPECT_TRUE(b.IsNull(1, c)) << c;
}

TEST(PgTypes, AnUnmappableColumnIsNamedAndAQueryCastFixesIt) {
  REQUIRE_PEER("CROSSDOCK_PG_URL");
  PgSchema db;
  db.Exec("CREATE TYPE pair AS (a int, b int)");
  db.Exec("CREATE TABLE t (id int, p pair, pt point)");
  db.Exec("INSERT INTO t VALUES (1, ROW(1, 2), point(1, 2))");
  PostgresSource src(Pg(db.Table("t")));
  auto schema = src.Open();
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(schema.error().message().find("column \"p\" has type " + db.name() + ".pair"),
            std::string::npos)
      << schema.error().message();
  PostgresSourceOptions q = Pg("");
  q.query = "SELECT id, p::text AS p, pt::text AS pt FROM " + db.Table("t");
  PostgresSource fixed(q);
  ASSERT_TRUE(fixed.Open().ok());
}

class PgToS3 : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_SYNC_PEERS();
    prefix_ = Env("RGW_PREFIX") + "/itest-" + RandomSuffix();
    connector_ = std::make_unique<Connector>(PeerConnectorOptions());
    auto b = connector_->OpenBucket("org", PeerTarget(prefix_));
    ASSERT_TRUE(b.ok()) << b.error().ToString();
    bucket_ = *b;
    db_ = std::make_unique<PgSchema>();
  }

  void MakeTable(int rows) {
    db_->Exec(
        "CREATE TABLE orders (id bigint PRIMARY KEY, name text, amount numeric(12,2), "
        "created timestamptz)");
    db_->Exec(
        "INSERT INTO orders SELECT i, 'customer ' || i || CASE WHEN i % 7 = 0 THEN ', "
        "\"vip\"' ELSE '' END, i * 1.25, timestamptz '2024-01-01 00:00:00+00' + i * "
        "interval '1 second' FROM generate_series(1, " +
        std::to_string(rows) + ") i");
  }

  std::string prefix_;
  std::unique_ptr<Connector> connector_;
  std::shared_ptr<aws::s3::ScopedBucket> bucket_;
  std::unique_ptr<PgSchema> db_;
};

TEST_F(PgToS3, TableToCsvZstdWithAManifestWhoseRowsAndChecksumsMatch) {
  MakeTable(60000);
  PostgresSource src(Pg(db_->Table("orders")));
  S3Destination dest(bucket_, PeerConnectorOptions().staging);
  OutputOptions o;  // CSV + zstd by default
  o.file_size = 256 * 1024;
  auto out = ExecuteRun(src, dest, NewRun("run_csv"), o);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(out->manifest.rows, 60000u);
  EXPECT_GT(out->manifest.files.size(), 1u);
  EXPECT_EQ(out->manifest_location, bucket_->scope().ToString() + "out/run_csv/manifest.json");
  ReadBack rb = ReadRun(*bucket_, "out/run_csv/");
  EXPECT_TRUE(rb.checksums_match);
  EXPECT_EQ(rb.lines, 60000u);
  EXPECT_EQ(rb.manifest.format, Format::kCsv);
  EXPECT_EQ(rb.manifest.compression, Compression::kZstd);
  ASSERT_FALSE(rb.files.empty());
  EXPECT_EQ(rb.files[0].substr(0, rb.files[0].find('\n')), "id,name,amount,created");
  EXPECT_NE(rb.files[0].find("\n7,\"customer 7, \"\"vip\"\"\",8.75,2024-01-01T00:00:07Z\n"),
            std::string::npos);
  // Every file has the header, and the files' rows add up to the manifest's.
  uint64_t sum = 0;
  for (const auto& f : rb.manifest.files) sum += f.rows;
  EXPECT_EQ(sum, 60000u);
  ExpectClean(*bucket_);
  auto listing = bucket_->List("");
  ASSERT_TRUE(listing.ok());
  EXPECT_EQ(listing->size(), rb.manifest.files.size() + 1) << "only the files and the manifest";
}

TEST_F(PgToS3, AFailureMidStreamLeavesNoOutputNoStagingAndNoUploads) {
  // Division by zero at row 30,000: the COPY fails after files were staged.
  PostgresSourceOptions q = Pg("");
  q.query =
      "SELECT i, md5(i::text) AS h, 1 / (i - 30000) AS boom FROM generate_series(1, "
      "40000) i";
  PostgresSource src(q);
  S3Destination dest(bucket_, PeerConnectorOptions().staging);
  OutputOptions o;
  o.file_size = 64 * 1024;
  o.compression = Compression::kGzip;
  auto out = ExecuteRun(src, dest, NewRun("run_fail"), o);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message().find("division by zero"), std::string::npos)
      << out.error().message();
  ExpectClean(*bucket_);
  EXPECT_TRUE(bucket_->List("out/")->empty());
}

TEST_F(PgToS3, CancellationMidRunCleansStaging) {
  MakeTable(50000);
  PostgresSource src(Pg(db_->Table("orders")));
  S3Destination dest(bucket_, PeerConnectorOptions().staging);
  OutputOptions o;
  o.file_size = 32 * 1024;
  o.batch_rows = 500;
  uint64_t rows = 0;
  RunHooks hooks;
  hooks.on_progress = [&](const RunProgress& p) { rows = p.rows; };
  hooks.cancelled = [&] { return rows >= 20000; };
  auto out = ExecuteRun(src, dest, NewRun("run_cancel"), o, hooks);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), ErrorCode::kCancelled);
  ExpectClean(*bucket_);
  EXPECT_TRUE(bucket_->List("out/")->empty());
}

TEST_F(PgToS3, AnUnknownTableIsNamedAndNothingIsWritten) {
  PostgresSource src(Pg(db_->Table("no_such_table")));
  S3Destination dest(bucket_);
  auto out = ExecuteRun(src, dest, NewRun("run_unknown"), OutputOptions{});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(out.error().message().find("no_such_table"), std::string::npos);
  EXPECT_TRUE(CustomerBucket(prefix_)->List("")->empty());
}

TEST_F(PgToS3, APrefixTheRoleMayNotWriteIsAClearErrorAndNothingIsWritten) {
  crossdock::testing::WaiveAudit("writes where the role may not, on purpose");
  MakeTable(10);
  std::string forbidden = "forbidden-" + RandomSuffix();
  auto b = connector_->OpenBucket("org", PeerTarget(forbidden));
  ASSERT_TRUE(b.ok());
  PostgresSource src(Pg(db_->Table("orders")));
  S3Destination dest(*b);
  auto out = ExecuteRun(src, dest, NewRun("run_denied"), OutputOptions{});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), ErrorCode::kAccessDenied) << out.error().ToString();
  EXPECT_NE(out.error().message().find("may not write to s3://" + Env("RGW_BUCKET") + "/" +
                                       forbidden + "/"),
            std::string::npos)
      << out.error().message();
  EXPECT_NE(out.error().message().find("s3:PutObject"), std::string::npos);
  EXPECT_TRUE(CustomerBucket(forbidden)->List("")->empty());
}

TEST_F(PgToS3, JsonLinesOfAQueryReadBackFromS3AsAFileSource) {
  MakeTable(1000);
  PostgresSourceOptions q = Pg("");
  q.query = "SELECT id, amount, created FROM " + db_->Table("orders") + " WHERE id <= 10;\n";
  PostgresSource src(q);
  S3Destination dest(bucket_);
  OutputOptions o;
  o.format = Format::kJsonLines;
  o.compression = Compression::kGzip;
  auto out = ExecuteRun(src, dest, NewRun("run_jsonl"), o);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  ReadBack rb = ReadRun(*bucket_, "out/run_jsonl/");
  ASSERT_EQ(rb.files.size(), 1u);
  EXPECT_EQ(rb.files[0].substr(0, rb.files[0].find('\n')),
            "{\"id\":1,\"amount\":1.25,\"created\":\"2024-01-01T00:00:01Z\"}");
  ExpectClean(*bucket_);
}

}  // namespace
}  // namespace crossdock::sync::testing
