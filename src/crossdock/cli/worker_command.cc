// crossdock worker: executes queued sync runs until SIGTERM or SIGINT.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>

#include "crossdock/cli/commands.h"
#include "crossdock/cli/sync_cli.h"
#include "crossdock/cli/worker_tasks.h"
#include "crossdock/sync/jobs/worker.h"

namespace crossdock::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void OnStopSignal(int) { g_stop.store(true); }

struct WorkerArgs {
  SyncCliOptions opts;
  std::string id;
  int poll_ms = 1000;
  int heartbeat_ms = 2000;
  int lease_ms = 30000;
  int max_attempts = 3;
  bool once = false;
  int keep_runs_days = 0;
  int keep_runs_per_sync = 0;
  int drift_interval_hours = 24;
};

int RunWorker(WorkerArgs& a) {
  auto ctx = OpenSyncContext(a.opts);
  if (!ctx.ok()) return ReportError("worker", ctx.error());
  sync::WorkerOptions wo;
  wo.id = a.id;
  wo.poll = std::chrono::milliseconds(a.poll_ms);
  wo.heartbeat = std::chrono::milliseconds(a.heartbeat_ms);
  wo.claim.lease = std::chrono::milliseconds(a.lease_ms);
  wo.claim.max_attempts = a.max_attempts;
  wo.retention.max_age = std::chrono::hours(24) * a.keep_runs_days;
  wo.retention.keep_per_sync = a.keep_runs_per_sync;
  WorkerTaskOptions to;
  to.drift_interval = std::chrono::hours(a.drift_interval_hours);
  auto tasks = WorkerTasks::Open(*ctx->base.store, ctx->connector_options, to);
  if (!tasks.ok()) return ReportError("worker", tasks.error());
  wo.tasks.push_back([t = tasks->get()] { t->Tick(); });
  sync::Worker worker(ctx->service->jobs(), *ctx->connector, wo);
  std::signal(SIGTERM, OnStopSignal);
  std::signal(SIGINT, OnStopSignal);
  std::cerr << "crossdock worker " << worker.id() << " on " << ctx->base.store->Describe() << "\n";
  auto swept = worker.SweepStaging();
  if (!swept.ok()) {
    std::cerr << "crossdock worker: staging sweep failed: " << swept.error().ToString() << "\n";
  } else if (!swept->removed_runs.empty()) {
    std::cerr << "crossdock worker: removed staging of " << swept->removed_runs.size()
              << " dead runs (" << swept->objects_deleted << " objects, " << swept->uploads_aborted
              << " multipart uploads aborted)\n";
  }
  if (a.once) {
    if (a.drift_interval_hours > 0) {
      auto drift = (*tasks)->DriftPass();
      if (!drift.ok()) return ReportError("worker", drift.error());
      if (drift->checked + drift->errors > 0) {
        std::cerr << "drift checks: " << drift->checked << " checked, " << drift->failing
                  << " failing, " << drift->errors << " could not run\n";
      }
    }
    auto delivered = (*tasks)->DeliverPass();
    if (!delivered.ok()) return ReportError("worker", delivered.error());
    if (delivered->delivered + delivered->retrying + delivered->failed > 0) {
      std::cerr << "webhooks: " << delivered->delivered << " delivered, " << delivered->retrying
                << " to retry, " << delivered->failed << " given up\n";
    }
    auto r = worker.RunOnce();
    if (!r.ok()) return ReportError("worker", r.error());
    if (*r) {
      std::cerr << "run " << (*r)->id << " " << sync::RunStatusName((*r)->status) << "\n";
    }
    return kExitOk;
  }
  Status st = worker.Run(g_stop);
  if (!st.ok()) return ReportError("worker", st.error());
  std::cerr << "crossdock worker " << worker.id() << " stopped\n";
  return kExitOk;
}

}  // namespace

void RegisterWorkerCommand(CLI::App& app) {
  auto a = std::make_shared<WorkerArgs>();
  CLI::App* cmd = app.add_subcommand(
      "worker",
      "Execute queued sync runs (several workers may share one PostgreSQL --db); stops on "
      "SIGTERM/SIGINT after the current run");
  AddGlobalOptions(*cmd, a->opts.global);
  AddConnectorFlags(*cmd, a->opts);
  cmd->add_option("--id", a->id, "Worker id (default host-pid-random)");
  cmd->add_option("--poll-ms", a->poll_ms, "Wait between claims when idle")
      ->check(CLI::Range(10, 600000));
  cmd->add_option("--heartbeat-ms", a->heartbeat_ms, "Run heartbeat period")
      ->check(CLI::Range(10, 600000));
  cmd->add_option("--lease-ms", a->lease_ms,
                  "Heartbeat age after which another worker takes a run over")
      ->check(CLI::Range(100, 3600000));
  cmd->add_option("--max-attempts", a->max_attempts, "Takeovers before a run fails")
      ->check(CLI::Range(1, 100));
  cmd->add_flag("--once", a->once,
                "Run the due drift checks and webhook deliveries once, execute at most one run, "
                "then exit");
  cmd->add_option("--drift-interval-hours", a->drift_interval_hours,
                  "Re-test each connection this often, recording drift (0: no drift checks in "
                  "this worker)")
      ->check(CLI::Range(0, 8760));
  cmd->add_option("--keep-runs-days", a->keep_runs_days,
                  "Delete finished runs older than this many days (0: keep them)")
      ->check(CLI::Range(0, 36500));
  cmd->add_option("--keep-runs-per-sync", a->keep_runs_per_sync,
                  "Keep at most this many newest runs per sync (0: no limit)")
      ->check(CLI::Range(0, 10000000));
  cmd->callback([a] { ExitWith(RunWorker(*a)); });
}

}  // namespace crossdock::cli
