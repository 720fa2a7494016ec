// The flags of `crossdock connection create|update`: one per connection field, applied onto a
// Connection only when given (so update changes just what was passed). Secrets come from
// --secret-access-key-stdin / --databricks-token-stdin / --password-stdin, the environment
// (CROSSDOCK_SECRET_ACCESS_KEY, CROSSDOCK_DATABRICKS_TOKEN, CROSSDOCK_POSTGRES_PASSWORD) or,
// except for the PostgreSQL password (stdin or environment only), discouraged because other
// users can see process arguments, a flag. The environment variables are read on create
// only: an update changes a secret only when a flag asks for it. Internal to the cli target.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "crossdock/connect/connection.h"
#include "crossdock/core/result.h"

namespace crossdock::cli {

class ConnectionFlags {
 public:
  // Registers the flags on `cmd`. With `for_update`, --name becomes --rename.
  void Register(CLI::App* cmd, bool for_update);
  // Applies the given flags (and secret sources) onto `c`.
  Status Apply(connect::Connection* c) const;

 private:
  struct Flag {
    CLI::Option* opt = nullptr;
    std::string value;
    bool given() const { return opt != nullptr && opt->count() > 0; }
  };
  Flag from_json_, type_, name_, auth_, role_arn_, access_key_id_, secret_access_key_, region_,
      bucket_, path_, workspace_url_, warehouse_id_, databricks_token_, storage_credential_,
      databricks_external_id_, workgroup_, database_, redshift_access_, vpc_host_, vpc_port_,
      unload_, unload_bucket_, unload_region_, stream_arn_, kms_key_arn_, unity_catalog_, pg_host_,
      pg_port_, pg_user_, pg_sslmode_;
  bool for_update_ = false;
  bool secret_stdin_value_ = false;
  bool token_stdin_value_ = false;
  bool password_stdin_value_ = false;
  CLI::Option* secret_stdin_ = nullptr;
  CLI::Option* token_stdin_ = nullptr;
  CLI::Option* password_stdin_ = nullptr;
};

}  // namespace crossdock::cli
