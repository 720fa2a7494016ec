// crossdock serve: the REST API, the web UI and /metrics on one port, backed by the store.
//
// On a fresh machine it creates the data directory, a master key file (mode 0600), a SQLite
// database and the first organization, and prints that organization's admin API token once
// (only its hash is stored). With --demo it also starts the project's test peers as a
// pretend customer AWS account and prepares a role and a bucket there. Sync runs queued over
// the API are executed by `crossdock worker` processes on the same store, or with --workers N
// by N worker threads in this process. SIGTERM and SIGINT stop it gracefully: the listener
// closes, requests in flight finish, then embedded workers finish their current run.
#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/cli/commands.h"
#include "crossdock/cli/connection_context.h"
#include "crossdock/cli/demo_settings.h"
#include "crossdock/cli/worker_tasks.h"
#include "crossdock/connect/connection_runtime.h"
#include "crossdock/connect/external_id.h"
#include "crossdock/connect/policy_spec.h"
#include "crossdock/crypto/secretbox.h"
#include "crossdock/crypto/token_hash.h"
#include "crossdock/http/outbound_policy.h"
#include "crossdock/iam/generate.h"
#include "crossdock/server/demo.h"
#include "crossdock/server/serve_setup.h"
#include "crossdock/server/server.h"
#include "crossdock/store/store.h"
#include "crossdock/sync/jobs/connector.h"
#include "crossdock/sync/jobs/service.h"
#include "crossdock/sync/jobs/worker.h"

namespace crossdock::cli {
namespace {

struct ServeOptions {
  std::string listen = "127.0.0.1";
  int port = 8080;
  std::string data_dir;
  std::string db;
  int db_pool_size = store::PostgresPoolOptions::kDefaultMaxConnections;
  std::string master_key_file;
  std::string vendor_account;
  std::string vendor_role_arn;
  std::string vendor_us_gov_account, vendor_us_gov_role_arn;
  std::string vendor_cn_account, vendor_cn_role_arn;
  std::string org = "default";
  std::size_t max_body_bytes = 1 << 20;
  // Handlers are CPU-bound once outbound routes have their own pool: two per core.
  int threads = std::max(4, 2 * static_cast<int>(std::thread::hardware_concurrency()));
  int outbound_threads = 16;
  std::size_t max_connections = 4096;
  int workers = -1;  // -1: 2 with --demo, else 0
  int keep_runs_days = 0;
  int drift_interval_hours = 24;
  int keep_runs_per_sync = 0;
  bool demo = false;
  bool demo_peers_from_env = false;
  std::string scripts_dir;
  std::string peers_dir;
  std::string sts_endpoint;
  std::string s3_endpoint;
  std::vector<std::string> postgres_hosts;
  std::vector<std::string> allowed_networks;
};

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// The demo's peers directory: under the data directory, except as root, where PostgreSQL
// runs as the postgres user and cannot traverse root's home (mode 0700).
std::string DefaultPeersDir(const std::string& data_dir) {
  if (::geteuid() != 0) return data_dir + "/peers";
  const char* tmp = std::getenv("TMPDIR");
  return fmt::format("{}/crossdock-demo-peers-{}", tmp && *tmp ? tmp : "/tmp", ::geteuid());
}

// Stops the peers this process started, on every way out of RunServe.
class PeersGuard {
 public:
  PeersGuard() = default;
  PeersGuard(const PeersGuard&) = delete;
  PeersGuard& operator=(const PeersGuard&) = delete;
  ~PeersGuard() { Stop(); }
  void Arm(std::string scripts_dir, std::string peers_dir, std::string settings_file) {
    scripts_dir_ = std::move(scripts_dir);
    peers_dir_ = std::move(peers_dir);
    settings_file_ = std::move(settings_file);
  }
  void Stop() {
    std::error_code ec;
    if (!settings_file_.empty()) std::filesystem::remove(settings_file_, ec);
    settings_file_.clear();
    if (peers_dir_.empty()) return;
    std::cerr << "crossdock serve --demo: stopping the demo peers in " << peers_dir_ << "\n";
    Status st = server::StopDemoPeers(scripts_dir_, peers_dir_);
    if (!st.ok()) std::cerr << "crossdock serve --demo: " << st.error().message() << "\n";
    peers_dir_.clear();
  }

