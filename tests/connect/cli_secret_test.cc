// The secret-grep test through the real `crossdock` binary: connections are created with a
// known secret (from stdin and from the environment), every connection, identity and org
// command is run in table and JSON form, a failing command too, and then the database, its
// WAL, the key file and every byte the commands printed are searched for the secret.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace crossdock::connect {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class CliSecretTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bin = std::getenv("CROSSDOCK_BIN");
    binary_ = bin ? bin : CROSSDOCK_BINARY;
    ASSERT_TRUE(fs::exists(binary_)) << binary_;
    std::string tmpl = (fs::temp_directory_path() / "crossdock-cli-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    fs::create_directories(dir_ / "out");
  }
  void TearDown() override {
    if (!std::getenv("KEEP")) fs::remove_all(dir_);
  }

  // Runs `crossdock ARGS` through sh with HOME and the database inside the test directory;
  // stdout and stderr go to files under out/. Returns the exit status.
  int Run(const std::string& args, const std::string& stdin_from_env = "") {
    std::string n = std::to_string(++runs_);
    std::string cmd = "cd '" + dir_.string() + "' && ";
    if (!stdin_from_env.empty()) cmd += "printf '%s' \"$" + stdin_from_env + "\" | ";
    cmd += "HOME='" + dir_.string() + "/home' CROSSDOCK_DB='" +
           (dir_ / "data" / "crossdock.db").string() + "' '" + binary_ + "' " + args + " >out/" +
           n + ".out 2>out/" + n + ".err";
    int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string binary_;
  fs::path dir_;
  int runs_ = 0;
};

TEST_F(CliSecretTest, AKnownSecretIsNeverPrintedNorStoredInTheClear) {
  const std::string kKey = "CliKnownSecretAccessKey/GrepMe0123456789AB";
  const std::string kToken = "dapiCliKnownDatabricksTokenGrepMe012345";
  ::setenv("TEST_SECRET_KEY", kKey.c_str(), 1);
  ::setenv("CROSSDOCK_DATABRICKS_TOKEN", kToken.c_str(), 1);

  EXPECT_EQ(Run("connection create --init --name keyed --type s3 --auth access-key "
                "--access-key-id AKIAIOSFODNN7EXAMPLE --secret-access-key-stdin "
                "--region us-west-1 --bucket output/customers",
                "TEST_SECRET_KEY"),
            0);
  EXPECT_EQ(Run("identity set --account-id 444455556666"), 0);
  EXPECT_EQ(Run("connection create --name dbx --type databricks --auth iam-role "
                "--role-arn arn:aws:iam::123456789012:role/dbx --region us-west-1 "
                "--bucket staging-bucket --workspace-url https://dbc-1.cloud.databricks.com "
                "--warehouse-id 1234567890abcdef --format json"),
            0);
  // A rejected create with the secret: the error must not echo it.
  EXPECT_EQ(Run("connection create --name 'bad name' --auth access-key "
                "--access-key-id AKIAIOSFODNN7EXAMPLE --secret-access-key-stdin "
                "--region us-west-1 --bucket b",
                "TEST_SECRET_KEY"),
            2);
  EXPECT_EQ(Run("connection create --name keyed2 --auth access-key "
                "--access-key-id AKIAIOSFODNN7EXAMPLE --secret-access-key-stdin "
                "--region us-east-7 --bucket b",
                "TEST_SECRET_KEY"),
            2);
  for (const char* fmt : {"table", "json"}) {
    std::string f = std::string(" --format ") + fmt;
    EXPECT_EQ(Run("connection list" + f), 0);
    EXPECT_EQ(Run("connection show keyed" + f), 0);
    EXPECT_EQ(Run("connection show dbx" + f), 0);
    EXPECT_EQ(Run("identity" + f), 0);
    EXPECT_EQ(Run("org show" + f), 0);
  }
  EXPECT_EQ(Run("connection update keyed --rename keyed-renamed --region us-east-2"), 0);
  EXPECT_EQ(Run("connection show keyed-renamed --format json"), 0);
  EXPECT_EQ(Run("connection show missing"), 2);

  // The commands did what they said (so the grep below is not vacuous).
  std::string shown = ReadAll(dir_ / "out" / "17.out");
  EXPECT_NE(shown.find("\"set\": true"), std::string::npos) << shown;
  EXPECT_NE(shown.find("us-east-2"), std::string::npos);

  std::string everything;
  for (const auto& e : fs::recursive_directory_iterator(dir_)) {
    if (e.is_regular_file()) everything += ReadAll(e.path());
  }
  EXPECT_NE(everything.find("keyed-renamed"), std::string::npos);
  EXPECT_NE(everything.find("cdxsb1."), std::string::npos);  // sealed secrets are in the file
  EXPECT_EQ(everything.find(kKey), std::string::npos);
  EXPECT_EQ(everything.find(kToken), std::string::npos);
  ::unsetenv("CROSSDOCK_DATABRICKS_TOKEN");
}

}  // namespace
}  // namespace crossdock::connect
