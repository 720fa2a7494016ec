// The postgres connection type without a network: validation names each field, JSON never
// carries the password, the store keeps it encrypted and returns it only when decrypted for
// use, and the IAM consumers of the type table say there is nothing to generate.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "crossdock/connect/connection_json.h"
#include "crossdock/connect/policy_spec.h"
#include "crossdock/connect/postgres_login.h"
#include "crossdock/connect/service.h"
#include "crossdock/connect/validation.h"

namespace crossdock::connect {
namespace {

constexpr const char* kPassword = "KnownPostgresPasswordForTheGrepTest0003";

Connection Pg(const std::string& name) {
  Connection c;
  c.type = ConnectionType::kPostgres;
  c.name = name;
  c.postgres.host = "db.example.com";
  c.postgres.database = "shop";
  c.postgres.user = "reader";
  c.postgres.password.value = kPassword;
  return c;
}

std::vector<std::string> Fields(const Connection& c) {
  std::vector<std::string> out;
  for (const Error& e : ValidateConnection(c, OrgPolicy{})) out.push_back(e.field());
  return out;
}

TEST(PostgresConnection, ValidatesEveryFieldAndRefusesAwsFields) {
  EXPECT_TRUE(Fields(Pg("pg")).empty());
  Connection c = Pg("pg");
  c.postgres.host = "";
  c.postgres.database = "";
  c.postgres.user = "";
  c.postgres.port = 0;
  c.postgres.sslmode = "allow";
  EXPECT_EQ(Fields(c),
            (std::vector<std::string>{"postgres.host", "postgres.port", "postgres.database",
                                      "postgres.user", "postgres.sslmode"}));
  for (const char* host :
       {"db.example.com:5432", "postgresql://db", "/var/run/postgresql", "a,b", "db example"}) {
    c = Pg("pg");
    c.postgres.host = host;
    EXPECT_EQ(Fields(c), std::vector<std::string>{"postgres.host"}) << host;
  }
  c = Pg("pg");
  c.postgres.host = "2001:db8::1";
  EXPECT_TRUE(Fields(c).empty());
  c = Pg("pg");
  c.role_arn = "arn:aws:iam::123456789012:role/x";
  c.bucket = "lake";
  EXPECT_EQ(Fields(c), (std::vector<std::string>{"role_arn", "bucket"}));
  // Postgres fields on another type are refused too.
  Connection s3;
  s3.name = "s3";
  s3.role_arn = "arn:aws:iam::123456789012:role/crossdock";
  s3.region = "us-east-1";
  s3.bucket = "lake";
  s3.postgres.host = "db.example.com";
  EXPECT_EQ(Fields(s3), std::vector<std::string>{"postgres"});
}

TEST(PostgresConnection, JsonRoundTripsWithoutThePassword) {
  Connection c;
  Status st = ApplyConnectionJsonText(R"({"type": "postgres", "name": "pg",
      "postgres": {"host": "db.example.com", "port": 6432, "database": "shop",
                   "user": "reader", "password": "p@ss word"}})",
                                      &c);
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(c.postgres.port, 6432);
  EXPECT_EQ(c.postgres.sslmode, "require");  // the default
  EXPECT_EQ(*c.postgres.password.value, "p@ss word");
  c.postgres.password.is_set = true;
  nlohmann::json j = ConnectionToJson(c);
  EXPECT_EQ(j.dump().find("p@ss"), std::string::npos) << j.dump();
  EXPECT_EQ(j["postgres"]["password"], nlohmann::json({{"set", true}}));
  EXPECT_FALSE(j.contains("auth_method")) << j.dump();
  EXPECT_FALSE(j.contains("region")) << j.dump();
  EXPECT_EQ(ConnectionConfigJson(c).find("p@ss"), std::string::npos);
  Connection bad;
  st = ApplyConnectionJsonText(R"({"type": "postgres", "postgres": {"hostname": "x"}})", &bad);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().field(), "postgres.hostname");
}