 private:
  std::string scripts_dir_;
  std::string peers_dir_;
  std::string settings_file_;
};

// A libpq password file for the demo's sample PostgreSQL (mode 0600), for the workers.
Result<std::string> WriteDemoPgpass(const std::string& data_dir, const server::DemoPeers& peers) {
  std::string host = peers.PostgresHost();
  size_t colon = host.rfind(':');
  std::string path = data_dir + "/demo.pgpass";
  if (host.empty() || colon == std::string::npos) return std::string();
  std::string line = fmt::format("{}:{}:*:*:{}\n", host.substr(0, colon), host.substr(colon + 1),
                                 peers.PostgresPassword());
  std::filesystem::remove(path);
  std::ofstream out(path);
  out << line;
  out.close();
  std::error_code ec;
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
      std::filesystem::perm_options::replace, ec);
  if (!out || ec) return Error(ErrorCode::kUnavailable, "cannot write " + path, "data_dir");
  return path;
}

// scripts/ next to the binary's source tree: <bin>/../scripts, <bin>/../../scripts, or the
// current directory's scripts/.
std::string FindScriptsDir() {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::vector<std::filesystem::path> candidates;
  if (!ec) {
    for (auto p = exe.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path()) {
      candidates.push_back(p / "scripts");
      candidates.push_back(p / "share" / "crossdock" / "scripts");
    }
  }
  candidates.push_back(std::filesystem::current_path(ec) / "scripts");
  for (const auto& c : candidates) {
    if (std::filesystem::exists(c / "peers" / "start.sh", ec)) return c.string();
  }
  return "";
}

// --workers: sync workers on threads of this process, as `crossdock worker` runs them.
class EmbeddedWorkers {
 public:
  EmbeddedWorkers(int count, sync::JobStore& jobs, sync::ConnectorOptions connector_options,
                  std::shared_ptr<spdlog::logger> logger, sync::RetentionPolicy retention = {},
                  std::vector<std::function<void()>> tasks = {})
      : connector_(std::move(connector_options)), logger_(std::move(logger)) {
    for (int i = 0; i < count; ++i) {
      sync::WorkerOptions wo;
      wo.tasks = tasks;                      // drift checks and webhook deliveries (worker_tasks.h)
      if (i == 0) wo.retention = retention;  // one pruner per process is enough
      workers_.push_back(std::make_unique<sync::Worker>(jobs, connector_, wo));
    }
  }
  ~EmbeddedWorkers() { StopAndJoin(); }

  // Starts the threads; the first sweeps the staging of dead runs before claiming (as
  // `crossdock worker` does on start). Call with the stop signals blocked so that the threads
  // inherit the mask.
  void Start() {
    for (size_t i = 0; i < workers_.size(); ++i) {
      threads_.emplace_back([this, worker = workers_[i].get(), sweep = i == 0] {
        if (sweep) Sweep(*worker);
        Log("info", "worker started", {{"worker_id", worker->id()}});
        Status st = worker->Run(stop_);
        if (!st.ok()) {
          Log("error", "worker stopped",
              {{"worker_id", worker->id()}, {"error", st.error().ToString()}});
        }
      });
    }
  }

  // Each worker finishes its current run first.
  void StopAndJoin() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
    threads_.clear();
  }

 private:
  void Sweep(sync::Worker& worker) {
    auto swept = worker.SweepStaging();
    if (!swept.ok()) {
      Log("error", "staging sweep failed", {{"error", swept.error().ToString()}});
    } else if (!swept->removed_runs.empty()) {
      Log("info", "removed staging of dead runs",
          {{"runs", swept->removed_runs.size()},
           {"objects", swept->objects_deleted},
           {"uploads_aborted", swept->uploads_aborted}});
    }
  }

  void Log(const char* level, const char* msg, const nlohmann::ordered_json& fields) {
    std::string line = server::JsonLogLine(level, msg, fields, SystemClock::Instance().Now());
    if (std::string_view(level) == "error") {
      logger_->error(line);
    } else {
      logger_->info(line);
    }
  }

  sync::Connector connector_;
  std::shared_ptr<spdlog::logger> logger_;
  std::vector<std::unique_ptr<sync::Worker>> workers_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
};

