#include "crossdock/connect/connection_runtime.h"

#include <cstdlib>

#include "crossdock/aws/credentials/default_chain.h"
#include "crossdock/aws/endpoints.h"
#include "crossdock/connect/connection_credentials.h"
#include "crossdock/connect/service.h"
#include "crossdock/connect/vendor_identity.h"
#include "crossdock/crypto/sha256.h"
#include "crossdock/http/curl_transport.h"
#include "crossdock/iam/generate.h"

namespace crossdock::connect {
namespace {

std::string FlagOrEnv(const std::string& flag, const char* name) {
  if (!flag.empty()) return flag;
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

}  // namespace

Endpoints Endpoints::FromFlagsAndEnvironment(const Endpoints& flags) {
  Endpoints e;
  e.s3 = FlagOrEnv(flags.s3, "CROSSDOCK_S3_ENDPOINT");
  e.sts = FlagOrEnv(flags.sts, "CROSSDOCK_STS_ENDPOINT");
  e.redshift_data = FlagOrEnv(flags.redshift_data, "CROSSDOCK_REDSHIFT_DATA_ENDPOINT");
  e.redshift_serverless =
      FlagOrEnv(flags.redshift_serverless, "CROSSDOCK_REDSHIFT_SERVERLESS_ENDPOINT");
  e.databricks = FlagOrEnv(flags.databricks, "CROSSDOCK_DATABRICKS_ENDPOINT");
  e.kinesis = FlagOrEnv(flags.kinesis, "CROSSDOCK_KINESIS_ENDPOINT");
  return e;
}

void Endpoints::ApplyTo(CheckEnvironment& env) const {
  env.s3_endpoint = s3;
  env.sts_endpoint = sts;
  env.redshift_data_endpoint = redshift_data;
  env.redshift_serverless_endpoint = redshift_serverless;
  env.databricks_endpoint = databricks;
  env.kinesis_endpoint = kinesis;
}

std::string VendorContext::PrincipalArn(std::string_view region) const {
  auto identity = VendorIdentityForRegion(identities, region);
  if (!identity.ok()) return "";
  return iam::VendorPrincipalArn(identity->partition, identity->account_id, identity->role_arn);
}

ConnectionRuntime::ConnectionRuntime(store::Store& store, VendorContext vendor, size_t capacity)
    : store_(store), vendor_(std::move(vendor)), capacity_(capacity == 0 ? 1 : capacity) {
  if (!vendor_.transport) vendor_.transport = std::make_shared<http::CurlTransport>();
  if (vendor_.clock == nullptr) vendor_.clock = &SystemClock::Instance();
}

size_t ConnectionRuntime::cached() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cache_.size();
}

Result<std::shared_ptr<const ConnectionRuntime::Opened>> ConnectionRuntime::Open(
    std::string_view org_id, std::string_view id_or_name) {
  ConnectionService service(store_);
  ASSIGN_OR_RETURN(Connection conn, service.GetConnection(org_id, id_or_name, true));
  ASSIGN_OR_RETURN(ExternalIds ids, service.GetExternalIds(org_id));
  std::vector<std::string> all = ids.All();
  std::string generation = conn.id + "|" +
                           std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(
                                              conn.updated_at.time_since_epoch())
                                              .count());
  for (const std::string& id : all) generation += "|" + id;
  // What credentials are built from, in case two updates share an updated_at tick; secrets
  // only as digests.
  generation += "|" + conn.role_arn + "|" + conn.region + "|" + conn.access_key_id + "|" +
                crypto::Sha256Hex(conn.secret_access_key.value.value_or("")).substr(0, 16) + "|" +
                crypto::Sha256Hex(conn.postgres.password.value.value_or("")).substr(0, 16);
  const std::string key = std::string(org_id) + "|" + conn.id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.opened->generation == generation) {
      lru_.splice(lru_.begin(), lru_, it->second.lru);
      return it->second.opened;
    }
  }
  auto opened = std::make_shared<Opened>();
  if (iam::TypeInfo(conn.type).aws) {
    VendorAccess access;
    if (conn.auth_method == AuthMethod::kIamRole) {
      // Assumed as the identity of the connection's partition, or refused naming it.
      std::vector<store::VendorIdentity> identities = vendor_.identities;
      if (identities.empty()) {
        ASSIGN_OR_RETURN(identities, store_.ListVendorIdentities());
      }
      auto identity = VendorIdentityForRegion(identities, conn.region);
      if (!identity.ok()) return std::move(identity).error().WithContext("connection " + conn.name);
      access.principal_arn =
          iam::VendorPrincipalArn(identity->partition, identity->account_id, identity->role_arn);
    }
    access.credentials = vendor_.credentials ? vendor_.credentials(conn.region) : nullptr;
    if (!access.credentials) {
      aws::CredentialsSetup setup;
      setup.region = conn.region;
      access.credentials =
          aws::MakeDefaultCredentialsChain(setup, vendor_.transport, *vendor_.clock);
    }
    access.sts_endpoint =
        vendor_.endpoints.sts.empty() ? vendor_.endpoints.s3 : vendor_.endpoints.sts;
    access.transport = vendor_.transport;
    access.clock = vendor_.clock;
    access.caching = vendor_.caching;
    access.retry = vendor_.retry;
    ASSIGN_OR_RETURN(opened->credentials, ConnectionCredentials(conn, all, access));
  }  // else a database login (postgres): no AWS credentials
  opened->connection = std::move(conn);
  opened->external_ids = std::move(all);
  opened->generation = std::move(generation);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cache_.find(key);
  if (it != cache_.end()) {
    lru_.erase(it->second.lru);
    cache_.erase(it);
  }
  lru_.push_front(key);
  cache_[key] = Entry{opened, lru_.begin()};
  while (cache_.size() > capacity_) {
    cache_.erase(lru_.back());
    lru_.pop_back();
  }
  return std::shared_ptr<const Opened>(opened);
}

}  // namespace crossdock::connect
