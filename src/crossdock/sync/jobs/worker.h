// Worker: claims queued runs from the JobStore and executes them with the engine
// (runner.h), keeping the run's heartbeat, progress and cancellation flag current from a
// side thread, and recording the outcome with a compare-and-set so that a run taken over
// by another worker is never finished twice. `crossdock worker` loops over RunOnce();
// `crossdock sync run` executes one run inline through Execute().
//
// On start, SweepStaging() removes staging of runs that are no longer active from every
// destination the store's syncs write to, and aborts their multipart uploads. A worker that
// loses its run (its heartbeat was late and another worker claimed it) stops at the next
// batch and does not commit. Failures are recorded on the run with the error's message;
// a cancelled run is recorded as cancelled. Several workers may run in one process. Run()
// also queues the runs of due schedules (ScheduleStore::EnqueueDue) before each claim; the
// compare-and-set there lets every worker tick without queueing a period twice. With a
// retention policy, the loop also prunes finished runs beyond it, in small batches.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "crossdock/sync/jobs/connector.h"
#include "crossdock/sync/jobs/job_store.h"
#include "crossdock/sync/runner.h"

namespace crossdock::sync {

struct WorkerOptions {
  std::string id;                             // empty: "<host>-<pid>-<random>"
  std::chrono::milliseconds poll{1000};       // wait between claims when the queue is empty
  std::chrono::milliseconds heartbeat{2000};  // run heartbeat and cancellation check period
  ClaimOptions claim;                         // lease and max attempts
  size_t batch_rows = 4096;
  // Run the scheduler tick (jobs/schedules.h) before each claim in Run().
  bool schedules = true;
  // Run history retention, applied by Run() on start and then every `prune_every`; an empty
  // policy (the default) keeps every run.
  RetentionPolicy retention;
  std::chrono::milliseconds prune_every{10 * 60 * 1000};
  // Other periodic work Run() does before each claim, wired by the program that knows it
  // (drift checks, webhook deliveries: cli/worker_tasks.h). Each must return quickly or
  // throttle itself; errors are its own to log.
  std::vector<std::function<void()>> tasks;
};

class Worker {
 public:
  Worker(JobStore& jobs, Connector& connector, WorkerOptions options = {});

  const std::string& id() const { return options_.id; }
  Result<SweepReport> SweepStaging();
  // Claims one run (any, or options().claim.only_run) and executes it; nullopt when none.
  Result<std::optional<SyncRun>> RunOnce(
      const std::function<void(const RunProgress&)>& on_progress = {});
  // Loops until `stop` becomes true.
  Status Run(const std::atomic<bool>& stop);
  // Executes a run this worker claimed and returns it as recorded.
  Result<SyncRun> Execute(const SyncRun& claimed,
                          const std::function<void(const RunProgress&)>& on_progress = {});

  WorkerOptions& options() { return options_; }

 private:
  JobStore& jobs_;
  Connector& connector_;
  WorkerOptions options_;
};

}  // namespace crossdock::sync
