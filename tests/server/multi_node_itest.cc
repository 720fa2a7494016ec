// Several nodes on one PostgreSQL store, as real processes: two `crossdock serve` (the API,
// no embedded workers) and four `crossdock worker` share one schema. Checked: both servers
// start at once on the empty schema and agree on one first organization; the API answers
// from either server (what one creates the other reads, runs queued on both); 40
// runs queued over the API each execute exactly once (one succeeded record with attempt 1,
// one manifest written, naming that run); every schedule due fires exactly once per due
// time (the test moves each schedule's next time into the past twice, as a minute passing
// would); and a worker killed with SIGKILL while it holds a run loses it to another worker
// once its lease (3 s) expires, and the run then succeeds on its second attempt.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <libpq-fe.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "crossdock/crypto/random.h"
#include "crossdock/store/store.h"
#include "crossdock/sync/jobs/service.h"
#include "testing/peers.h"

extern char** environ;

namespace crossdock::server::testing {
namespace {

namespace fs = std::filesystem;
using crossdock::testing::Env;
using nlohmann::json;
using std::chrono::milliseconds;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// A process of the binary with `args`, stdout and stderr into files under `dir`.
struct Node {
  pid_t pid = -1;
  fs::path out, err;
};

Node Spawn(const std::vector<std::string>& args, const fs::path& dir, const std::string& name) {
  Node n{-1, dir / (name + ".out"), dir / (name + ".err")};
  std::vector<std::string> full = {CROSSDOCK_BINARY};
  full.insert(full.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : full) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, n.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, n.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int rc = posix_spawn(&n.pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  EXPECT_EQ(rc, 0) << name;
  return n;
}

// Polls `done` every 100 ms for up to `limit`; true when it held.
bool WaitFor(const std::function<bool()>& done, std::chrono::seconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(100));
  }
  return done();
}

// The peer database, in a fresh schema dropped at the end.
class Schema {
 public:
  Schema() : name_("multinode_" + crypto::RandomId("s").substr(2, 12)) {
    for (char& c : name_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    conn_ = PQconnectdb(Env("CROSSDOCK_PG_URL").c_str());
    EXPECT_EQ(PQstatus(conn_), CONNECTION_OK) << PQerrorMessage(conn_);
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
    Query("CREATE SCHEMA " + name_);
    Query("SET search_path TO " + name_);
  }
  ~Schema() {
    Query("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
    PQfinish(conn_);
  }
  std::vector<std::vector<std::string>> Query(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    auto st = PQresultStatus(r);
    EXPECT_TRUE(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        << sql << ": " << PQresultErrorMessage(r);
    std::vector<std::vector<std::string>> rows;
    for (int i = 0; i < PQntuples(r); ++i) {
      rows.emplace_back();
      for (int c = 0; c < PQnfields(r); ++c) rows.back().push_back(PQgetvalue(r, i, c));
    }
    PQclear(r);
    return rows;
  }
  std::string Url() const { return Env("CROSSDOCK_PG_URL") + "?options=-csearch_path%3D" + name_; }

 private:
  PGconn* conn_ = nullptr;
  std::string name_;
};

class MultiNodeTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (auto& n : nodes_) {
      if (n.pid <= 0) continue;
      kill(n.pid, SIGKILL);
      waitpid(n.pid, nullptr, 0);
    }
  }

  Node& Start(const std::vector<std::string>& args, const std::string& name) {
    nodes_.push_back(Spawn(args, dir_, name));
    return nodes_.back();
  }

  // Starts a serve node on the store.
  // Starts a serve node on the store, its sessions named after it in pg_stat_activity, at
  // most kServePool of them.
  Node& LaunchServe(const std::string& name) {
    return Start({"serve", "--port", "0", "--data-dir", (dir_ / name).string(), "--db",
                  db_ + "&application_name=" + AppName(name), "--master-key-file", key_file_,
                  "--vendor-account-id", "123456789012", "--workers", "0", "--threads", "4",
                  "--db-pool-size", std::to_string(kServePool)},
                 name);
  }
  std::string AppName(const std::string& node) const { return app_prefix_ + node; }

  static constexpr int kServePool = 2;
  std::string app_prefix_ = "mn" + crypto::RandomId("a").substr(2, 8) + "-";

  // The node's port once it listens (0 if it did not within 60 s).
  static int WaitListening(const Node& n) {
    std::regex listening("listening on http://127\\.0\\.0\\.1:(\\d+)/");
    int port = 0;
    WaitFor(
        [&] {
          std::smatch m;
          std::string text = ReadFile(n.err);
          if (std::regex_search(text, m, listening)) port = std::stoi(m[1]);
          return port != 0;
        },
        std::chrono::seconds(60));
    return port;
  }

  fs::path dir_ = fs::temp_directory_path() / crypto::RandomId("crossdock-multinode");
  std::string db_;
  std::string key_file_;
  std::vector<Node> nodes_;
};

json Body(const httplib::Result& r) {
  if (!r) return json();
  return json::parse(r->body, nullptr, false);
}

TEST_F(MultiNodeTest, TwoServersFourWorkersRunEachRunOnceAndTakeOverAKilledWorker) {
  REQUIRE_PEER("CROSSDOCK_PG_URL");
  // The slow source below reads the peer database as the worker's own libpq user.
  std::string pg = Env("CROSSDOCK_PG_URL");
  size_t colon = pg.find(':', pg.find("://") + 3), at = pg.find('@');
  ASSERT_NE(at, std::string::npos);
  setenv("PGPASSWORD", pg.substr(colon + 1, at - colon - 1).c_str(), 1);
  std::string source_url = pg.substr(0, colon) + pg.substr(at);

  Schema schema;
  db_ = schema.Url();
  fs::create_directories(dir_ / "in");
  key_file_ = (dir_ / "master.key").string();
  { std::ofstream(dir_ / "in" / "a.csv") << "id,name\n1,a\n2,b\n3,c\n"; }

  // Both servers start at once on the empty schema: one creates the organization and prints
  // its admin token, the other joins it.
  std::ofstream(key_file_) << "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n";
  fs::permissions(key_file_, fs::perms::owner_read | fs::perms::owner_write,
                  fs::perm_options::replace);
  LaunchServe("serve-a");
  LaunchServe("serve-b");
  int port_a = WaitListening(nodes_[0]);
  ASSERT_GT(port_a, 0) << ReadFile(nodes_[0].err);
  int port_b = WaitListening(nodes_[1]);
  ASSERT_GT(port_b, 0) << ReadFile(nodes_[1].err);
  // Exactly one node prints the organization's admin token and exactly one the instance
  // admin's (a second would not work: only one hash is stored).
  std::string printed = ReadFile(nodes_[0].out) + ReadFile(nodes_[1].out);
  auto tokens_after = [&](const std::string& heading) {
    std::regex re(heading + "[^\n]*\n(cdx_[A-Za-z0-9_-]{43})");
    std::vector<std::string> found;
    for (auto it = std::sregex_iterator(printed.begin(), printed.end(), re);
         it != std::sregex_iterator(); ++it) {
      found.push_back((*it)[1].str());
    }
    return found;
  };
  std::vector<std::string> org_tokens = tokens_after("Initial admin token for organization");
  ASSERT_EQ(org_tokens.size(), 1u) << "one organization, one first token: " << printed;
  EXPECT_EQ(tokens_after("Instance-admin token").size(), 1u) << printed;
  httplib::Headers auth = {{"Authorization", "Bearer " + org_tokens[0]}};
  httplib::Client a("127.0.0.1", port_a), b("127.0.0.1", port_b);
  httplib::Client* api[2] = {&a, &b};
  for (auto* c : api) c->set_read_timeout(30, 0);

  // The API from either node: a token and a connection made on one are read on the other.
  // The one instance-admin token printed works on either node.
  std::vector<std::string> admin_tokens = tokens_after("Instance-admin token");
  ASSERT_FALSE(admin_tokens.empty());
  for (int i = 0; i < 2; ++i) {
    auto org =
        api[i]->Post("/v1/admin/organizations", {{"Authorization", "Bearer " + admin_tokens[0]}},
                     fmt::format(R"({{"name": "tenant-{}"}})", i), "application/json");
    ASSERT_TRUE(org);
    EXPECT_EQ(org->status, 201) << org->body;
  }
  auto token = a.Post("/v1/tokens", auth, R"({"name": "from-a"})", "application/json");
  ASSERT_TRUE(token);
  ASSERT_EQ(token->status, 201) << token->body;
  httplib::Headers auth_new = {
      {"Authorization", "Bearer " + Body(token)["token"].get<std::string>()}};
  auto identity = b.Get("/v1/identity", auth_new);
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->status, 200) << identity->body;
  auto conn = b.Post("/v1/connections", auth,
                     json{{"type", "s3"},
                          {"name", "made-on-b"},
                          {"auth_method", "iam-role"},
                          {"role_arn", "arn:aws:iam::111122223333:role/crossdock"},
                          {"region", "us-east-1"},
                          {"bucket", "exports"}}
                         .dump(),
                     "application/json");
  ASSERT_TRUE(conn);
  ASSERT_EQ(conn->status, 201) << conn->body;
  std::string conn_id = Body(conn)["id"];
  auto read_back = a.Get("/v1/connections/" + conn_id, auth);
  ASSERT_TRUE(read_back);
  EXPECT_EQ(read_back->status, 200) << read_back->body;
  EXPECT_EQ(Body(read_back)["name"], "made-on-b");

