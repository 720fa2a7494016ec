// ServeBinary: the real `crossdock serve` binary started on a fresh data directory and port 0
// for an integration test, with the tokens it prints at first start (the first
// organization's and the instance-admin token) and a small JSON client. Stopped with SIGTERM
// and its directory removed when the object goes away.
#pragma once

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "crossdock/crypto/random.h"

namespace crossdock::server::testing {

inline std::string ReadFileText(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

class ServeBinary {
 public:
  using Environment = std::vector<std::pair<std::string, std::string>>;
  // `prepare` may write files into the process's directory and add environment variables.
  explicit ServeBinary(
      std::vector<std::string> extra = {},
      std::function<void(const std::filesystem::path&, Environment&)> prepare = nullptr) {
    dir_ = std::filesystem::temp_directory_path() / crypto::RandomId("crossdock-serve");
    std::filesystem::create_directories(dir_);
    Environment env;
    if (prepare) prepare(dir_, env);
    out_ = dir_ / "stdout.txt";
    err_ = dir_ / "stderr.txt";
    std::vector<std::string> args = {
        CROSSDOCK_BINARY,      "serve",       "--port", "0", "--data-dir", (dir_ / "data").string(),
        "--vendor-account-id", "123456789012"};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = fork();
    if (pid_ == 0) {
      int out = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int err = open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(out, 1);
      dup2(err, 2);
      unsetenv("CROSSDOCK_DB");
      for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(CROSSDOCK_BINARY, argv.data());
      _exit(127);
    }
    std::regex listening("listening on http://127\\.0\\.0\\.1:(\\d+)/");
    for (int i = 0; i < 600 && port_ == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      std::smatch m;
      std::string text = ReadFileText(err_);
      if (std::regex_search(text, m, listening)) port_ = std::stoi(m[1]);
    }
    std::string printed = ReadFileText(out_);
    std::regex token_re("(cdx_[A-Za-z0-9_-]{43})");
    std::vector<std::string> tokens;
    for (std::sregex_iterator it(printed.begin(), printed.end(), token_re), end; it != end; ++it) {
      tokens.push_back((*it)[1]);
    }
    if (!tokens.empty()) token_ = tokens.front();
    std::smatch m;
    std::regex admin_re("Instance-admin token[^\\n]*\\n(cdx_[A-Za-z0-9_-]{43})");
    if (std::regex_search(printed, m, admin_re)) admin_token_ = m[1];
  }
  ~ServeBinary() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    std::filesystem::remove_all(dir_);
  }
  ServeBinary(const ServeBinary&) = delete;
  ServeBinary& operator=(const ServeBinary&) = delete;

  int port() const { return port_; }
  const std::string& token() const { return token_; }
  const std::string& admin_token() const { return admin_token_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path db() const { return dir_ / "data"; }
  std::string log() const { return ReadFileText(err_) + ReadFileText(out_); }
  std::string stdout_text() const { return ReadFileText(out_); }

  // Method, path, body (null: none), bearer token (empty: the first organization's) ->
  // status, JSON body and the raw response (nullptr when the request failed).
  struct Answer {
    int status = 0;
    nlohmann::json body;
    httplib::Headers headers;
  };
  Answer Request(const std::string& method, const std::string& path,
                 const nlohmann::json& body = nullptr, const std::string& token = {}) const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(60, 0);
    httplib::Headers h = {{"Authorization", "Bearer " + (token.empty() ? token_ : token)}};
    std::string text = body.is_null() ? "" : body.dump();
    httplib::Result r = method == "GET"     ? client.Get(path, h)
                        : method == "PATCH" ? client.Patch(path, h, text, "application/json")
                        : method == "POST"  ? client.Post(path, h, text, "application/json")
                                            : client.Delete(path, h);
    if (!r) return {};
    return {r->status, nlohmann::json::parse(r->body, nullptr, false), r->headers};
  }
  std::pair<int, nlohmann::json> Call(const std::string& method, const std::string& path,
                                      const nlohmann::json& body = nullptr) const {
    Answer a = Request(method, path, body);
    return {a.status, a.body};
  }

  // Starts a run of `sync` and waits for its end (the run's document; null on timeout).
  nlohmann::json RunToEnd(const std::string& sync) const {
    auto [status, run] = Call("POST", "/v1/syncs/" + sync + "/runs");
    if (status != 202) return run;
    std::string id = run.value("id", "");
    for (int i = 0; i < 600; ++i) {
      auto [s, r] = Call("GET", "/v1/syncs/" + sync + "/runs/" + id);
      std::string st = r.is_object() ? r.value("status", "") : "";
      if (st == "succeeded" || st == "failed" || st == "canceled") return r;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return nullptr;
  }

 private:
  std::filesystem::path dir_, out_, err_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string token_;
  std::string admin_token_;
};

}  // namespace crossdock::server::testing
