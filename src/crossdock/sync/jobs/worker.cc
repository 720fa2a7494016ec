#include "crossdock/sync/jobs/worker.h"

#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "crossdock/crypto/random.h"
#include "crossdock/sync/copy_runner.h"

namespace crossdock::sync {
namespace {

std::string HostName() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return "host";
  return buf;
}

// Heartbeats a run from a side thread until stopped.
class Heartbeater {
 public:
  Heartbeater(JobStore& jobs, const SyncRun& run, std::chrono::milliseconds period)
      : jobs_(jobs), run_(run), period_(period) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~Heartbeater() { Stop(); }

  void Update(const RunProgress& p) {
    std::lock_guard<std::mutex> lock(mu_);
    progress_ = p;
  }
  bool cancel_requested() const { return cancel_.load(); }
  bool lost() const { return lost_.load(); }
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      cv_.wait_for(lock, period_, [&] { return stop_; });
      if (stop_) break;
      RunProgress p = progress_;
      lock.unlock();
      auto r = jobs_.Heartbeat(run_, p.rows, p.bytes, p.files);
      if (r.ok()) {
        if (*r) cancel_ = true;
      } else if (r.error().code() == ErrorCode::kFailedPrecondition) {
        lost_ = true;
      }
      lock.lock();
    }
  }

  JobStore& jobs_;
  SyncRun run_;
  std::chrono::milliseconds period_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  RunProgress progress_;
  std::atomic<bool> cancel_{false};
  std::atomic<bool> lost_{false};
  std::thread thread_;
};

}  // namespace

Worker::Worker(JobStore& jobs, Connector& connector, WorkerOptions options)
    : jobs_(jobs), connector_(connector), options_(std::move(options)) {
  if (options_.id.empty()) {
    options_.id = HostName() + "-" + std::to_string(getpid()) + "-" +
                  crypto::Base32Encode(crypto::RandomBytes(4));
  }
}

Result<SweepReport> Worker::SweepStaging() {
  SweepReport total;
  ASSIGN_OR_RETURN(auto syncs, jobs_.ListAllSyncs());
  std::set<std::string> seen;
  for (const auto& d : syncs) {
    const auto& dest = d.spec.destination;
    std::string key = d.org_id + "|" + SyncSpecToJson(d.spec)["destination"].dump();
    if (!seen.insert(key).second) continue;
    auto destination = connector_.MakeDestination(d.org_id, d.spec);
    if (!destination.ok()) continue;  // an unreachable destination is reported by its runs
    // The active runs are read at the first question, after the destination has listed its
    // staging: staging exists only once its run was claimed, so every run whose staging the
    // listing saw is in this answer if it is still active (read before the listing, a run
    // claimed in between by another worker would lose its staging).
    std::optional<std::set<std::string>> live;
    std::optional<Error> read_error;
    auto report = (*destination)->SweepStaging([&](const std::string& run_id) {
      if (!live && !read_error) {
        auto active = jobs_.ActiveRunIds(options_.claim.lease);
        if (active.ok()) {
          live.emplace(active->begin(), active->end());
        } else {
          read_error = active.error();
        }
      }
      return !live || live->count(run_id) > 0;  // unknown: keep it
    });
    if (read_error) return *read_error;
    if (!report.ok()) continue;
    for (auto& r : report->removed_runs) total.removed_runs.push_back(r);
    total.objects_deleted += report->objects_deleted;
    total.uploads_aborted += report->uploads_aborted;
    (void)dest;
  }
  return total;
}

Result<std::optional<SyncRun>> Worker::RunOnce(
    const std::function<void(const RunProgress&)>& on_progress) {
  ASSIGN_OR_RETURN(auto claimed, jobs_.ClaimRun(options_.id, options_.claim));
  if (!claimed) return std::optional<SyncRun>();
  ASSIGN_OR_RETURN(SyncRun done, Execute(*claimed, on_progress));
  return std::optional<SyncRun>(std::move(done));
}

