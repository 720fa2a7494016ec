// The job store's scale suite (job_store_suite.h) on a real PostgreSQL (CROSSDOCK_PG_URL),
// one schema per test, dropped afterwards.
#include "crossdock/crypto/random.h"
#include "sync/job_store_suite.h"

namespace crossdock::sync::testing {
namespace {

store::StoreOptions FreshPostgres() {
  store::StoreOptions o;
  o.location = crossdock::testing::Env("CROSSDOCK_PG_URL");
  o.postgres_schema = "crossdock_jobs_" + crypto::Base32Encode(crypto::RandomBytes(10));
  return o;
}

void DropSchema(const store::StoreOptions& o) {
  auto db = store::OpenPostgres(o.location);
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  Status st = (*db)->Transaction([&](store::SqlSession& s) -> Status {
    return s.ExecScript("DROP SCHEMA IF EXISTS \"" + o.postgres_schema + "\" CASCADE");
  });
  EXPECT_TRUE(st.ok()) << st.error().ToString();
}

INSTANTIATE_TEST_SUITE_P(Postgres, JobStoreScale,
                         ::testing::Values(JobBackend{"postgres", FreshPostgres, DropSchema,
                                                      "CROSSDOCK_PG_URL"}),
                         PrintJobBackend);

}  // namespace
}  // namespace crossdock::sync::testing
