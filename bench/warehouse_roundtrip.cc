// Warehouse connector benchmark: a PostgreSQL table of ROWS rows (bigint, int, text,
// numeric(12,2), timestamptz) through each connector against the peers, timed end to end:
//   1. PostgreSQL -> S3 staging -> Redshift (COPY)          rows/s, bytes staged
//   2. Redshift -> UNLOAD to S3 -> local CSV + zstd files    rows/s
//   3. PostgreSQL -> S3 staging -> Databricks (COPY INTO)    rows/s, bytes staged
// The warehouses are the test stand-ins (scripts/peers/start-warehouses.sh): Python servers
// that run COPY / UNLOAD / COPY INTO on PostgreSQL, so the figures bound crossdock's side
// (encode, compress, stage, poll) plus the stand-in's load, not a real warehouse's speed.
//
//   eval "$(scripts/peers/start.sh DIR)"; eval "$(scripts/peers/start-warehouses.sh)"
//   build/bench/warehouse_roundtrip [ROWS]     (default 1000000)
#include <libpq-fe.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/connect/service.h"
#include "crossdock/crypto/random.h"
#include "crossdock/crypto/secretbox.h"
#include "crossdock/store/store.h"
#include "crossdock/sync/jobs/connector.h"
#include "crossdock/sync/runner.h"

using namespace crossdock;        // NOLINT
using namespace crossdock::sync;  // NOLINT
namespace fs = std::filesystem;

namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) {
    std::fprintf(stderr, "%s is not set: start the peers and the warehouse peers first\n", name);
    std::exit(2);
  }
  return v;
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.error().ToString().c_str());
    std::exit(1);
  }
}

void Pg(const std::string& sql) {
  PGconn* c = PQconnectdb(Env("CROSSDOCK_PG_URL").c_str());
  PGresult* r = PQexec(c, sql.c_str());
  auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::fprintf(stderr, "%s\n", PQerrorMessage(c));
    std::exit(1);
  }
  PQclear(r);
  PQfinish(c);
}

struct Timed {
  RunOutcome outcome;
  double seconds = 0;
};

Timed RunOnce(Connector& connector, const std::string& org, const SyncSpec& spec,
              const std::string& run_id) {
  auto t0 = std::chrono::steady_clock::now();
  auto source = connector.MakeSource(org, spec, std::nullopt, run_id);
  Check(source.ok() ? OkStatus() : Status(source.error()), "source");
  auto dest = connector.MakeDestination(org, spec);
  Check(dest.ok() ? OkStatus() : Status(dest.error()), "destination");
  RunInfo info;
  info.sync_id = "bench";
  info.run_id = run_id;
  info.path = spec.destination.path;
  OutputOptions out;
  out.compression_level = 1;
  auto r = ExecuteRun(**source, **dest, info, out);
  Check(r.ok() ? OkStatus() : Status(r.error()), run_id.c_str());
  Timed t;
  t.outcome = std::move(*r);
  t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return t;
}