// What a newcomer sees once the demo serves: where, with which token, and what to try.
void PrintDemoWelcome(const ServeOptions& o, int port, const std::string& token,
                      const server::DemoPeers& peers) {
  std::string url =
      fmt::format("http://{}:{}/", o.listen == "0.0.0.0" ? "127.0.0.1" : o.listen, port);
  std::cout << fmt::format(
                   "\nThe demo is ready.\n"
                   "  Web UI and API: {}\n"
                   "  Admin token:    {}\n"
                   "  Sample data:    s3://{}/{}/{} (files) and table {} in {}\n"
                   "Next, try:\n"
                   "  1. Open {} , sign in with the token, Add connection (pre-filled for the "
                   "pretend account) and press Save & test: the demo applies the generated "
                   "policies to its role first.\n"
                   "  2. Create a sync from the sample files (or the sample table) to that "
                   "connection and press Run: {} in-process workers run it.\n"
                   "  3. From another terminal, on the same store: crossdock credentials "
                   "--connection NAME   (the connection's temporary AWS keys), or crossdock "
                   "worker   (one more worker).\n"
                   "Stop with Ctrl-C: every demo peer stops with it.\n\n",
                   url, token, peers.Get("RGW_BUCKET"), server::DemoPeers::kPrefix,
                   peers.SamplesPrefix(), peers.SamplesPostgresTable(), peers.SamplesPostgresUrl(),
                   url, o.workers)
            << std::flush;
}

