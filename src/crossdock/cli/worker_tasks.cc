#include "crossdock/cli/worker_tasks.h"

#include "crossdock/aws/credentials/default_chain.h"
#include "crossdock/connect/connection_runtime.h"
#include "crossdock/http/curl_transport.h"

namespace crossdock::cli {

connect::CheckEnvironment CheckEnvironmentFor(const sync::ConnectorOptions& co) {
  connect::CheckEnvironment env;
  env.transport = co.transport ? co.transport : std::make_shared<http::CurlTransport>();
  env.vendor_credentials =
      co.vendor_credentials ? co.vendor_credentials
                            : aws::MakeDefaultCredentialsChain(
                                  aws::CredentialsSetup{}, env.transport, SystemClock::Instance());
  env.s3_endpoint = co.s3_endpoint;
  env.sts_endpoint = co.sts_endpoint.empty() ? co.s3_endpoint : co.sts_endpoint;
  env.redshift_data_endpoint = co.redshift_data_endpoint;
  env.redshift_serverless_endpoint = co.redshift_serverless_endpoint;
  env.redshift_vpc_database = co.redshift_vpc_database;
  env.databricks_endpoint = co.databricks_endpoint;
  env.kinesis_endpoint = connect::Endpoints::FromFlagsAndEnvironment({}).kinesis;
  env.outbound = co.tenant_outbound;  // postgres connections' drift checks: the tenants' rule
  return env;
}

Result<std::unique_ptr<WorkerTasks>> WorkerTasks::Open(store::Store& store,
                                                       const sync::ConnectorOptions& connector,
                                                       WorkerTaskOptions options) {
  auto t = std::make_unique<WorkerTasks>();
  t->options_ = options;
  drift::DriftOptions d;
  if (options.drift_interval.count() > 0) d.interval = options.drift_interval;
  ASSIGN_OR_RETURN(t->drift_, drift::DriftStore::Open(store, SystemClock::Instance(), d));
  drift::DriftCheckerOptions dc;
  dc.env = CheckEnvironmentFor(connector);
  t->checker_ = std::make_unique<drift::DriftChecker>(store, *t->drift_, std::move(dc));
  ASSIGN_OR_RETURN(t->webhooks_, notify::WebhookStore::Open(store, SystemClock::Instance()));
  notify::DelivererOptions del;
  del.outbound = connector.tenant_outbound;
  t->deliverer_ = std::make_unique<notify::Deliverer>(*t->webhooks_, del);
  return t;
}

void WorkerTasks::Tick() {
  auto now = std::chrono::steady_clock::now();
  bool drift = false, deliver = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (options_.drift_interval.count() > 0 && now >= next_drift_) {
      drift = true;
      next_drift_ = now + options_.drift_every;
    }
    if (now >= next_deliver_) {
      deliver = true;
      next_deliver_ = now + options_.deliver_every;
    }
  }
  // Best effort: a failed pass is tried again at the next period.
  if (drift) (void)DriftPass();
  if (deliver) (void)DeliverPass();
}

Result<drift::DriftPassReport> WorkerTasks::DriftPass() { return checker_->RunDue(); }

Result<notify::DeliveryReport> WorkerTasks::DeliverPass() { return deliverer_->DeliverDue(); }

}  // namespace crossdock::cli