  // Syncs from local files to a local folder (the operator's kind: the API refuses local
  // paths), made directly in the store.
  store::StoreOptions so;
  so.location = db_;
  auto store = store::OpenStore(std::move(so));
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  auto org = (*store)->FindOrganizationByName("default");
  ASSERT_TRUE(org.ok()) << org.error().ToString();
  auto service = sync::SyncService::Open(**store);
  ASSERT_TRUE(service.ok());
  std::string out_root = (dir_ / "out").string();
  auto local_sync = [&](const std::string& name, json extra = json::object()) {
    json body = {{"name", name},
                 {"source", {{"type", "local"}, {"root", (dir_ / "in").string()}}},
                 {"destination", {{"type", "local"}, {"root", out_root}, {"path", name}}}};
    body.update(extra);
    auto d = (*service)->Create(org->id, body);
    EXPECT_TRUE(d.ok()) << d.error().ToString();
    return d.ok() ? d->id : "";
  };
  constexpr int kRuns = 40;
  for (int i = 0; i < kRuns; ++i) local_sync(fmt::format("copy-{:02}", i));

  for (int w = 0; w < 4; ++w) {
    Start({"worker", "--db", db_, "--master-key-file", key_file_, "--id", fmt::format("w{}", w),
           "--poll-ms", "100", "--heartbeat-ms", "300", "--lease-ms", "3000",
           "--drift-interval-hours", "0"},
          fmt::format("w{}", w));
  }

