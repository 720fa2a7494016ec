// `crossdock serve` as a process on a fresh machine: creates the master key (0600) and the
// SQLite database, prints the admin token once, serves, and stops cleanly on SIGTERM.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "server_fixture.h"

namespace crossdock::server::testing {
namespace {

struct Serve {
  pid_t pid = -1;
  std::string out;  // stdout
  int port = 0;
};

// Starts the binary; waits (up to 60 s) for the "listening on" line on stderr.
Serve StartServe(const std::filesystem::path& dir) {
  Serve s;
  std::string out_file = (dir / "stdout.txt").string();
  std::string err_file = (dir / "stderr.txt").string();
  s.pid = fork();
  if (s.pid == 0) {
    int out = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out, 1);
    dup2(err, 2);
    std::string data = (dir / "data").string();
    execl(CROSSDOCK_BINARY, CROSSDOCK_BINARY, "serve", "--port", "0", "--data-dir", data.c_str(),
          "--vendor-account-id", "123456789012", static_cast<char*>(nullptr));
    _exit(127);
  }
  std::regex listening("listening on http://127\\.0\\.0\\.1:(\\d+)/");
  for (int i = 0; i < 600 && s.port == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ifstream err(err_file);
    std::string text((std::istreambuf_iterator<char>(err)), {});
    std::smatch m;
    if (std::regex_search(text, m, listening)) s.port = std::stoi(m[1]);
  }
  std::ifstream out(out_file);
  s.out.assign((std::istreambuf_iterator<char>(out)), {});
  return s;
}

int StopServe(const Serve& s) {
  kill(s.pid, SIGTERM);
  int status = 0;
  waitpid(s.pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ServeBinaryTest, FreshMachineThenRestart) {
  auto dir = std::filesystem::temp_directory_path() / crypto::RandomId("crossdock-serve");
  std::filesystem::create_directories(dir);
  Serve first = StartServe(dir);
  ASSERT_GT(first.port, 0) << "serve did not start";
  std::smatch m;
  std::regex token_re("(cdx_[A-Za-z0-9_-]{43})");
  ASSERT_TRUE(std::regex_search(first.out, m, token_re)) << first.out;
  std::string token = m[1];
  httplib::Client client("127.0.0.1", first.port);
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto identity = client.Get("/v1/identity", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->status, 200) << identity->body;
  EXPECT_EQ(StopServe(first), 0);

  struct stat st {};
  ASSERT_EQ(stat((dir / "data" / "master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(std::filesystem::exists(dir / "data" / "crossdock.db"));
  // The database holds the token's hash only.
  std::ifstream db(dir / "data" / "crossdock.db", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(db)), {});
  EXPECT_EQ(bytes.find(token), std::string::npos);

  Serve second = StartServe(dir);
  ASSERT_GT(second.port, 0);
  EXPECT_FALSE(std::regex_search(second.out, m, token_re)) << "token printed twice";
  httplib::Client again("127.0.0.1", second.port);
  auto still = again.Get("/v1/identity", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(still);
  EXPECT_EQ(still->status, 200);
  EXPECT_EQ(StopServe(second), 0);
  std::ifstream err(dir / "stderr.txt");
  std::string log((std::istreambuf_iterator<char>(err)), {});
  EXPECT_EQ(log.find(token), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace crossdock::server::testing
