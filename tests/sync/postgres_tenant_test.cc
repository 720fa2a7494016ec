// A tenant's PostgreSQL source against a server that asks for a cleartext password and
// records what it gets: the worker's PGPASSWORD and .pgpass are never sent, the connection
// goes to the checked address, and the error a tenant sees has no network detail.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include "crossdock/sync/sources/postgres_source.h"
#include "testing/password_trap.h"

namespace crossdock::sync {
namespace {

using crossdock::testing::PasswordTrap;

class PostgresTenantTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ =
        std::filesystem::temp_directory_path() / ("crossdock-pgpass-" + std::to_string(getpid()));
    std::filesystem::create_directories(home_);
    std::ofstream(home_ / "pgpass") << "*:*:*:*:worker-pgpass-secret\n";
    std::filesystem::permissions(
        home_ / "pgpass", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    setenv("PGPASSWORD", "worker-env-secret", 1);
    setenv("PGPASSFILE", (home_ / "pgpass").c_str(), 1);
  }
  void TearDown() override {
    unsetenv("PGPASSWORD");
    unsetenv("PGPASSFILE");
    std::filesystem::remove_all(home_);
  }
  std::filesystem::path home_;
};

TEST_F(PostgresTenantTest, TheWorkersCredentialsNeverReachATenantsServer) {
  PasswordTrap trap;
  auto policy = http::OutboundPolicy::FromStrings({"127.0.0.1"}, "allow-network");
  ASSERT_TRUE(policy.ok());
  PostgresSourceOptions o;
  o.conninfo = "postgresql://app@127.0.0.1:" + std::to_string(trap.port()) + "/shop";
  o.table = "orders";
  o.connect_timeout_s = 5;
  o.tenant_policy = std::make_shared<const http::OutboundPolicy>(*policy);
  PostgresSource source(o);
  auto opened = source.Open();
  ASSERT_FALSE(opened.ok());
  EXPECT_GE(trap.connections(), 1);
  std::string sent = trap.passwords();
  EXPECT_EQ(sent.find("worker-env-secret"), std::string::npos) << sent;
  EXPECT_EQ(sent.find("worker-pgpass-secret"), std::string::npos) << sent;
  EXPECT_EQ(opened.error().message(),
            "could not connect to the source database: authentication failed");
  EXPECT_EQ(opened.error().message().find("127.0.0.1"), std::string::npos);

  // The operator's own source (no tenant policy) still uses the worker's PGPASSWORD.
  PostgresSourceOptions own = o;
  own.tenant_policy = nullptr;
  PostgresSource operator_source(own);
  EXPECT_FALSE(operator_source.Open().ok());
  EXPECT_NE(trap.passwords().find("worker-env-secret"), std::string::npos);
}

TEST_F(PostgresTenantTest, LoopbackIsRefusedBeforeAnyConnection) {
  PasswordTrap trap;
  PostgresSourceOptions o;
  o.conninfo = "postgresql://app@127.0.0.1:" + std::to_string(trap.port()) + "/shop";
  o.table = "orders";
  o.tenant_policy = std::make_shared<const http::OutboundPolicy>();
  PostgresSource source(o);
  auto opened = source.Open();
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().field(), "source.url");
  EXPECT_EQ(trap.connections(), 0);
  // Hidden in the query string, the same.
  o.conninfo =
      "postgresql://app@db.allowed.example/shop?host=127.0.0.1&port=" + std::to_string(trap.port());
  PostgresSource hidden(o);
  EXPECT_FALSE(hidden.Open().ok());
  EXPECT_EQ(trap.connections(), 0);
}

TEST_F(PostgresTenantTest, ConnectionRefusedIsACategory) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  close(fd);  // nothing listens there now
  auto policy = http::OutboundPolicy::FromStrings({"127.0.0.1"}, "allow-network");
  PostgresSourceOptions o;
  o.conninfo = "host=127.0.0.1 port=" + std::to_string(port) + " dbname=shop user=app";
  o.table = "orders";
  o.tenant_policy = std::make_shared<const http::OutboundPolicy>(*policy);
  PostgresSource source(o);
  auto opened = source.Open();
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().message(),
            "could not connect to the source database: connection refused");
}

}  // namespace
}  // namespace crossdock::sync
