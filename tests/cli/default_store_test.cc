// One default store for every command: ~/.crossdock (what `crossdock serve` always used),
// the CLI's earlier ~/.local/share/crossdock while it holds a database and ~/.crossdock does
// not exist, CROSSDOCK_HOME above both; and the running demo's settings found next to it.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "crossdock/cli/connection_context.h"
#include "crossdock/cli/demo_settings.h"
#include "crossdock/crypto/random.h"

namespace crossdock::cli {
namespace {

namespace fs = std::filesystem;

class DefaultStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = fs::temp_directory_path() / crypto::RandomId("crossdock-home");
    fs::create_directories(home_);
    for (const char* name : {"HOME", "CROSSDOCK_HOME", "CROSSDOCK_DB", "XDG_DATA_HOME"}) {
      const char* v = std::getenv(name);
      saved_.emplace_back(name, v ? std::optional<std::string>(v) : std::nullopt);
      ::unsetenv(name);
    }
    ::setenv("HOME", home_.c_str(), 1);
  }
  void TearDown() override {
    for (const auto& [name, value] : saved_) {
      if (value)
        ::setenv(name.c_str(), value->c_str(), 1);
      else
        ::unsetenv(name.c_str());
    }
    fs::remove_all(home_);
  }
  fs::path home_;
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST_F(DefaultStoreTest, ServeAndTheCliShareOneFolder) {
  EXPECT_EQ(DefaultDataDir(), (home_ / ".crossdock").string());
  EXPECT_EQ(DefaultDatabaseLocation(), (home_ / ".crossdock" / "crossdock.db").string());
  EXPECT_EQ(DefaultMasterKeyFile(DefaultDatabaseLocation()),
            (home_ / ".crossdock" / "master.key").string());
  ::setenv("CROSSDOCK_HOME", (home_ / "elsewhere").c_str(), 1);
  EXPECT_EQ(DefaultDatabaseLocation(), (home_ / "elsewhere" / "crossdock.db").string());
}

TEST_F(DefaultStoreTest, TheOldCliFolderIsStillReadUntilTheNewOneExists) {
  fs::path legacy = home_ / ".local" / "share" / "crossdock";
  fs::create_directories(legacy);
  std::ofstream(legacy / "crossdock.db") << "";
  EXPECT_EQ(DefaultDatabaseLocation(), (legacy / "crossdock.db").string());
  fs::create_directories(home_ / ".crossdock");
  EXPECT_EQ(DefaultDatabaseLocation(), (home_ / ".crossdock" / "crossdock.db").string());
}

TEST_F(DefaultStoreTest, DemoSettingsAreFoundNextToTheStoreWhileTheDemoRuns) {
  fs::path dir = home_ / ".crossdock";
  fs::create_directories(dir);
  std::string db = (dir / "crossdock.db").string();
  EXPECT_FALSE(FindDemoSettings(db));
  DemoSettings s{.org = "demo",
                 .sts_endpoint = "http://127.0.0.1:7481",
                 .s3_endpoint = "http://127.0.0.1:7481",
                 .vendor_access_key_id = "VENDORACCESSKEY00001",
                 .vendor_secret_access_key = "secret",
                 .pgpass_file = (dir / "demo.pgpass").string()};
  ASSERT_TRUE(WriteDemoSettings(dir.string(), s).ok());
  struct stat st {};
  ASSERT_EQ(::stat(DemoSettingsPath(dir.string()).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto found = FindDemoSettings(db);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->org, "demo");
  EXPECT_EQ(found->sts_endpoint, s.sts_endpoint);
  EXPECT_EQ(found->vendor_access_key_id, s.vendor_access_key_id);
  EXPECT_EQ(found->vendor_secret_access_key, s.vendor_secret_access_key);
  EXPECT_EQ(found->pgpass_file, s.pgpass_file);
  EXPECT_FALSE(FindDemoSettings((home_ / "other" / "crossdock.db").string()));
}

}  // namespace
}  // namespace crossdock::cli