Status Worker::Run(const std::atomic<bool>& stop) {
  std::string host = HostName();
  bool retains = options_.retention.max_age.count() > 0 || options_.retention.keep_per_sync > 0;
  auto next_prune = std::chrono::steady_clock::now();
  while (!stop.load()) {
    (void)jobs_.WorkerHeartbeat(options_.id, host, getpid());
    if (options_.schedules) (void)jobs_.schedules().EnqueueDue();
    for (const auto& task : options_.tasks) task();
    if (retains && std::chrono::steady_clock::now() >= next_prune) {
      // Best effort: a failed prune is retried at the next period.
      (void)jobs_.PruneRuns(options_.retention);
      next_prune = std::chrono::steady_clock::now() + options_.prune_every;
    }
    auto r = RunOnce();
    if (!r.ok() || !*r) {
      // Nothing queued (or the database is briefly unavailable): wait, watching `stop`.
      auto until = std::chrono::steady_clock::now() + options_.poll;
      while (!stop.load() && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
  return OkStatus();
}

Result<SyncRun> Worker::Execute(const SyncRun& run,
                                const std::function<void(const RunProgress&)>& on_progress) {
  RunEnd end;
  auto def = jobs_.GetSync(run.org_id, run.sync_id);
  Result<RunOutcome> outcome = Error(ErrorCode::kInternal, "not run");
  if (!def.ok()) {
    outcome = def.error();
  } else {
    Heartbeater hb(jobs_, run, options_.heartbeat);
    // A copy run reads files (MakeFileStore below), not rows.
    auto source = def->spec.copy
                      ? Result<std::unique_ptr<Source>>(std::unique_ptr<Source>())
                      : connector_.MakeSource(run.org_id, def->spec, def->cursor, run.id);
    auto dest = connector_.MakeDestination(run.org_id, def->spec);
    if (!source.ok()) {
      outcome = source.error();
    } else if (!dest.ok()) {
      outcome = dest.error();
    } else {
      RunInfo info;
      info.sync_id = run.sync_id;
      info.run_id = run.id;
      info.path = def->spec.destination.path;
      info.format = def->spec.output.format;
      info.compression = def->spec.output.compression;
      OutputOptions output = def->spec.output;
      output.batch_rows = options_.batch_rows;
      RunHooks hooks;
      hooks.cancelled = [&hb] { return hb.cancel_requested() || hb.lost(); };
      hooks.on_progress = [&](const RunProgress& p) {
        hb.Update(p);
        if (on_progress) on_progress(p);
      };
      hooks.before_commit = [&] { return jobs_.MarkCommitting(run); };
      if (def->spec.copy) {
        auto files = connector_.MakeFileStore(run.org_id, def->spec);
        if (files.ok()) {
          outcome =
              ExecuteCopy(**files, def->spec.source.prefix, **dest, info, CopyOptions{}, hooks);
        } else {
          outcome = files.error();
        }
      } else {
        outcome = ExecuteRun(**source, **dest, info, output, hooks);
      }
    }
    hb.Stop();
    if (hb.lost()) {
      return Error(ErrorCode::kFailedPrecondition,
                   "run " + run.id + " was taken over by another worker; this worker stopped");
    }
  }
  if (outcome.ok()) {
    const Manifest& m = outcome->manifest;
    end.status = RunStatus::kSucceeded;
    end.rows = m.rows;
    end.bytes = m.bytes;
    end.files = m.files.size();
    end.manifest = outcome->manifest_location;
    end.cursor_to = m.cursor;
    end.error = outcome->warning;
  } else {
    end.status = outcome.error().code() == ErrorCode::kCancelled ? RunStatus::kCancelled
                                                                 : RunStatus::kFailed;
    end.error = outcome.error().ToString();
  }
  RETURN_IF_ERROR(jobs_.FinishRun(run, end));
  return jobs_.GetRun(run.org_id, run.id);
}

}  // namespace crossdock::sync