int Fail(const Error& e) {
  std::cerr << "crossdock serve: " << e.message() << "\n";
  return e.code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

// Each connection is a descriptor: take the hard limit so that --max-connections is reachable.
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int RunServe(ServeOptions o) {
  RaiseOpenFileLimit();
  if (o.data_dir.empty()) o.data_dir = DefaultDataDir();
  if (o.workers < 0) o.workers = o.demo ? 2 : 0;
  // Stop signals are blocked from the start and taken by one thread with sigwait later, so
  // that a signal during the demo's start-up still stops what was started.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  PeersGuard peers_guard;
  std::error_code ec;
  std::filesystem::create_directories(o.data_dir, ec);
  if (ec) {
    std::cerr << "crossdock serve: cannot create data directory " << o.data_dir << ": "
              << ec.message() << "; choose another with --data-dir\n";
    return kExitFailure;
  }
  std::filesystem::permissions(o.data_dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  if (o.db.empty()) o.db = o.data_dir + "/crossdock.db";
  if (o.master_key_file.empty()) o.master_key_file = o.data_dir + "/master.key";

  crypto::MasterKeyOptions key_options;
  key_options.env_value = Env("CROSSDOCK_MASTER_KEY");
  key_options.file_path = o.master_key_file;
  auto key = crypto::LoadMasterKey(key_options);
  if (!key.ok()) return Fail(key.error());
  if (key->created)
    std::cerr << "crossdock serve: created master key " << key->source << " (mode 0600)\n";

  store::StoreOptions store_options;
  store_options.location = o.db;
  store_options.postgres_pool.max_connections = o.db_pool_size;
  store_options.secret_box = key->box;
  auto opened = store::OpenStore(std::move(store_options));
  if (!opened.ok()) return Fail(opened.error());
  std::unique_ptr<store::Store> store = std::move(*opened);

  std::shared_ptr<server::DemoPeers> peers;
  if (o.demo) {
    if (o.demo_peers_from_env) {
      auto found = server::DemoPeersFromEnvironment();
      if (!found.ok()) return Fail(found.error());
      peers = std::make_shared<server::DemoPeers>(std::move(*found));
    } else {
      if (o.scripts_dir.empty()) o.scripts_dir = FindScriptsDir();
      if (o.scripts_dir.empty()) {
        std::cerr << "crossdock serve --demo: cannot find scripts/peers/start.sh next to the "
                     "binary; pass --scripts-dir (or CROSSDOCK_SCRIPTS_DIR)\n";
        return kExitUsage;
      }
      if (o.peers_dir.empty()) o.peers_dir = DefaultPeersDir(o.data_dir);
      std::cerr << "crossdock serve --demo: starting the pretend customer AWS account (Ceph "
                   "RGW, the External ID front, PostgreSQL) in "
                << o.peers_dir << " (about a minute the first time)...\n";
      // Armed first: a failed or interrupted start stops whatever did start.
      peers_guard.Arm(o.scripts_dir, o.peers_dir, DemoSettingsPath(o.data_dir));
      auto started = server::StartDemoPeers(o.scripts_dir, o.peers_dir, &signals);
      if (!started.ok()) return Fail(started.error());
      peers = std::make_shared<server::DemoPeers>(std::move(*started));
    }
    if (o.scripts_dir.empty()) o.scripts_dir = FindScriptsDir();
    if (o.scripts_dir.empty()) {
      std::cerr << "crossdock serve --demo: no scripts/peers/seed_demo.py found; the demo has "
                   "no sample data (pass --scripts-dir)\n";
    } else {
      Status seeded =
          server::SeedDemoSamples(o.scripts_dir, o.data_dir + "/demo-seed.log", *peers, &signals);
      if (!seeded.ok()) return Fail(seeded.error());
    }
    std::string host = peers->PostgresHost();
    if (!host.empty()) {
      // The demo's own PostgreSQL is on loopback: allowed for its tenants, and only it.
      std::string name = host.substr(0, host.rfind(':'));
      o.postgres_hosts.push_back(name);
      o.allowed_networks.push_back(name == "localhost" ? "127.0.0.1" : name);
    }
    if (o.vendor_account.empty()) o.vendor_account = peers->Get("RGW_VENDOR_ACCOUNT");
    if (o.sts_endpoint.empty()) o.sts_endpoint = peers->Get("CROSSDOCK_STS_ENDPOINT");
    if (o.s3_endpoint.empty()) o.s3_endpoint = peers->Get("CROSSDOCK_STS_ENDPOINT");
    if (o.org == "default") o.org = "demo";
  }

  server::SetupOptions setup;
  setup.org_name = o.org;
  setup.vendor_account = o.vendor_account;
  setup.vendor_role_arn = o.vendor_role_arn;
  setup.other_vendors = {{"aws-us-gov", "--vendor-us-gov-account-id", "--vendor-us-gov-role-arn",
                          o.vendor_us_gov_account, o.vendor_us_gov_role_arn},
                         {"aws-cn", "--vendor-cn-account-id", "--vendor-cn-role-arn",
                          o.vendor_cn_account, o.vendor_cn_role_arn}};
  auto initial = server::PrepareStore(*store, setup);
  if (!initial.ok()) return Fail(initial.error());
  if (!initial->admin_token.empty()) {
    std::cout << "Initial admin token for organization \"" << o.org
              << "\" (shown once; only its hash is stored):\n"
              << initial->admin_token << "\n"
              << std::flush;
  }
  if (!initial->instance_admin_token.empty()) {
    std::cout << "Instance-admin token (shown once; only its hash is stored). It creates "
                 "organizations and their first token with POST /v1/admin/organizations and "
                 "reads no organization's data; crossdock org rotate-admin-token replaces it:\n"
              << initial->instance_admin_token << "\n"
              << std::flush;
  }
  std::string demo_token = initial->admin_token;
  if (peers) {
    Status prepared = server::PrepareDemoRole(*store, initial->org_id, *peers);
    if (!prepared.ok()) return Fail(prepared.error());
    if (demo_token.empty()) {
      auto issued = server::IssueDemoToken(*store, initial->org_id);
      if (!issued.ok()) return Fail(issued.error());
      demo_token = *issued;
      std::cout << "Demo admin token for organization \"" << o.org
                << "\" (a new one at every demo start):\n"
                << demo_token << "\n"
                << std::flush;
    }
    // `crossdock worker`, `crossdock credentials` and `crossdock sync` on this store find the
    // demo's peers and keys here while it runs (cli/demo_settings.h).
    auto pgpass = WriteDemoPgpass(o.data_dir, *peers);
    if (!pgpass.ok()) return Fail(pgpass.error());
    DemoSettings settings;
    settings.org = o.org;
    if (auto orgs = store::CollectPages<store::Organization>(
            [&](const store::PageRequest& page) { return store->ListOrganizations(page); });
        orgs.ok()) {
      for (const auto& org : *orgs) {
        if (org.id == initial->org_id) settings.org = org.name;
      }
    }
    settings.sts_endpoint = o.sts_endpoint;
    settings.s3_endpoint = o.s3_endpoint;
    settings.vendor_access_key_id = peers->Get("RGW_VENDOR_ACCESS_KEY");
    settings.vendor_secret_access_key = peers->Get("RGW_VENDOR_SECRET_KEY");
    settings.pgpass_file = *pgpass;
    Status written = WriteDemoSettings(o.data_dir, settings);
    if (!written.ok()) return Fail(written.error());
    if (o.demo_peers_from_env) peers_guard.Arm("", "", DemoSettingsPath(o.data_dir));
    UseDemoPostgresPassword(settings);
  }

  // The sync definitions and runs behind /v1/syncs, shared with the embedded workers.
  auto syncs = sync::SyncService::Open(*store);
  if (!syncs.ok()) return Fail(syncs.error());

  server::ServerOptions options;
  options.syncs = syncs->get();
  options.host = o.listen;
  options.port = o.port;
  options.max_body_bytes = o.max_body_bytes;
  options.threads = o.threads;
  options.outbound_threads = o.outbound_threads;
  options.max_connections = o.max_connections;
  options.logger = server::MakeJsonLogger("crossdock");
  options.postgres_hosts = o.postgres_hosts;
  auto outbound = http::OutboundPolicy::FromStrings(o.allowed_networks, "allow-network");
  if (!outbound.ok()) return Fail(outbound.error());
  options.outbound = std::make_shared<const http::OutboundPolicy>(*outbound);

  server::ExtraRoutesOptions extra_options;
  extra_options.demo = peers;
  extra_options.sts_endpoint = o.sts_endpoint;
  extra_options.s3_endpoint = o.s3_endpoint;
  extra_options.outbound = options.outbound;
  server::Server srv(*store, options, server::ExtraRoutes(*store, extra_options));

  Status bound = srv.Bind();
  if (!bound.ok()) return Fail(bound.error());
  std::cerr << fmt::format("crossdock serve: listening on http://{}:{}/ (store: {})\n", o.listen,
                           srv.port(), store->Describe());
  if (peers) PrintDemoWelcome(o, srv.port(), demo_token, *peers);

  sync::ConnectorOptions connector_options;
  connector_options.store = store.get();
  // Endpoint overrides: the flags, then the environment, as for `crossdock worker`.
  connect::Endpoints flags;
  flags.s3 = o.s3_endpoint;
  flags.sts = o.sts_endpoint;
  connect::Endpoints endpoints = connect::Endpoints::FromFlagsAndEnvironment(flags);
  connector_options.s3_endpoint = endpoints.s3;
  connector_options.sts_endpoint = endpoints.sts;
  connector_options.redshift_data_endpoint = endpoints.redshift_data;
  connector_options.databricks_endpoint = endpoints.databricks;
  connector_options.redshift_serverless_endpoint = endpoints.redshift_serverless;
  connector_options.kinesis_endpoint = endpoints.kinesis;
  connector_options.tenant_outbound = options.outbound;
  if (peers) {
    aws::AwsCredentials creds;
    creds.access_key_id = peers->Get("RGW_VENDOR_ACCESS_KEY");
    creds.secret_access_key = peers->Get("RGW_VENDOR_SECRET_KEY");
    connector_options.vendor_credentials = std::make_shared<aws::StaticCredentialsProvider>(creds);
  }
  sync::RetentionPolicy retention;
  retention.max_age = std::chrono::hours(24) * o.keep_runs_days;
  retention.keep_per_sync = o.keep_runs_per_sync;
  std::unique_ptr<WorkerTasks> worker_tasks;
  std::vector<std::function<void()>> tasks;
  if (o.workers > 0) {
    WorkerTaskOptions to;
    to.drift_interval = std::chrono::hours(o.drift_interval_hours);
    auto opened = WorkerTasks::Open(*store, connector_options, to);
    if (!opened.ok()) return Fail(opened.error());
    worker_tasks = std::move(*opened);
    tasks.push_back([t = worker_tasks.get()] { t->Tick(); });
  }
  EmbeddedWorkers workers(o.workers, (*syncs)->jobs(), std::move(connector_options), options.logger,
                          retention, std::move(tasks));
  workers.Start();
  if (o.workers == 0) {
    std::cerr << "crossdock serve: no embedded sync workers; queued runs wait for `crossdock "
                 "worker` on the same --db (or start serve with --workers N)\n";
  }
  if (auto vendors = store->ListVendorIdentities(); vendors.ok() && vendors->empty()) {
    std::cerr << "crossdock serve: no vendor identity yet, so IAM-role connections are refused; "
                 "set crossdock's AWS account with `crossdock identity set --account-id "
                 "ACCOUNT_ID` (or start serve with --vendor-account-id ACCOUNT_ID)\n";
  }
  std::thread waiter([&srv, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    srv.Stop();
  });
  srv.Run();
  // Run() returned: wake the waiter if Run ended for another reason.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  workers.StopAndJoin();
  peers_guard.Stop();
  return kExitOk;
}

}  // namespace

void RegisterServeCommand(CLI::App& app) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Serve the REST API (/v1, /openapi.json), the web UI (/), /healthz, /readyz and "
      "/metrics.\nOn first start: creates the data directory, a master key file (mode 0600), "
      "a SQLite database and an organization, and prints its admin API token once.");
  cmd->add_option("--listen", o->listen, "Address to listen on")
      ->envname("CROSSDOCK_LISTEN")
      ->capture_default_str();
  cmd->add_option("--port", o->port, "Port to listen on (0: any free port)")
      ->envname("CROSSDOCK_PORT")
      ->capture_default_str();
  cmd->add_option("--data-dir", o->data_dir,
                  "Directory for the default database and master key file (default ~/.crossdock, "
                  "shared with every crossdock command)")
      ->envname("CROSSDOCK_HOME");
  cmd->add_option("--db", o->db,
                  "SQLite file (default DATA_DIR/crossdock.db) or PostgreSQL URL "
                  "(postgresql://user:password@host:port/db)")
      ->envname("CROSSDOCK_DB");
  cmd->add_option("--db-pool-size", o->db_pool_size,
                  "PostgreSQL --db only: the most database sessions this process opens at once, "
                  "shared by request threads and --workers (opened on demand; further "
                  "transactions wait for a free one)")
      ->envname("CROSSDOCK_DB_POOL_SIZE")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--master-key-file", o->master_key_file,
                  "Key that encrypts stored secrets; created (mode 0600) when missing (default "
                  "DATA_DIR/master.key). CROSSDOCK_MASTER_KEY (64 hex or base64 of 32 bytes) "
                  "overrides the file")
      ->envname("CROSSDOCK_MASTER_KEY_FILE");
  cmd->add_option("--vendor-account-id", o->vendor_account,
                  "Your (the vendor's) 12-digit AWS account id in the commercial partition "
                  "(aws): the principal customers trust")
      ->envname("CROSSDOCK_VENDOR_ACCOUNT_ID");
  cmd->add_option("--vendor-role-arn", o->vendor_role_arn,
                  "Optional: trust only this role of the vendor account instead of its root")
      ->envname("CROSSDOCK_VENDOR_ROLE_ARN");
  cmd->add_option("--vendor-us-gov-account-id", o->vendor_us_gov_account,
                  "The vendor's account in AWS GovCloud (aws-us-gov): assumes roles of "
                  "us-gov-* connections")
      ->envname("CROSSDOCK_VENDOR_US_GOV_ACCOUNT_ID");
  cmd->add_option("--vendor-us-gov-role-arn", o->vendor_us_gov_role_arn,
                  "Optional: the vendor role in aws-us-gov (arn:aws-us-gov:iam::ACCOUNT:role/NAME)")
      ->envname("CROSSDOCK_VENDOR_US_GOV_ROLE_ARN");
  cmd->add_option("--vendor-cn-account-id", o->vendor_cn_account,
                  "The vendor's account in AWS China (aws-cn): assumes roles of cn-* "
                  "connections")
      ->envname("CROSSDOCK_VENDOR_CN_ACCOUNT_ID");
  cmd->add_option("--vendor-cn-role-arn", o->vendor_cn_role_arn,
                  "Optional: the vendor role in aws-cn (arn:aws-cn:iam::ACCOUNT:role/NAME)")
      ->envname("CROSSDOCK_VENDOR_CN_ROLE_ARN");
  cmd->add_option("--org", o->org,
                  "Name of the first organization, created on first start (--demo: demo)")
      ->envname("CROSSDOCK_ORG")
      ->capture_default_str();
  cmd->add_option("--max-body-bytes", o->max_body_bytes, "Largest request body accepted")
      ->envname("CROSSDOCK_MAX_BODY_BYTES")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads,
                  "Threads running request handlers (idle and slow connections hold none; "
                  "default: two per core)")
      ->envname("CROSSDOCK_THREADS")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_option("--outbound-threads", o->outbound_threads,
                  "Threads for requests that call out and may wait (connection tests, "
                  "External ID prechecks, saves that resolve a tenant's host)")
      ->envname("CROSSDOCK_OUTBOUND_THREADS")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_option("--max-connections", o->max_connections,
                  "Open connections beyond which new ones are answered 503 and closed")
      ->envname("CROSSDOCK_MAX_CONNECTIONS")
      ->check(CLI::Range(16, 1000000))
      ->capture_default_str();
  cmd->add_option("--allow-postgres-host", o->postgres_hosts,
                  "A PostgreSQL host name that syncs created over the API may read (repeatable; "
                  "\"*\" for any name). The default refuses PostgreSQL sources over the API; "
                  "tenants' runs never use the workers' PGPASSWORD / .pgpass; the CLI is not "
                  "limited")
      ->envname("CROSSDOCK_ALLOW_POSTGRES_HOSTS")
      ->delimiter(',');
  cmd->add_option("--allow-network", o->allowed_networks,
                  "A non-public network (CIDR, e.g. 10.20.0.0/16, or one address) that hosts set "
                  "by tenants may resolve to (repeatable). By default tenants' PostgreSQL, "
                  "Databricks and Redshift VPC endpoint hosts must resolve to public addresses: "
                  "loopback, private, link-local (instance metadata) and reserved ones are "
                  "refused")
      ->envname("CROSSDOCK_ALLOW_NETWORKS")
      ->delimiter(',');
  cmd->add_option("--drift-interval-hours", o->drift_interval_hours,
                  "Embedded workers re-test each connection this often, marking drift (0: no "
                  "drift checks in this process)")
      ->check(CLI::Range(0, 8760));
  cmd->add_option("--workers", o->workers,
                  "Sync worker threads in this process executing queued runs, as `crossdock "
                  "worker` does (0: leave them to `crossdock worker` processes on the same "
                  "--db; default 0, 2 with --demo)")
      ->envname("CROSSDOCK_WORKERS")
      ->check(CLI::Range(0, 64));
  cmd->add_option("--keep-runs-days", o->keep_runs_days,
                  "Embedded workers delete finished runs older than this many days (0: keep)")
      ->check(CLI::Range(0, 36500));
  cmd->add_option("--keep-runs-per-sync", o->keep_runs_per_sync,
                  "Embedded workers keep at most this many newest runs per sync (0: no limit)")
      ->check(CLI::Range(0, 10000000));
  cmd->add_option("--sts-endpoint", o->sts_endpoint,
                  "STS endpoint for connection tests and --workers (default: AWS's regional "
                  "endpoint)")
      ->envname("CROSSDOCK_STS_ENDPOINT");
  cmd->add_option("--s3-endpoint", o->s3_endpoint,
                  "S3 endpoint for connection tests and --workers (default: AWS)")
      ->envname("CROSSDOCK_S3_ENDPOINT");
  cmd->add_flag("--demo", o->demo,
                "Also start the project's test peers (Ceph RGW + the External ID front) as a "
                "pretend customer AWS account with a bucket and a role, for trying the whole "
                "flow without AWS");
  cmd->add_option("--scripts-dir", o->scripts_dir,
                  "--demo: the project's scripts/ folder (default: found next to the binary)")
      ->envname("CROSSDOCK_SCRIPTS_DIR");
  cmd->add_flag("--demo-peers-from-env", o->demo_peers_from_env,
                "--demo: use peers already started with eval \"$(scripts/peers/start.sh)\" "
                "(RGW_* and CROSSDOCK_* variables) instead of starting them");
  cmd->add_option("--peers-dir", o->peers_dir,
                  "--demo: data directory of the peers (default DATA_DIR/peers; as root "
                  "/tmp/crossdock-demo-peers-0, which the postgres user can reach)")
      ->envname("CROSSDOCK_DEMO_PEERS_DIR");
  cmd->footer(
      "Environment: every option can also be set by the variable shown next to it.\n"
      "Secrets are never printed or logged; logs are JSON lines on stderr.");
  cmd->callback([o] { ExitWith(RunServe(*o)); });
}

}  // namespace crossdock::cli
