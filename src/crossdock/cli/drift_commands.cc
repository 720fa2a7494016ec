// `crossdock connection checks NAME`: a connection's drift check history, newest first, with
// the failing probes and their fixes. `crossdock connection drift-check NAME`: re-tests the
// connection now, records the result as workers do (marking drift or recovery, and queueing
// the webhooks' events) and prints it; exit 1 when the connection fails its test.
#include <iostream>

#include "crossdock/cli/commands.h"
#include "crossdock/cli/connection_context.h"
#include "crossdock/cli/list_paging.h"
#include "crossdock/cli/sync_cli.h"
#include "crossdock/cli/worker_tasks.h"
#include "crossdock/core/time_format.h"
#include "crossdock/drift/drift_checker.h"

namespace crossdock::cli {
namespace {

struct DriftArgs {
  SyncCliOptions opts;
  std::string name;
  PageFlags page;
};

void PrintProblems(const nlohmann::json& problems) {
  for (const auto& p : problems) {
    std::cout << "  " << p.value("status", "") << " " << p.value("id", "") << ": "
              << p.value("title", "") << "\n";
    if (!p.value("message", "").empty()) std::cout << "    " << p.value("message", "") << "\n";
    if (!p.value("fix", "").empty()) std::cout << "    fix: " << p.value("fix", "") << "\n";
  }
}

int RunChecks(DriftArgs& a) {
  auto ctx = OpenContext(a.opts.global);
  if (!ctx.ok()) return ReportError("connection checks", ctx.error());
  auto c = ctx->service->GetConnection(ctx->org.id, a.name);
  if (!c.ok()) return ReportError("connection checks", c.error());
  auto drift = drift::DriftStore::Open(*ctx->store, SystemClock::Instance());
  if (!drift.ok()) return ReportError("connection checks", drift.error());
  auto page = FetchPages<drift::CheckRecord>(a.page, [&](const store::PageRequest& r) {
    return (*drift)->ListChecks(ctx->org.id, c->id, r);
  });
  if (!page.ok()) return ReportError("connection checks", page.error());
  auto states = (*drift)->States(ctx->org.id, {c->id});
  drift::DriftStatus state;
  if (states.ok() && states->count(c->id)) state = states->at(c->id);
  if (ctx->json) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& r : page->items) items.push_back(drift::CheckToJson(r));
    std::cout << nlohmann::json{{"drift", drift::DriftToJson(state)}, {"checks", items}}.dump(2)
              << "\n";
  } else {
    std::cout << "drift: " << state.state;
    if (state.failing_since) std::cout << " since " << FormatIso8601(*state.failing_since);
    std::cout << "\n";
    for (const auto& r : page->items) {
      std::cout << FormatIso8601(r.checked_at) << "  " << (r.ok ? "ok" : "FAILED") << "  "
                << r.duration.count() << " ms  " << r.id << "\n";
      PrintProblems(r.problems);
    }
  }
  PrintNextCursor(*page);
  return kExitOk;
}

int RunDriftCheck(DriftArgs& a) {
  auto ctx = OpenSyncContext(a.opts);
  if (!ctx.ok()) return ReportError("connection drift-check", ctx.error());
  auto tasks = WorkerTasks::Open(*ctx->base.store, ctx->connector_options);
  if (!tasks.ok()) return ReportError("connection drift-check", tasks.error());
  auto rec = (*tasks)->checker().CheckNow(ctx->base.org.id, a.name);
  if (!rec.ok()) return ReportError("connection drift-check", rec.error());
  if (ctx->base.json) {
    std::cout << drift::CheckToJson(*rec).dump(2) << "\n";
  } else {
    std::cout << a.name << ": " << (rec->ok ? "ok" : "FAILED") << " (" << rec->id << ")\n";
    PrintProblems(rec->problems);
  }
  return rec->ok ? kExitOk : kExitFinding;
}

}  // namespace

void RegisterDriftCommands(CLI::App& app) {
  CLI::App* group = nullptr;
  try {
    group = app.get_subcommand("connection");
  } catch (const CLI::OptionNotFound&) {
    return;
  }
  auto a = std::make_shared<DriftArgs>();
  CLI::App* checks = Leaf(group->add_subcommand(
      "checks", "A connection's drift check history, newest first, with failing probes"));
  checks->add_option("NAME", a->name, "Connection name or id")->required();
  AddPageFlags(checks, &a->page);
  checks->callback([a, group] {
    a->opts.global = ReadGlobal(group);
    ExitWith(RunChecks(*a));
  });
  auto d = std::make_shared<DriftArgs>();
  CLI::App* now = Leaf(group->add_subcommand(
      "drift-check",
      "Re-test a connection now and record the result as the drift checks of workers do"));
  now->add_option("NAME", d->name, "Connection name or id")->required();
  AddConnectorFlags(*now, d->opts);
  now->callback([d, group] {
    d->opts.global = ReadGlobal(group);
    ExitWith(RunDriftCheck(*d));
  });
}

}  // namespace crossdock::cli
