// A tenant's PostgreSQL URL is judged on libpq's own parse: every way of naming a server
// (authority, ?host=, ?hostaddr=, lists, key=value, service=) is seen.
#include "crossdock/sync/sources/postgres_target.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace crossdock::sync {
namespace {

const std::vector<std::string> kAllowed = {"db.allowed.example"};

Status Check(const std::string& conninfo, const http::OutboundPolicy& policy = {}) {
  return CheckTenantPostgres(conninfo, kAllowed, policy, "source.url");
}

TEST(PostgresTargetTest, AcceptsOneAllowedHost) {
  EXPECT_TRUE(Check("postgresql://app@db.allowed.example/shop").ok());
  EXPECT_TRUE(Check("postgresql://app@db.allowed.example:6543/shop?sslmode=require").ok());
  EXPECT_TRUE(Check("host=db.allowed.example dbname=shop user=app").ok());
  EXPECT_TRUE(Check("postgresql://app@DB.Allowed.Example/shop").ok());
}

TEST(PostgresTargetTest, RefusesEveryOtherWayOfNamingTheServer) {
  for (const char* attack : {
           "postgresql://app@db.allowed.example/shop?host=127.0.0.1&port=5432",
           "postgresql://app@db.allowed.example/shop?hostaddr=127.0.0.1",
           "postgresql://app@db.allowed.example,127.0.0.1/shop",
           "postgresql://app@db.allowed.example/shop?host=db.allowed.example,127.0.0.1",
           "host=db.allowed.example hostaddr=127.0.0.1 dbname=shop",
           "host=127.0.0.1 dbname=shop",
           "postgresql://app@db.allowed.example/shop?service=internal",
           "service=internal",
           "postgresql://app@db.allowed.example/shop?passfile=/root/.pgpass",
           "postgresql://app@db.allowed.example/shop?sslkey=/etc/ssl/private/worker.key",
           "postgresql://app@db.allowed.example/shop?sslcert=/etc/ssl/worker.crt",
           "postgresql://app@db.allowed.example/shop?krbsrvname=x",
           "postgresql://app@/shop?host=/var/run/postgresql",
           "postgresql://app@db.allowed.example:5432,5433/shop",
           "postgresql:///shop",
           "postgresql://app@db.other.example/shop",
           "postgresql://app@db.allowed.example/shop?port=0",
           "not a conninfo ' at all",
       }) {
    Status st = Check(attack);
    ASSERT_FALSE(st.ok()) << attack;
    EXPECT_EQ(st.error().code(), ErrorCode::kInvalidArgument) << attack;
    EXPECT_EQ(st.error().field(), "source.url") << attack;
  }
}

TEST(PostgresTargetTest, RefusesAllowedNamesThatAreLoopbackUnlessTheNetworkIsAllowed) {
  std::vector<std::string> allowed = {"127.0.0.1", "localhost"};
  http::OutboundPolicy public_only;
  EXPECT_FALSE(
      CheckTenantPostgres("postgresql://app@127.0.0.1/shop", allowed, public_only, "u").ok());
  EXPECT_FALSE(
      CheckTenantPostgres("postgresql://app@localhost/shop", allowed, public_only, "u").ok());
  auto loopback = http::OutboundPolicy::FromStrings({"127.0.0.0/8", "::1"}, "allow");
  ASSERT_TRUE(loopback.ok());
  EXPECT_TRUE(CheckTenantPostgres("postgresql://app@127.0.0.1/shop", allowed, *loopback, "u").ok());
}

TEST(PostgresTargetTest, PinsTheResolvedAddressAndKeepsTheWorkersCredentialsOut) {
  auto loopback = http::OutboundPolicy::FromStrings({"127.0.0.0/8"}, "allow");
  ASSERT_TRUE(loopback.ok());
  auto pinned = PinTenantConninfo("postgresql://app@127.0.0.1:6543/shop", *loopback, "source.url");
  ASSERT_TRUE(pinned.ok()) << pinned.error().ToString();
  auto value = [&](const std::string& key) -> std::string {
    auto it = std::find(pinned->keys.begin(), pinned->keys.end(), key);
    return it == pinned->keys.end() ? "<unset>" : pinned->values[it - pinned->keys.begin()];
  };
  EXPECT_EQ(value("hostaddr"), "127.0.0.1");
  EXPECT_EQ(value("port"), "6543");
  EXPECT_EQ(value("dbname"), "shop");
  EXPECT_EQ(value("user"), "app");
  EXPECT_EQ(value("passfile"), "/dev/null");
  EXPECT_NE(value("password"), "<unset>");
  EXPECT_FALSE(value("password").empty());  // empty would make libpq read PGPASSWORD
  EXPECT_NE(value("sslkey"), "<unset>");
  EXPECT_NE(value("sslcert"), "<unset>");

  auto refused =
      PinTenantConninfo("postgresql://app@127.0.0.1/shop", http::OutboundPolicy{}, "source.url");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field(), "source.url");
}

TEST(PostgresTargetTest, ConnectFailuresAreCategoriesWithoutNetworkDetail) {
  std::string m = ConnectFailureCategory(
      "connection to server at \"10.0.0.7\", port 5432 failed: Connection refused\n\tIs the "
      "server running on that host and accepting TCP/IP connections?");
  EXPECT_EQ(m, "could not connect to the source database: connection refused");
  EXPECT_EQ(ConnectFailureCategory("connection to server at \"10.1.1.1\", port 5432 failed: "
                                   "FATAL:  password authentication failed for user \"x\""),
            "could not connect to the source database: authentication failed");
  EXPECT_EQ(ConnectFailureCategory("timeout expired"),
            "could not connect to the source database: the connection timed out");
  EXPECT_EQ(ConnectFailureCategory("server at 10.9.9.9 said something odd"),
            "could not connect to the source database: the connection failed");
}

}  // namespace
}  // namespace crossdock::sync