void Report(const char* name, uint64_t rows, const Timed& t, const char* bytes_what) {
  std::printf("| %s | %llu | %.1f | %.0f | %.1f MB %s |\n", name,
              static_cast<unsigned long long>(rows), t.seconds, rows / t.seconds,
              t.outcome.manifest.bytes / 1e6, bytes_what);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t rows = argc > 1 ? std::stoull(argv[1]) : 1000000;
  std::string suffix = std::to_string(std::time(nullptr));
  std::string schema = "bench_wh";
  Pg("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema +
     "; CREATE UNLOGGED TABLE " + schema +
     ".orders (id bigint, customer_id int, name text, amount numeric(12,2), created_at "
     "timestamptz); INSERT INTO " +
     schema +
     ".orders SELECT i, i % 100000, 'customer ' || (i % 100000), (i % 100000) / 7.0, "
     "timestamptz '2024-01-01' + i * interval '1 second' FROM generate_series(1, " +
     std::to_string(rows) + ") i");

  fs::path dir = fs::temp_directory_path() / ("crossdock-whbench-" + suffix);
  fs::create_directories(dir);
  store::StoreOptions so;
  so.location = (dir / "db.sqlite").string();
  so.secret_box = crypto::SecretBox::FromKey(crypto::RandomBytes(32)).value();
  auto store = store::OpenStore(std::move(so));
  Check(store.ok() ? OkStatus() : Status(store.error()), "store");
  auto org = (*store)->CreateOrganization("bench", false, Env("RGW_EXTERNAL_ID"));
  Check(org.ok() ? OkStatus() : Status(org.error()), "organization");
  connect::ConnectionService svc(**store);
  connect::Connection rs;
  rs.type = connect::ConnectionType::kRedshiftServerless;
  rs.name = "rs";
  rs.role_arn = Env("CROSSDOCK_REDSHIFT_ROLE_ARN");
  rs.region = Env("RGW_REGION");
  rs.bucket = Env("RGW_BUCKET");
  rs.path = "sync/whbench-" + suffix;
  rs.redshift.workgroup = Env("CROSSDOCK_REDSHIFT_WORKGROUP");
  rs.redshift.database = Env("CROSSDOCK_REDSHIFT_DATABASE");
  auto c1 = svc.CreateConnection(org->id, rs);
  Check(c1.ok() ? OkStatus() : Status(c1.error()), "redshift connection");
  connect::Connection db;
  db.type = connect::ConnectionType::kDatabricks;
  db.name = "dbx";
  db.role_arn = Env("CROSSDOCK_DATABRICKS_ROLE_ARN");
  db.region = Env("RGW_REGION");
  db.bucket = Env("RGW_BUCKET");
  db.path = rs.path;
  db.databricks.workspace_url = "https://dbc-bench.cloud.databricks.com";
  db.databricks.warehouse_id = Env("CROSSDOCK_DATABRICKS_WAREHOUSE_ID");
  db.databricks.token.value = Env("CROSSDOCK_DATABRICKS_TOKEN");
  db.databricks.storage_credential = Env("CROSSDOCK_DATABRICKS_CREDENTIAL");
  auto c2 = svc.CreateConnection(org->id, db);
  Check(c2.ok() ? OkStatus() : Status(c2.error()), "databricks connection");

  ConnectorOptions co;
  co.store = store->get();
  co.vendor_credentials = std::make_shared<aws::StaticCredentialsProvider>(aws::AwsCredentials{
      Env("RGW_VENDOR_ACCESS_KEY"), Env("RGW_VENDOR_SECRET_KEY"), "", std::nullopt});
  co.s3_endpoint = Env("CROSSDOCK_STS_ENDPOINT");
  co.sts_endpoint = co.s3_endpoint;
  co.redshift_data_endpoint = Env("CROSSDOCK_REDSHIFT_DATA_ENDPOINT");
  co.databricks_endpoint = Env("CROSSDOCK_DATABRICKS_HOST");
  Connector connector(co);

  std::printf("| path | rows | seconds | rows/s | bytes |\n|---|---|---|---|---|\n");
  SyncSpec to_rs;
  to_rs.source.type = SourceType::kPostgres;
  to_rs.source.url = Env("CROSSDOCK_PG_URL");
  to_rs.source.table = schema + ".orders";
  to_rs.destination.type = DestinationType::kRedshift;
  to_rs.destination.connection = "rs";
  to_rs.destination.table = "public.bench_" + suffix;
  Report("PostgreSQL -> S3 staging -> Redshift COPY", rows,
         RunOnce(connector, org->id, to_rs, "run_rs_" + suffix), "staged (JSON Lines + zstd)");

  SyncSpec from_rs;
  from_rs.source.type = SourceType::kRedshift;
  from_rs.source.connection = "rs";
  from_rs.source.table = to_rs.destination.table;
  from_rs.source.unload = true;
  from_rs.destination.type = DestinationType::kLocal;
  from_rs.destination.root = (dir / "out").string();
  from_rs.destination.path = "unload";
  Report("Redshift UNLOAD -> S3 -> local CSV + zstd", rows,
         RunOnce(connector, org->id, from_rs, "run_unload_" + suffix), "written (CSV + zstd)");

  SyncSpec to_dbx = to_rs;
  to_dbx.destination.type = DestinationType::kDatabricks;
  to_dbx.destination.connection = "dbx";
  to_dbx.destination.table = "main.default.bench_" + suffix;
  Report("PostgreSQL -> S3 staging -> Databricks COPY INTO", rows,
         RunOnce(connector, org->id, to_dbx, "run_dbx_" + suffix), "staged (JSON Lines + gzip)");

  Pg("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  fs::remove_all(dir);
  return 0;
}
