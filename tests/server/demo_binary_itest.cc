// `crossdock serve --demo` as a newcomer runs it: the real binary with a fresh HOME starts
// its own peers (on ports of its own, beside the suite's), then the whole demo flow goes
// through the API as the UI drives it: create the pre-filled connection from GET /v1/demo,
// apply the generated policies to the pretend account, test, run a sync of the sample files
// and one of the sample table to success with the in-process workers. SIGTERM then stops
// the server and every peer it started.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "server_fixture.h"
#include "testing/peers.h"

namespace crossdock::server::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Runs a shell command; its stdout.
std::string Capture(const std::string& command) {
  std::string out;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  ::pclose(pipe);
  return out;
}

std::string Cmdline(pid_t pid) {
  std::string text = ReadAll("/proc/" + std::to_string(pid) + "/cmdline");
  for (char& c : text) {
    if (c == '\0') c = ' ';
  }
  return text;
}

// Processes whose command line mentions `needle` (the peers' data directory or ports).
std::set<pid_t> ProcessesMentioning(const std::string& needle) {
  std::set<pid_t> found;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = std::stoi(name);
    if (pid == getpid()) continue;
    if (Cmdline(pid).find(needle) != std::string::npos) found.insert(pid);
  }
  return found;
}

class DemoBinaryTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  // Starts the binary in `dir` with a fresh HOME; waits for "listening on" (up to 5 min:
  // the first start may install packages and build Ceph's cluster).
  void Start(const fs::path& dir) {
    fs::create_directories(dir / "home");
    // The default peers directory, as a newcomer gets it: under the fresh home, or as root
    // (PostgreSQL runs as postgres, which cannot enter root's home) under TMPDIR.
    peers_dir_ = geteuid() == 0 ? (dir / "tmp" / "crossdock-demo-peers-0").string()
                                : (dir / "home" / ".crossdock" / "peers").string();
    fs::create_directories(dir / "tmp");
    out_ = dir / "stdout.txt";
    err_ = dir / "stderr.txt";
    pid_ = fork();
    if (pid_ == 0) {
      int out = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int err = open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(out, 1);
      dup2(err, 2);
      // Ports of its own, beside the suite's peers; nothing of the suite's environment.
      for (const char* name :
           {"CROSSDOCK_STS_ENDPOINT", "CROSSDOCK_S3_ENDPOINT", "CROSSDOCK_DB", "CROSSDOCK_HOME",
            "CROSSDOCK_PEERS_DIR", "CROSSDOCK_PG_URL", "PGPASSWORD", "PGPASSFILE"}) {
        unsetenv(name);
      }
      setenv("HOME", (dir / "home").c_str(), 1);
      setenv("TMPDIR", (dir / "tmp").c_str(), 1);
      // Ports below Linux's ephemeral range (32768-60999): a busy suite's outgoing
      // connections never hold them.
      setenv("RGW_PORT", "25480", 1);
      setenv("RGW_MON_PORT", "25000", 1);
      setenv("CROSSDOCK_FRONT_PORT", "25481", 1);
      setenv("CROSSDOCK_FAULT_PORT", "25482", 1);
      setenv("CROSSDOCK_FAULT_CONTROL_PORT", "25483", 1);
      setenv("CROSSDOCK_PG_PORT", "25432", 1);
      setenv("RGW_STORE_BYTES", "1073741824", 1);
      execl(CROSSDOCK_BINARY, CROSSDOCK_BINARY, "serve", "--demo", "--port", "0",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    std::regex listening("listening on http://127\\.0\\.0\\.1:(\\d+)/");
    for (int i = 0; i < 3000 && port_ == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      std::smatch m;
      std::string err = ReadAll(err_);
      if (std::regex_search(err, m, listening)) port_ = std::stoi(m[1]);
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
    }
    // The welcome (token, next steps) is printed right after the listening line.
    for (int i = 0; i < 50 && ReadAll(out_).find("Next, try:") == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  httplib::Result Call(const std::string& method, const std::string& path,
                       const std::string& body = "") {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(120, 0);
    httplib::Headers headers = {{"Authorization", "Bearer " + token_}};
    if (method == "GET") return client.Get(path, headers);
    if (method == "PATCH") return client.Patch(path, headers, body, "application/json");
    return client.Post(path, headers, body, "application/json");
  }

  json Ok(httplib::Result r, int status) {
    EXPECT_TRUE(r);
    if (!r) return nullptr;
    EXPECT_EQ(r->status, status) << r->body;
    return json::parse(r->body, nullptr, false);
  }

  // Queues a run and waits for it to end; returns the final run.
  json RunToEnd(const std::string& sync_id) {
    json run = Ok(Call("POST", "/v1/syncs/" + sync_id + "/runs"), 202);
    std::string path = "/v1/syncs/" + sync_id + "/runs/" + run.value("id", "");
    for (int i = 0; i < 1200; ++i) {
      run = Ok(Call("GET", path), 200);
      std::string status = run.value("status", "");
      if (status == "succeeded" || status == "failed" || status == "cancelled") return run;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return run;
  }

  pid_t pid_ = -1;
  int port_ = 0;
  std::string token_;
  std::string peers_dir_;
  fs::path out_, err_;
};

TEST_F(DemoBinaryTest, FreshHomeWholeFlowThenSigtermStopsEveryPeer) {
  // Runs where the suite's peers run (the packages are installed and the machine can host
  // Ceph); the demo starts a set of its own.
  REQUIRE_PEER("CROSSDOCK_STS_ENDPOINT", "CROSSDOCK_PG_URL");
  fs::path dir = fs::temp_directory_path() / crypto::RandomId("crossdock-demo");
  Start(dir);
  ASSERT_GT(port_, 0) << "serve --demo did not start:\n" << ReadAll(err_);
  std::string out = ReadAll(out_);
  std::smatch m;
  std::string text = out;
  ASSERT_TRUE(std::regex_search(text, m, std::regex("(cdx_[A-Za-z0-9_-]{43})"))) << out;
  token_ = m[1];
  EXPECT_NE(out.find("http://127.0.0.1:" + std::to_string(port_) + "/"), std::string::npos) << out;
  EXPECT_NE(out.find("1. "), std::string::npos) << out;
  EXPECT_NE(out.find("3. "), std::string::npos) << out;

  json demo = Ok(Call("GET", "/v1/demo"), 200);
  ASSERT_TRUE(demo.contains("samples")) << demo.dump();
  std::string prefix = demo["samples"].value("s3_prefix", "");
  ASSERT_FALSE(prefix.empty()) << demo.dump();
  json pg = demo["samples"]["postgres"];
  ASSERT_TRUE(pg.is_object()) << demo.dump();
  EXPECT_EQ(pg["url"].get<std::string>().find(':', 13), pg["url"].get<std::string>().rfind(':'))
      << "the sample URL must not carry a password: " << pg.dump();

  json conn = {{"type", "s3"},
               {"name", "demo-s3"},
               {"auth_method", "iam-role"},
               {"role_arn", demo["role_arn"]},
               {"region", demo["region"]},
               {"bucket", demo["bucket"]}};
  json created = Ok(Call("POST", "/v1/connections", conn.dump()), 201);
  std::string id = created.value("id", "");
  Ok(Call("POST", "/v1/connections/" + id + "/demo-apply"), 200);
  json report = Ok(Call("POST", "/v1/connections/" + id + "/test"), 200);
  EXPECT_TRUE(report.value("ok", false)) << report.dump(2);

  json files_sync = {
      {"name", "sample-files"},
      {"source", {{"type", "s3"}, {"connection", "demo-s3"}, {"prefix", prefix}}},
      {"destination", {{"type", "s3"}, {"connection", "demo-s3"}, {"path", "exports/files"}}},
      {"format", "jsonl"}};
  json table_sync = {
      {"name", "sample-table"},
      {"source", {{"type", "postgres"}, {"url", pg["url"]}, {"table", pg["table"]}}},
      {"destination", {{"type", "s3"}, {"connection", "demo-s3"}, {"path", "exports/orders"}}}};
  for (const json& spec : {files_sync, table_sync}) {
    json sync = Ok(Call("POST", "/v1/syncs", spec.dump()), 201);
    json run = RunToEnd(sync.value("id", ""));
    EXPECT_EQ(run.value("status", ""), "succeeded") << spec["name"] << ": " << run.dump(2);
    EXPECT_GT(run.value("rows", 0), 0) << run.dump(2);
  }

  // Other commands on the same (default) store reach the demo without copied keys: its
  // organization, its peers and the pretend vendor's keys.
  std::string cli =
      "env -u CROSSDOCK_STS_ENDPOINT -u CROSSDOCK_S3_ENDPOINT -u CROSSDOCK_DB "
      "-u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_PROFILE HOME='" +
      (dir / "home").string() + "' " + CROSSDOCK_BINARY;
  std::string creds = Capture(cli + " credentials --connection demo-s3");
  EXPECT_NE(creds.find("\"AccessKeyId\""), std::string::npos) << creds;
  std::string runs = Capture(cli + " sync runs sample-table");
  EXPECT_NE(runs.find("succeeded"), std::string::npos) << runs;

  // Every peer the demo started, by the PIDs it saved and by command line.
  std::set<pid_t> peers;
  for (const auto& f : fs::directory_iterator(fs::path(peers_dir_) / "pids")) {
    peers.insert(std::stoi(ReadAll(f.path())));
  }
  EXPECT_GE(peers.size(), 6u);
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ReadAll(err_);
  for (pid_t pid : peers) {
    EXPECT_NE(kill(pid, 0), 0) << "peer " << pid << " still runs: " << Cmdline(pid);
  }
  EXPECT_TRUE(ProcessesMentioning(peers_dir_).empty());
  EXPECT_TRUE(ProcessesMentioning("127.0.0.1:25481").empty());
  EXPECT_FALSE(fs::exists(dir / "home" / ".crossdock" / "demo.json"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace crossdock::server::testing