TEST(PostgresConnection, NoPoliciesToGenerate) {
  store::VendorIdentity vendor{"123456789012", "", {}};
  auto spec = SpecForConnection(Pg("pg"), vendor, {"ext"});
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(spec.error().message().find("no IAM policies"), std::string::npos);
  EXPECT_FALSE(iam::TypeInfo(ConnectionType::kPostgres).aws);
  EXPECT_TRUE(iam::TypeInfo(ConnectionType::kS3).aws);
}

TEST(PostgresConnection, LoginPinsTheCheckedAddressAndKeepsTheWorkerOut) {
  PostgresFields f = Pg("pg").postgres;
  f.host = "127.0.0.1";
  // Loopback is refused by the default (public only) policy, before any connection.
  auto refused = PostgresLoginFor(f, http::OutboundPolicy(), "postgres.host");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field(), "postgres.host");
  auto policy = http::OutboundPolicy::FromStrings({"127.0.0.1"}, "allow-network");
  ASSERT_TRUE(policy.ok());
  auto login = PostgresLoginFor(f, *policy, "postgres.host");
  ASSERT_TRUE(login.ok()) << login.error().ToString();
  std::map<std::string, std::string> kv;
  for (size_t i = 0; i < login->keys.size(); ++i) kv[login->keys[i]] = login->values[i];
  EXPECT_EQ(kv["hostaddr"], "127.0.0.1");
  EXPECT_EQ(kv["password"], kPassword);
  EXPECT_EQ(kv["passfile"], "/dev/null");
  EXPECT_EQ(kv["sslmode"], "require");
  EXPECT_EQ(kv["sslkey"], "/dev/null/none");
  // Without a password a placeholder is sent, never the environment's.
  f.password = Secret{};
  login = PostgresLoginFor(f, *policy, "postgres.host");
  ASSERT_TRUE(login.ok());
  for (size_t i = 0; i < login->keys.size(); ++i) {
    if (login->keys[i] == "password") {
      EXPECT_EQ(login->values[i], "crossdock-no-password");
    }
  }
  EXPECT_EQ(PostgresFailureCategory("connection to server at \"10.0.0.9\", port 5432 failed: "
                                    "FATAL:  password authentication failed for user \"x\""),
            "authentication failed");
}

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "crossdock-pg-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    store::StoreOptions o;
    o.location = (dir_ / "crossdock.db").string();
    o.secret_box = crypto::SecretBox::FromKey(std::string(32, 'm')).value();
    auto s = store::OpenStore(std::move(o));
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
    service_ = std::make_unique<ConnectionService>(*store_);
    auto org = service_->EnsureOrganization(kDefaultOrganization);
    ASSERT_TRUE(org.ok());
    org_ = *org;
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<ConnectionService> service_;
  store::Organization org_;
};

TEST_F(PostgresStoreTest, PasswordIsEncryptedAtRestAndDecryptedOnlyForUse) {
  auto created = service_->CreateConnection(org_.id, Pg("pg"));
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  EXPECT_TRUE(created->postgres.password.is_set);
  auto shown = service_->GetConnection(org_.id, "pg");
  ASSERT_TRUE(shown.ok());
  EXPECT_FALSE(shown->postgres.password.value.has_value());
  auto used = service_->GetConnection(org_.id, "pg", /*with_secrets=*/true);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(used->postgres.password.value.value_or(""), kPassword);

  // An update without a password keeps it; "" removes it.
  Connection update = *shown;
  update.postgres.port = 6432;
  ASSERT_TRUE(service_->UpdateConnection(org_.id, update).ok());
  used = service_->GetConnection(org_.id, "pg", true);
  EXPECT_EQ(used->postgres.password.value.value_or(""), kPassword);
  EXPECT_EQ(used->postgres.port, 6432);
  update.postgres.password.value = "";
  ASSERT_TRUE(service_->UpdateConnection(org_.id, update).ok());
  used = service_->GetConnection(org_.id, "pg", true);
  EXPECT_FALSE(used->postgres.password.is_set);

  ASSERT_TRUE(service_->CreateConnection(org_.id, Pg("pg2")).ok());
  store_.reset();  // close, so that the WAL is checkpointed into the file
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str().find(kPassword), std::string::npos) << entry.path().filename();
  }
}

}  // namespace
}  // namespace crossdock::connect
