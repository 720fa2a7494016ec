// The periodic work workers do besides sync runs: drift checks of connections
// (drift/drift_checker.h) and webhook deliveries (notify/deliverer.h), for `crossdock worker`
// and `crossdock serve --workers N`. Each worker's loop calls Tick(); a drift pass runs at
// most every `drift_every` and a delivery pass every `deliver_every` per worker, and the
// claims inside them keep several workers from doing the same check or attempt twice.
// Internal to the cli target.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>

#include "crossdock/drift/drift_checker.h"
#include "crossdock/notify/deliverer.h"
#include "crossdock/sync/jobs/connector.h"

namespace crossdock::cli {

struct WorkerTaskOptions {
  // Drift checks: 0 turns them off in this process.
  std::chrono::seconds drift_interval{24 * 3600};
  std::chrono::milliseconds drift_every{30000};
  std::chrono::milliseconds deliver_every{2000};
};

class WorkerTasks {
 public:
  // Opens the drift and webhook tables on `store`; the connector's options give the
  // endpoints, vendor credentials and outbound policy. `store` must outlive this object.
  static Result<std::unique_ptr<WorkerTasks>> Open(store::Store& store,
                                                   const sync::ConnectorOptions& connector,
                                                   WorkerTaskOptions options = {});

  // What a worker's loop calls (sync::WorkerOptions::tasks): the passes that are due.
  void Tick();
  // One pass of each now (`crossdock worker --once`).
  Result<drift::DriftPassReport> DriftPass();
  Result<notify::DeliveryReport> DeliverPass();

  drift::DriftChecker& checker() { return *checker_; }

 private:
  WorkerTaskOptions options_;
  std::unique_ptr<drift::DriftStore> drift_;
  std::unique_ptr<drift::DriftChecker> checker_;
  std::unique_ptr<notify::WebhookStore> webhooks_;
  std::unique_ptr<notify::Deliverer> deliverer_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point next_drift_{}, next_deliver_{};
};

// The connection test's environment from a connector's options: the same endpoints and
// vendor credentials (the default chain when none are given).
connect::CheckEnvironment CheckEnvironmentFor(const sync::ConnectorOptions& connector);

}  // namespace crossdock::cli