  // 40 runs queued over the API, alternately on each server; each read on the other one.
  std::vector<std::string> run_ids;
  for (int i = 0; i < kRuns; ++i) {
    std::string sync = fmt::format("copy-{:02}", i);
    auto queued = api[i % 2]->Post("/v1/syncs/" + sync + "/runs", auth, "", "application/json");
    ASSERT_TRUE(queued);
    ASSERT_EQ(queued->status, 202) << queued->body;
    run_ids.push_back(Body(queued)["id"]);
    auto seen = api[(i + 1) % 2]->Get("/v1/syncs/" + sync + "/runs/" + run_ids.back(), auth);
    ASSERT_TRUE(seen);
    EXPECT_EQ(seen->status, 200) << seen->body;
  }
  auto count = [&](const std::string& where) {
    return std::stoi(schema.Query("SELECT count(*) FROM sync_runs WHERE " + where)[0][0]);
  };
  ASSERT_TRUE(WaitFor([&] { return count("status IN ('succeeded', 'failed')") == kRuns; },
                      std::chrono::seconds(60)))
      << count("status = 'succeeded'") << " of " << kRuns << " succeeded";
  std::set<std::string> workers_used;
  for (size_t i = 0; i < run_ids.size(); ++i) {
    auto run =
        Body(api[i % 2]->Get(fmt::format("/v1/syncs/copy-{:02}/runs/{}", i, run_ids[i]), auth));
    EXPECT_EQ(run["status"], "succeeded") << run.dump();
    EXPECT_EQ(run["attempt"], 1) << run.dump();
    EXPECT_EQ(run["rows"], 3) << run.dump();
    if (run["worker_id"].is_string()) workers_used.insert(run["worker_id"].get<std::string>());
  }
  EXPECT_GE(workers_used.size(), 2u) << "the four workers shared the queue";
  // The written output: one manifest per run, each naming its own run.
  std::multiset<std::string> manifests;
  for (const auto& e : fs::recursive_directory_iterator(out_root)) {
    if (e.path().filename() == "manifest.json") {
      manifests.insert(json::parse(ReadFile(e.path()), nullptr, false).value("run_id", ""));
    }
  }
  EXPECT_EQ(manifests, std::multiset<std::string>(run_ids.begin(), run_ids.end()));

