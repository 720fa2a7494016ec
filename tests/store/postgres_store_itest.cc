// The shared store suite on a real PostgreSQL (CROSSDOCK_PG_URL, started by the test peers).
// Each test gets its own schema, dropped afterwards, so tests neither see nor disturb each
// other or anything else in the database.
#include "crossdock/crypto/random.h"
#include "store/store_suite.h"

namespace crossdock::store::testing {
namespace {

StoreOptions FreshPostgres() {
  StoreOptions o;
  o.location = crossdock::testing::Env("CROSSDOCK_PG_URL");
  o.postgres_schema = "crossdock_test_" + crypto::Base32Encode(crypto::RandomBytes(10));
  return o;
}

void DropSchema(const StoreOptions& o) {
  auto db = OpenPostgres(o.location);
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  Status st = (*db)->Transaction([&](SqlSession& s) -> Status {
    return s.ExecScript("DROP SCHEMA IF EXISTS \"" + o.postgres_schema + "\" CASCADE");
  });
  EXPECT_TRUE(st.ok()) << st.error().ToString();
}

INSTANTIATE_TEST_SUITE_P(Postgres, StoreSuite,
                         ::testing::Values(Backend{"postgres", FreshPostgres, DropSchema,
                                                   "CROSSDOCK_PG_URL"}),
                         PrintBackend);

TEST(PostgresStore, AnUnreachableServerIsAClearErrorWithoutThePassword) {
  StoreOptions o;
  o.location = "postgresql://crossdock:hunter2@127.0.0.1:1/nothing?connect_timeout=2";
  auto s = OpenStore(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(s.error().field(), "db");
  EXPECT_EQ(s.error().message().find("hunter2"), std::string::npos);
  EXPECT_NE(s.error().message().find("--db"), std::string::npos);
}

TEST(PostgresStore, SchemasIsolateInstallations) {
  REQUIRE_PEER("CROSSDOCK_PG_URL");
  StoreOptions a = FreshPostgres(), b = FreshPostgres();
  {
    auto sa = OpenStore(a);
    auto sb = OpenStore(b);
    ASSERT_TRUE(sa.ok() && sb.ok());
    ASSERT_TRUE((*sa)->CreateOrganization("acme", false, "eid-a").ok());
    EXPECT_TRUE((*sb)->ListOrganizations({})->items.empty());
    // The same External ID in another installation is allowed: uniqueness is per database.
    EXPECT_TRUE((*sb)->CreateOrganization("acme", false, "eid-a").ok());
  }
  DropSchema(a);
  DropSchema(b);
}

}  // namespace
}  // namespace crossdock::store::testing
