// Tenants' PostgreSQL sources against a real `crossdock serve` process started with the
// worker's own PGPASSWORD and .pgpass in its environment: a postgres connection carries its
// own password (stored encrypted, never returned), a sync created over the API reads the
// real PostgreSQL peer with it, a wrong password fails with a category, and a tenant's host
// never receives the worker's password.
#include <libpq-fe.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <thread>

#include "serve_binary.h"
#include "server_fixture.h"
#include "testing/password_trap.h"
#include "testing/peers.h"

namespace crossdock::server::testing {
namespace {

using crossdock::testing::Env;
using crossdock::testing::PasswordTrap;
using nlohmann::json;

constexpr const char* kWorkerEnvSecret = "worker-env-secret-4f1c";
constexpr const char* kWorkerFileSecret = "worker-pgpass-secret-9a2e";

// `crossdock serve` with one embedded worker, the peers' S3 endpoint, loopback allowed for
// tenants (the PostgreSQL peer and the trap run there) and the worker's own PostgreSQL
// credentials in its environment.
class PgServe : public ServeBinary {
 public:
  PgServe()
      : ServeBinary({"--workers", "1", "--allow-postgres-host", "127.0.0.1", "--allow-network",
                     "127.0.0.1", "--s3-endpoint", Env("RGW_ENDPOINT")},
                    [](const std::filesystem::path& dir, Environment& env) {
                      std::ofstream(dir / "pgpass") << "*:*:*:*:" << kWorkerFileSecret << "\n";
                      std::filesystem::permissions(
                          dir / "pgpass",
                          std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
                      env.emplace_back("PGPASSWORD", kWorkerEnvSecret);
                      env.emplace_back("PGPASSFILE", (dir / "pgpass").string());
                    }) {}
};

// The PostgreSQL peer as its administrator: a login role with a password and a table it may
// read, dropped at the end.
class PgRole {
 public:
  PgRole() {
    // The suite's user may not create roles: the peer's superuser over its Unix socket
    // (trusted locally), on the database and port of CROSSDOCK_PG_URL.
    PGconn* probe = PQconnectdb(Env("CROSSDOCK_PG_URL").c_str());
    std::string socket_dir = Env("CROSSDOCK_PEERS_DIR") + "/pgsock";
    std::string admin = "host=" + socket_dir + " port=" + PQport(probe) + " dbname=" + PQdb(probe) +
                        " user=postgres";
    PQfinish(probe);
    conn_ = PQconnectdb(admin.c_str());
    suffix_ = crypto::RandomId("r").substr(2, 10);
    for (char& c : suffix_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    user_ = "tenant_" + suffix_;
    password_ = "tenant-pw-" + suffix_;
    Exec("CREATE ROLE " + user_ + " LOGIN PASSWORD '" + password_ + "'");
    Exec("CREATE SCHEMA s_" + suffix_ + " AUTHORIZATION " + user_);
    Exec("CREATE TABLE s_" + suffix_ + ".orders (id int, item text)");
    Exec("INSERT INTO s_" + suffix_ +
         ".orders SELECT i, 'item ' || i FROM generate_series(1, 25) i");
    Exec("GRANT SELECT ON s_" + suffix_ + ".orders TO " + user_);
  }
  ~PgRole() {
    Exec("DROP SCHEMA s_" + suffix_ + " CASCADE");
    Exec("DROP ROLE " + user_);
    PQfinish(conn_);
  }
  bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
  void Exec(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    EXPECT_TRUE(PQresultStatus(r) == PGRES_COMMAND_OK) << sql << ": " << PQerrorMessage(conn_);
    PQclear(r);
  }
  std::string database() const { return PQdb(conn_); }
  int port() const { return std::stoi(PQport(conn_)); }
  std::string table() const { return "s_" + suffix_ + ".orders"; }
  const std::string& user() const { return user_; }
  const std::string& password() const { return password_; }

 private:
  PGconn* conn_ = nullptr;
  std::string suffix_, user_, password_;
};

json PgConnection(const std::string& name, int port, const std::string& database,
                  const std::string& user, const std::string& password,
                  const std::string& sslmode = "disable") {
  return {{"type", "postgres"},
          {"name", name},
          {"postgres",
           {{"host", "127.0.0.1"},
            {"port", port},
            {"database", database},
            {"user", user},
            {"password", password},
            {"sslmode", sslmode}}}};
}

TEST(ServePostgresTest, ASyncThroughTheApiReadsWithTheConnectionsOwnPassword) {
  REQUIRE_PEER("CROSSDOCK_PG_URL", "CROSSDOCK_PEERS_DIR", "RGW_ENDPOINT", "RGW_CUSTOMER_ACCESS_KEY",
               "RGW_BUCKET");
  PgRole role;
  ASSERT_TRUE(role.ok());
  PgServe serve;
  ASSERT_GT(serve.port(), 0) << serve.log();

  // The connection: 201, the password never echoed, stored only encrypted.
  auto [created, conn] = serve.Call(
      "POST", "/v1/connections",
      PgConnection("orders-db", role.port(), role.database(), role.user(), role.password()));
  ASSERT_EQ(created, 201) << conn.dump();
  const std::string conn_path = "/v1/connections/" + conn.value("id", "");
  EXPECT_EQ(conn.dump().find(role.password()), std::string::npos) << conn.dump();
  EXPECT_EQ(conn["postgres"]["password"], json({{"set", true}}));
  EXPECT_FALSE(conn.contains("external_id")) << conn.dump();
  auto [listed, list] = serve.Call("GET", "/v1/connections");
  EXPECT_EQ(list.dump().find(role.password()), std::string::npos);

  // Its test: a login and SELECT 1; the peer has no TLS, so the session is reported plain.
  auto [tested, report] = serve.Call("POST", conn_path + "/test");
  ASSERT_EQ(tested, 200) << report.dump();
  EXPECT_TRUE(report.value("ok", false)) << report.dump(2);
  for (const json& check : report["checks"]) {
    std::string expected = check["id"] == "tls" ? "warn" : "pass";
    EXPECT_EQ(check["status"], expected) << report.dump(2);
  }
  // No IAM policies for a database login.
  auto [policies_status, policies] = serve.Call("GET", conn_path + "/policies");
  EXPECT_EQ(policies_status, 409) << policies.dump();

  // A destination the tenant can write: an S3 connection with the peer's customer keys.
  json s3 = {{"type", "s3"},
             {"name", "lake"},
             {"auth_method", "access-key"},
             {"access_key_id", Env("RGW_CUSTOMER_ACCESS_KEY")},
             {"secret_access_key", Env("RGW_CUSTOMER_SECRET_KEY")},
             {"region", Env("RGW_REGION").empty() ? "us-east-1" : Env("RGW_REGION")},
             {"bucket", Env("RGW_BUCKET")}};
  auto [s3_status, s3_conn] = serve.Call("POST", "/v1/connections", s3);
  ASSERT_EQ(s3_status, 201) << s3_conn.dump();
  std::string path = "pg-itest/" + crypto::RandomId("run");
  json sync = {
      {"name", "orders"},
      {"source", {{"type", "postgres"}, {"connection", "orders-db"}, {"table", role.table()}}},
      {"destination", {{"type", "s3"}, {"connection", "lake"}, {"path", path}}},
      {"format", "jsonl"}};
  auto [sync_status, sync_doc] = serve.Call("POST", "/v1/syncs", sync);
  ASSERT_EQ(sync_status, 201) << sync_doc.dump();
  json run = serve.RunToEnd("orders");
  EXPECT_EQ(run.value("status", ""), "succeeded") << run.dump(2) << serve.log();
  EXPECT_EQ(run.value("rows", 0), 25) << run.dump(2);

  // A wrong password: the run and the test fail with a category, no address or port.
  auto [updated, doc] =
      serve.Call("PATCH", conn_path, json{{"postgres", {{"password", "not-the-password"}}}});
  ASSERT_EQ(updated, 200) << doc.dump();
  json failed = serve.RunToEnd("orders");
  EXPECT_EQ(failed.value("status", ""), "failed") << failed.dump(2);
  std::string error = failed.dump();
  EXPECT_NE(error.find("authentication failed"), std::string::npos) << error;
  EXPECT_EQ(error.find("127.0.0.1"), std::string::npos) << error;
  EXPECT_EQ(error.find(std::to_string(role.port())), std::string::npos) << error;
  auto [retested, bad_report] = serve.Call("POST", conn_path + "/test");
  EXPECT_FALSE(bad_report.value("ok", true)) << bad_report.dump(2);
  EXPECT_NE(bad_report.dump().find("authentication failed"), std::string::npos);
  // What crossdock says (the titles repeat the tenant's own host): no address or port libpq
  // named.
  for (const json& check : bad_report["checks"]) {
    for (const char* key : {"message", "diagnosis", "fix"}) {
      std::string said = check.value(key, "");
      EXPECT_EQ(said.find("127.0.0.1"), std::string::npos) << said;
      EXPECT_EQ(said.find(std::to_string(role.port())), std::string::npos) << said;
    }
  }

  // sslmode require (the default) against a server without TLS: a category as well.
  auto [tls_updated, tls_doc] =
      serve.Call("PATCH", conn_path,
                 json{{"postgres", {{"password", role.password()}, {"sslmode", "require"}}}});
  ASSERT_EQ(tls_updated, 200) << tls_doc.dump();
  auto [tls_tested, tls_report] = serve.Call("POST", conn_path + "/test");
  EXPECT_NE(tls_report.dump().find("TLS negotiation failed"), std::string::npos)
      << tls_report.dump(2);

  // The database file holds no password in the clear.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(serve.db())) {
    if (!entry.is_regular_file()) continue;
    EXPECT_EQ(ReadFileText(entry.path()).find(role.password()), std::string::npos) << entry.path();
  }
  EXPECT_EQ(serve.log().find(role.password()), std::string::npos);
}

TEST(ServePostgresTest, TheWorkersPasswordNeverReachesATenantsHost) {
  PasswordTrap trap;
  PgServe serve;
  ASSERT_GT(serve.port(), 0) << serve.log();
  // A connection with its own password, one without any, and a passwordless URL source.
  ASSERT_EQ(serve
                .Call("POST", "/v1/connections",
                      PgConnection("trap", trap.port(), "shop", "app", "tenant-own-secret"))
                .first,
            201);
  json none = PgConnection("trap-nopw", trap.port(), "shop", "app", "");
  none["postgres"].erase("password");
  ASSERT_EQ(serve.Call("POST", "/v1/connections", none).first, 201);
  for (const char* name : {"trap", "trap-nopw"}) {
    auto [status, report] = serve.Call("POST", std::string("/v1/connections/") + name + "/test");
    EXPECT_EQ(status, 200) << report.dump();
    EXPECT_NE(report.dump().find("authentication failed"), std::string::npos) << report.dump(2);
  }
  std::string url = "postgresql://app@127.0.0.1:" + std::to_string(trap.port()) + "/shop";
  for (const json& source :
       {json{{"type", "postgres"}, {"connection", "trap-nopw"}, {"table", "orders"}},
        json{{"type", "postgres"}, {"url", url}, {"table", "orders"}}}) {
    json s3 = {{"type", "s3"},
               {"name", "sink"},
               {"auth_method", "access-key"},
               {"access_key_id", "AKIAIOSFODNN7EXAMPLE"},
               {"secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
               {"region", "us-east-1"},
               {"bucket", "sink-bucket"}};
    serve.Call("POST", "/v1/connections", s3);
    std::string name = source.contains("url") ? "by-url" : "by-connection";
    json sync = {{"name", name},
                 {"source", source},
                 {"destination", {{"type", "s3"}, {"connection", "sink"}, {"path", "x"}}}};
    auto [status, doc] = serve.Call("POST", "/v1/syncs", sync);
    ASSERT_EQ(status, 201) << doc.dump();
    json run = serve.RunToEnd(name);
    EXPECT_EQ(run.value("status", ""), "failed") << run.dump(2);
    EXPECT_NE(run.dump().find("authentication failed"), std::string::npos) << run.dump(2);
  }
  std::string sent = trap.passwords();
  EXPECT_GE(trap.connections(), 4);
  EXPECT_NE(sent.find("tenant-own-secret"), std::string::npos) << sent;
  EXPECT_EQ(sent.find(kWorkerEnvSecret), std::string::npos) << sent;
  EXPECT_EQ(sent.find(kWorkerFileSecret), std::string::npos) << sent;

  // A password in a URL is refused with the fix; so is a connection of another type.
  auto [refused, refusal] =
      serve.Call("POST", "/v1/syncs",
                 json{{"name", "pw-url"},
                      {"source",
                       {{"type", "postgres"},
                        {"url", "postgresql://app:secret@127.0.0.1/shop"},
                        {"table", "orders"}}},
                      {"destination", {{"type", "s3"}, {"connection", "sink"}, {"path", "x"}}}});
  EXPECT_EQ(refused, 422) << refusal.dump();
  EXPECT_NE(refusal.dump().find("postgres connection"), std::string::npos) << refusal.dump();
  auto [wrong_type, wrong] = serve.Call(
      "POST", "/v1/syncs",
      json{{"name", "wrong"},
           {"source", {{"type", "postgres"}, {"connection", "sink"}, {"table", "orders"}}},
           {"destination", {{"type", "s3"}, {"connection", "sink"}, {"path", "x"}}}});
  EXPECT_EQ(wrong_type, 422) << wrong.dump();
  // A host outside --allow-postgres-host is refused when the connection is saved.
  json elsewhere = PgConnection("elsewhere", 5432, "shop", "app", "pw");
  elsewhere["postgres"]["host"] = "db.example.com";
  auto [outside, outside_doc] = serve.Call("POST", "/v1/connections", elsewhere);
  EXPECT_EQ(outside, 422) << outside_doc.dump();
  EXPECT_NE(outside_doc.dump().find("--allow-postgres-host"), std::string::npos);
}

// Every host name is allowed by name ("*"), but no internal network: a postgres connection
// whose host is or resolves to a loopback, link-local (instance metadata), private or
// unspecified address is refused when saved, naming the field and the class of address, never
// an address it resolved to; and its run would be checked again (PostgresLoginFor).
TEST(ServePostgresTest, InternalAddressesAreRefusedUnlessTheOperatorAllowsThem) {
  PasswordTrap trap;
  ServeBinary serve({"--allow-postgres-host", "*"});
  ASSERT_GT(serve.port(), 0) << serve.log();
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"127.0.0.1", "loopback"},   {"localhost", "loopback"}, {"::1", "loopback"},
      {"169.254.169.254", "link"}, {"10.1.2.3", "private"},   {"192.168.0.10", "private"},
      {"0.0.0.0", "unspecified"},  {"::", "unspecified"}};
  for (const auto& [host, kind] : refused) {
    json c = PgConnection("internal", trap.port(), "shop", "app", "pw");
    c["postgres"]["host"] = host;
    auto [status, doc] = serve.Call("POST", "/v1/connections", c);
    EXPECT_EQ(status, 422) << host << ": " << doc.dump();
    std::string text = doc.dump();
    EXPECT_NE(text.find("postgres.host"), std::string::npos) << text;
    EXPECT_NE(text.find(kind), std::string::npos) << host << ": " << text;
    if (host == "localhost") {
      EXPECT_EQ(text.find("127.0.0.1"), std::string::npos) << text;
    }
  }
  EXPECT_EQ(trap.connections(), 0);
  auto [listed, list] = serve.Call("GET", "/v1/connections");
  EXPECT_EQ(list["connections"].size(), 0u) << list.dump();
}

}  // namespace
}  // namespace crossdock::server::testing