  // Schedules: every sync due fires once per due time, whichever of the four ticks first.
  constexpr int kScheduled = 8;
  std::vector<std::string> scheduled;
  for (int i = 0; i < kScheduled; ++i) {
    scheduled.push_back(local_sync(fmt::format("tick-{}", i), {{"schedule", {{"every", "1m"}}}}));
  }
  std::string in_list;
  for (const auto& id : scheduled) in_list += (in_list.empty() ? "'" : ", '") + id + "'";
  auto scheduled_runs = [&](const std::string& status_filter) {
    return count("sync_id IN (" + in_list + ")" + status_filter);
  };
  EXPECT_EQ(scheduled_runs(""), 0) << "not due yet";
  for (int round = 1; round <= 2; ++round) {
    // A due time in the past, distinct per round, as if the minute had passed.
    schema.Query(fmt::format(
        "UPDATE sync_schedules SET next_run_at = (extract(epoch from now()) * 1000)::bigint - "
        "{} WHERE sync_id IN ({})",
        1000 * round, in_list));
    ASSERT_TRUE(WaitFor(
        [&] {
          return scheduled_runs(" AND status IN ('succeeded', 'failed')") == kScheduled * round;
        },
        std::chrono::seconds(30)))
        << scheduled_runs("") << " scheduled runs in round " << round;
    // Every worker has ticked several times since; none queued the same due time again.
    std::this_thread::sleep_for(milliseconds(600));
    EXPECT_EQ(scheduled_runs(""), kScheduled * round) << "round " << round;
    for (const auto& id : scheduled) {
      EXPECT_EQ(count("sync_id = '" + id + "' AND status = 'succeeded'"), round) << id;
    }
    EXPECT_EQ(
        std::stoi(schema.Query("SELECT count(*) FROM sync_schedules WHERE sync_id IN (" + in_list +
                               ") AND next_run_at > (extract(epoch from now()) * 1000)")[0][0]),
        kScheduled)
        << "each schedule's next time moved past now";
  }

  // Takeover: a run whose source takes 4 s to answer; its worker is killed mid-run.
  ASSERT_FALSE(local_sync("slow", {{"source",
                                    {{"type", "postgres"},
                                     {"url", source_url},
                                     {"query", "SELECT 1 AS id FROM pg_sleep(4)"}}}})
                   .empty());
  auto slow = b.Post("/v1/syncs/slow/runs", auth, "", "application/json");
  ASSERT_TRUE(slow);
  ASSERT_EQ(slow->status, 202) << slow->body;
  std::string slow_id = Body(slow)["id"];
  std::string holder;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto rows = schema.Query(
            "SELECT worker_id FROM sync_runs WHERE status = 'running' AND id = '" + slow_id + "'");
        if (!rows.empty()) holder = rows[0][0];
        return !holder.empty();
      },
      std::chrono::seconds(20)));
  ASSERT_EQ(holder.size(), 2u) << holder;
  Node& killed = nodes_[2 + (holder[1] - '0')];  // after the two servers: w0..w3
  kill(killed.pid, SIGKILL);
  waitpid(killed.pid, nullptr, 0);
  killed.pid = -1;
  json taken;
  ASSERT_TRUE(WaitFor(
      [&] {
        taken = Body(a.Get("/v1/syncs/slow/runs/" + slow_id, auth));
        return taken.value("status", "") == "succeeded" || taken.value("status", "") == "failed";
      },
      std::chrono::seconds(40)))
      << taken.dump();
  EXPECT_EQ(taken["status"], "succeeded") << taken.dump();
  EXPECT_EQ(taken["attempt"], 2) << taken.dump();
  EXPECT_NE(taken["worker_id"], holder) << taken.dump();
  EXPECT_EQ(taken["rows"], 1) << taken.dump();

  // Each server held at most its --db-pool-size sessions (the server's count, and its own).
  for (const char* name : {"serve-a", "serve-b"}) {
    int sessions =
        std::stoi(schema.Query("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" +
                               AppName(name) + "'")[0][0]);
    EXPECT_GE(sessions, 1) << name;
    EXPECT_LE(sessions, kServePool) << name;
  }
  auto metrics = a.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("crossdock_db_pool_max_sessions 2\n"), std::string::npos);
  std::smatch opened;
  ASSERT_TRUE(std::regex_search(metrics->body, opened,
                                std::regex("crossdock_db_pool_opened_total (\\d+)")));
  EXPECT_GE(std::stoi(opened[1]), 1);
  EXPECT_LE(std::stoi(opened[1]), kServePool) << "sessions are reused, not reopened";

  // Both servers still answer the same list.
  auto list_a = Body(a.Get("/v1/syncs?limit=1000", auth));
  auto list_b = Body(b.Get("/v1/syncs?limit=1000", auth));
  EXPECT_EQ(list_a["syncs"].size(), static_cast<size_t>(kRuns + kScheduled + 1));
  EXPECT_EQ(list_a["syncs"], list_b["syncs"]);
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

}  // namespace
}  // namespace crossdock::server::testing
