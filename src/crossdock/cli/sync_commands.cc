// crossdock sync create|list|show|delete|run|runs|cancel|pause|resume|schedule.
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "crossdock/cli/commands.h"
#include "crossdock/cli/list_paging.h"
#include "crossdock/cli/sync_cli.h"
#include "crossdock/cli/sync_progress.h"
#include "crossdock/core/time_format.h"
#include "crossdock/sync/jobs/worker.h"

namespace crossdock::cli {
namespace {

struct SyncArgs {
  SyncCliOptions opts;
  std::string name;
  std::string spec;  // JSON text or @file
  std::string run_id;
  PageFlags page;
  std::string name_prefix;  // sync list --name-prefix
  std::string status;       // sync runs --status
  std::string since;        // sync runs --since
  bool queue_only = false;
  bool quiet = false;
  std::string every;      // sync schedule --every
  std::string cron;       // sync schedule --cron
  std::string time_zone;  // sync schedule --time-zone
  bool no_schedule = false;
};

Result<std::string> ReadSpecText(const std::string& spec) {
  if (spec.empty() || spec[0] != '@') return spec;
  std::ifstream in(spec.substr(1));
  if (!in) {
    return Error(ErrorCode::kNotFound, "cannot read the spec file " + spec.substr(1), "spec");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void PrintRun(const SyncContext& ctx, const sync::SyncRun& r) {
  if (ctx.base.json) {
    std::cout << sync::RunToJson(r).dump(2) << "\n";
    return;
  }
  std::cout << "run " << r.id << " " << sync::RunStatusName(r.status) << ": " << r.rows << " rows, "
            << FormatBytes(r.bytes) << " in " << r.files << " files, " << FormatDuration(r) << "\n";
  if (!r.manifest.empty()) std::cout << "manifest " << r.manifest << "\n";
  if (!r.error.empty()) std::cout << "error: " << r.error << "\n";
}

int RunCreate(SyncArgs& a) {
  auto ctx = OpenSyncContext(a.opts);
  if (!ctx.ok()) return ReportError("sync create", ctx.error());
  auto text = ReadSpecText(a.spec);
  if (!text.ok()) return ReportError("sync create", text.error());
  nlohmann::json body = nlohmann::json::parse(*text, nullptr, false);
  if (body.is_discarded()) {
    return ReportError("sync create",
                       Error(ErrorCode::kInvalidArgument, "the sync spec is not JSON", "spec"));
  }
  auto scheduling = sync::TakeScheduling(body);
  if (!scheduling.ok()) return ReportError("sync create", scheduling.error());
  auto spec = sync::SyncSpecFromJson(body);
  if (!spec.ok()) return ReportError("sync create", spec.error());
  auto d = ctx->service->Create(ctx->base.org.id, a.name, *spec, *scheduling);
  if (!d.ok()) return ReportError("sync create", d.error());
  if (ctx->base.json) {
    std::cout << sync::SyncToJson(*d).dump(2) << "\n";
  } else {
    std::cout << "Created sync \"" << d->name << "\" (" << d->id << ").\n";
  }
  return kExitOk;
}

std::string ScheduleText(const sync::SyncDefinition& d) {
  std::string text = "-";
  if (const auto& s = d.schedule.schedule) {
    text = s->every ? "every " + sync::ScheduleToJson(*s)["every"].get<std::string>()
                    : s->cron_text + " " + s->time_zone;
  }
  return d.schedule.paused ? text + " (paused)" : text;
}

int PrintUpdated(const char* command, const SyncContext& ctx,
                 const Result<sync::SyncDefinition>& d) {
  if (!d.ok()) return ReportError(command, d.error());
  if (ctx.base.json) {
    std::cout << sync::SyncToJson(*d).dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "Sync \"" << d->name << "\": schedule " << ScheduleText(*d) << ", next run "
            << (d->schedule.next_run_at ? FormatIso8601(*d->schedule.next_run_at) : "-") << ".\n";
  return kExitOk;
}

int RunPause(SyncArgs& a, bool paused) {
  const char* command = paused ? "sync pause" : "sync resume";
  auto ctx = OpenSyncContext(a.opts);
  if (!ctx.ok()) return ReportError(command, ctx.error());
  return PrintUpdated(command, *ctx, ctx->service->SetPaused(ctx->base.org.id, a.name, paused));
}

int RunSchedule(SyncArgs& a) {
  auto ctx = OpenSyncContext(a.opts);
  if (!ctx.ok()) return ReportError("sync schedule", ctx.error());
  nlohmann::json schedule;
  if (!a.every.empty()) schedule["every"] = a.every;
  if (!a.cron.empty()) schedule["cron"] = a.cron;
  if (!a.time_zone.empty()) schedule["time_zone"] = a.time_zone;
  if (a.no_schedule != schedule.is_null()) {
    return ReportError("sync schedule",
                       Error(ErrorCode::kInvalidArgument,
                             "give --every, or --cron (and --time-zone), or --none", "schedule"));
  }
  return PrintUpdated(
      "sync schedule", *ctx,
      ctx->service->Update(ctx->base.org.id, a.name, nlohmann::json{{"schedule", schedule}}));
}

int RunList(SyncArgs& a) {
  auto ctx = OpenSyncContext(a.opts);
  if (!ctx.ok()) return ReportError("sync list", ctx.error());
  auto list = FetchPages<sync::SyncDefinition>(a.page, [&](const store::PageRequest& page) {
    return ctx->service->List(ctx->base.org.id, page, a.name_prefix);
  });
  if (!list.ok()) return ReportError("sync list", list.error());
  PrintNextCursor(*list);
  if (ctx->base.json) {
    nlohmann::json j = {{"syncs", nlohmann::json::array()}};
    for (const auto& d : list->items) j["syncs"].push_back(sync::SyncToJson(d));
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : list->items) {
    auto spec = sync::SyncSpecToJson(d.spec);
    rows.push_back({d.name, d.id, spec["source"]["type"], spec["destination"]["type"],
                    std::string(sync::FormatName(d.spec.output.format)) + "+" +
                        sync::CompressionName(d.spec.output.compression),
                    d.cursor.value_or("-"), ScheduleText(d),
                    d.schedule.next_run_at ? FormatIso8601(*d.schedule.next_run_at) : "-",
                    d.last_run_status.value_or("-")});
  }
  PrintTable({"NAME", "ID", "SOURCE", "DESTINATION", "FORMAT", "CURSOR", "SCHEDULE", "NEXT RUN",
              "LAST RUN"},
             rows);
  return kExitOk;
}

int RunShow(SyncArgs& a) {
  auto ctx = OpenSyncContext(a.opts);
  if (!ctx.ok()) return ReportError("sync show", ctx.error());
  auto d = ctx->service->Get(ctx->base.org.id, a.name);
  if (!d.ok()) return ReportError("sync show", d.error());
  std::cout << sync::SyncToJson(*d).dump(2) << "\n";
  return kExitOk;
}

int RunDelete(SyncArgs& a) {
  auto ctx = OpenSyncContext(a.opts);
  if (!ctx.ok()) return ReportError("sync delete", ctx.error());
  Status st = ctx->service->Delete(ctx->base.org.id, a.name);
  if (!st.ok()) return ReportError("sync delete", st.error());
  std::cout << "Deleted sync \"" << a.name << "\".\n";
  return kExitOk;
}

// Queues a run and, unless --queue-only, executes it here with a progress line (a worker may
// claim it first; then this waits for the worker's outcome).
int RunRun(SyncArgs& a) {
  auto ctx = OpenSyncContext(a.opts);
  if (!ctx.ok()) return ReportError("sync run", ctx.error());
  auto queued = ctx->service->StartRun(ctx->base.org.id, a.name);
  if (!queued.ok()) return ReportError("sync run", queued.error());
  if (a.queue_only) {
    PrintRun(*ctx, *queued);
    return kExitOk;
  }
  sync::WorkerOptions wo;
  wo.claim.only_run = queued->id;
  sync::Worker worker(ctx->service->jobs(), *ctx->connector, wo);
  SyncProgressLine progress(!a.quiet && !ctx->base.json);
  auto done = worker.RunOnce([&](const sync::RunProgress& p) { progress.Update(p); });
  progress.Finish();
  if (!done.ok()) return ReportError("sync run", done.error());
  sync::SyncRun run;
  if (*done) {
    run = **done;
  } else {
    std::cerr << "crossdock sync run: a worker took run " << queued->id << "; waiting for it\n";
    for (;;) {
      auto r = ctx->service->GetRun(ctx->base.org.id, queued->id);
      if (!r.ok()) return ReportError("sync run", r.error());
      if (sync::IsFinal(r->status)) {
        run = *r;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }
  PrintRun(*ctx, run);
  return run.status == sync::RunStatus::kSucceeded ? kExitOk : kExitFailure;
}

int RunRuns(SyncArgs& a) {
  auto ctx = OpenSyncContext(a.opts);
  if (!ctx.ok()) return ReportError("sync runs", ctx.error());
  sync::RunFilter filter;
  if (!a.status.empty()) {
    auto status = sync::ParseRunStatus(a.status);
    if (!status.ok()) {
      return ReportError("sync runs", Error(ErrorCode::kInvalidArgument,
                                            "--status must be queued, running, committing, "
                                            "succeeded, failed or cancelled",
                                            "status"));
    }
    filter.status = *status;
  }
  if (!a.since.empty()) {
    auto since = ParseIso8601(a.since);
    if (!since.ok()) {
      return ReportError(
          "sync runs",
          Error(ErrorCode::kInvalidArgument,
                "--since must be an ISO 8601 time such as 2026-01-31T00:00:00Z", "since"));
    }
    filter.since = *since;
  }
  // Without --limit, the newest page only: a run history is long.
  PageFlags flags = a.page;
  if (flags.limit == 0) flags.limit = 20;
  auto runs = FetchPages<sync::SyncRun>(flags, [&](const store::PageRequest& page) {
    return ctx->service->ListRuns(ctx->base.org.id, a.name, filter, page);
  });
  if (!runs.ok()) return ReportError("sync runs", runs.error());
  PrintNextCursor(*runs);
  if (ctx->base.json) {
    nlohmann::json j = {{"runs", nlohmann::json::array()}};
    for (const auto& r : runs->items) j["runs"].push_back(sync::RunToJson(r));
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : runs->items) rows.push_back(RunRow(r));
  PrintTable({"RUN", "STATUS", "ROWS", "BYTES", "FILES", "DURATION", "ERROR"}, rows);
  return kExitOk;
}

int RunCancel(SyncArgs& a) {
  auto ctx = OpenSyncContext(a.opts);
  if (!ctx.ok()) return ReportError("sync cancel", ctx.error());
  auto r = ctx->service->CancelRun(ctx->base.org.id, a.run_id);
  if (!r.ok()) return ReportError("sync cancel", r.error());
  if (ctx->base.json) {
    std::cout << sync::RunToJson(*r).dump(2) << "\n";
  } else if (r->status == sync::RunStatus::kCancelled) {
    std::cout << "Cancelled run " << r->id << ".\n";
  } else {
    std::cout << "Asked the worker of run " << r->id
              << " to stop; it is cancelled at its next heartbeat.\n";
  }
  return kExitOk;
}

}  // namespace

void RegisterSyncCommands(CLI::App& app) {
  auto a = std::make_shared<SyncArgs>();
  CLI::App* group = app.add_subcommand(
      "sync", "Bulk syncs: PostgreSQL or files -> S3 (CSV/JSON Lines, zstd/gzip) with staging");
  group->require_subcommand(1);
  AddGlobalOptions(*group, a->opts.global);
  AddConnectorFlags(*group, a->opts);

  CLI::App* create = Leaf(group->add_subcommand("create", "Define a sync from a JSON spec"));
  create->add_option("NAME", a->name, "Sync name (unique in the organization)")->required();
  create
      ->add_option("--spec", a->spec,
                   "The spec as JSON, or @FILE (see docs/sync.md: source, destination, "
                   "format, compression, file_size, incremental)")
      ->required();
  create->callback([a] { ExitWith(RunCreate(*a)); });

  CLI::App* list = Leaf(group->add_subcommand("list", "List the organization's syncs"));
  AddPageFlags(list, &a->page);
  list->add_option("--name-prefix", a->name_prefix, "Only syncs whose name starts with this text");
  list->callback([a] { ExitWith(RunList(*a)); });

  CLI::App* show = Leaf(group->add_subcommand("show", "Show a sync's spec and cursor (JSON)"));
  show->add_option("NAME", a->name, "Sync name or id")->required();
  show->callback([a] { ExitWith(RunShow(*a)); });

  CLI::App* del = Leaf(group->add_subcommand("delete", "Delete a sync and its run history"));
  del->add_option("NAME", a->name, "Sync name or id")->required();
  del->callback([a] { ExitWith(RunDelete(*a)); });

  CLI::App* run = Leaf(group->add_subcommand(
      "run", "Run a sync now, here, with a progress line (exit 3 if the run fails)"));
  run->add_option("NAME", a->name, "Sync name or id")->required();
  run->add_flag("--queue-only", a->queue_only, "Only queue the run for `crossdock worker`");
  run->add_flag("--quiet", a->quiet, "No progress line");
  run->callback([a] { ExitWith(RunRun(*a)); });

  CLI::App* runs = Leaf(group->add_subcommand("runs", "A sync's runs, newest first"));
  runs->add_option("NAME", a->name, "Sync name or id")->required();
  runs->add_option("--limit", a->page.limit, "How many runs (1 to 1000; default 20)")
      ->check(CLI::Range(1, store::kMaxPageLimit));
  runs->add_option("--cursor", a->page.cursor, "Start after the page that printed this cursor");
  runs->add_option("--status", a->status, "Only runs in this state (succeeded, failed...)");
  runs->add_option("--since", a->since, "Only runs created at or after this ISO 8601 time");
  runs->callback([a] { ExitWith(RunRuns(*a)); });

  CLI::App* cancel = Leaf(group->add_subcommand("cancel", "Cancel a queued or running run"));
  cancel->add_option("RUN", a->run_id, "Run id")->required();
  cancel->callback([a] { ExitWith(RunCancel(*a)); });

  CLI::App* pause = Leaf(group->add_subcommand("pause", "Stop a sync's schedule"));
  pause->add_option("NAME", a->name, "Sync name or id")->required();
  pause->callback([a] { ExitWith(RunPause(*a, true)); });

  CLI::App* resume = Leaf(group->add_subcommand("resume", "Resume a sync's schedule from now on"));
  resume->add_option("NAME", a->name, "Sync name or id")->required();
  resume->callback([a] { ExitWith(RunPause(*a, false)); });

  CLI::App* schedule = Leaf(group->add_subcommand(
      "schedule", "Set or remove a sync's schedule (workers queue its runs when due)"));
  schedule->add_option("NAME", a->name, "Sync name or id")->required();
  schedule->add_option("--every", a->every, "An interval: 90s, 5m, 1h, 1d (at least 1m)");
  schedule->add_option("--cron", a->cron, "A five-field cron expression, e.g. \"*/15 * * * *\"");
  schedule->add_option("--time-zone", a->time_zone, "The cron's time zone (default UTC)");
  schedule->add_flag("--none", a->no_schedule, "Remove the schedule");
  schedule->callback([a] { ExitWith(RunSchedule(*a)); });

  RegisterWorkerCommand(app);
}

}  // namespace crossdock::cli
