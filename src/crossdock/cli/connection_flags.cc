#include "crossdock/cli/connection_flags.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "crossdock/cli/connection_context.h"
#include "crossdock/connect/connection_json.h"
#include "crossdock/iam/arn.h"
#include "crossdock/iam/connection_types.h"

namespace crossdock::cli {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

void ConnectionFlags::Register(CLI::App* cmd, bool for_update) {
  for_update_ = for_update;
  auto add = [&](Flag& f, const char* name, const char* help) {
    f.opt = cmd->add_option(name, f.value, help);
    return f.opt;
  };
  add(from_json_, "--from-json",
      "Read fields from a JSON document (the REST API's form); '-' for stdin. Flags given "
      "as well override it");
  add(type_, "--type", "The connection type (GET /v1/connection-types lists them)")
      ->check(CLI::IsMember(iam::ConnectionTypeNames()));
  add(name_, for_update ? "--rename" : "--name",
      for_update ? "New name" : "Name, unique in the organization");
  add(auth_, "--auth", "Authentication method: iam-role | access-key")
      ->check(CLI::IsMember({"iam-role", "access-key"}));
  add(role_arn_, "--role-arn", "IAM role ARN to assume (iam-role)");
  add(access_key_id_, "--access-key-id", "AWS access key id (access-key)");
  add(secret_access_key_, "--secret-access-key",
      "AWS secret access key (access-key). Visible to other local users in the process list: "
      "prefer --secret-access-key-stdin or CROSSDOCK_SECRET_ACCESS_KEY");
  secret_stdin_ = cmd->add_flag("--secret-access-key-stdin", secret_stdin_value_,
                                "Read the AWS secret access key from stdin");
  add(region_, "--region", "The bucket's region, e.g. us-west-1");
  add(bucket_, "--bucket",
      "Bucket name with an optional path that confines crossdock to it, e.g. output/customers");
  add(path_, "--path", "Path prefix inside the bucket (instead of bucket/path)");
  add(workspace_url_, "--workspace-url", "Databricks workspace URL (https://...)");
  add(warehouse_id_, "--warehouse-id", "Databricks SQL warehouse id");
  add(databricks_token_, "--databricks-token",
      "Databricks access token (visible in the process list: prefer "
      "--databricks-token-stdin or CROSSDOCK_DATABRICKS_TOKEN)");
  token_stdin_ = cmd->add_flag("--databricks-token-stdin", token_stdin_value_,
                               "Read the Databricks token from stdin");
  add(storage_credential_, "--storage-credential", "Databricks storage credential name");
  add(databricks_external_id_, "--databricks-external-id",
      "The External ID Databricks generated for the storage credential");
  add(stream_arn_, "--stream-arn",
      "Kinesis stream ARN (kinesis), arn:aws:kinesis:REGION:ACCOUNT:stream/NAME; the region "
      "is taken from it");
  add(kms_key_arn_, "--kms-key-arn",
      "SSE-KMS key ARN (optional; '' removes it): writes to the bucket are encrypted with it "
      "(s3, databricks staging, redshift-serverless staging/unload); kinesis: the stream's key");
  add(unity_catalog_, "--databricks-unity-catalog",
      "The Databricks deployment whose Unity Catalog principal assumes the role: commercial | "
      "govcloud | govcloud-dod (default: the region's)")
      ->check(CLI::IsMember({"commercial", "govcloud", "govcloud-dod", ""}));
  add(workgroup_, "--workgroup", "Redshift Serverless workgroup");
  add(database_, "--database", "Database name (redshift-serverless, e.g. dev; postgres)");
  add(pg_host_, "--host", "PostgreSQL server host name or IP address (postgres)");
  add(pg_port_, "--port", "PostgreSQL server port (postgres; default 5432)")
      ->check(CLI::Range(1, 65535));
  add(pg_user_, "--user", "PostgreSQL user (postgres)");
  add(pg_sslmode_, "--sslmode",
      "PostgreSQL TLS mode: disable | prefer | require (default) | verify-ca | verify-full")
      ->check(CLI::IsMember({"disable", "prefer", "require", "verify-ca", "verify-full"}));
  password_stdin_ = cmd->add_flag("--password-stdin", password_stdin_value_,
                                  "Read the PostgreSQL password from stdin (postgres; or set "
                                  "CROSSDOCK_POSTGRES_PASSWORD). There is no flag for the value "
                                  "itself: other users can read process arguments");
  add(redshift_access_, "--redshift-access", "data-api | vpc-endpoint")
      ->check(CLI::IsMember({"data-api", "vpc-endpoint"}));
  add(vpc_host_, "--vpc-endpoint-host", "Redshift VPC endpoint host (vpc-endpoint)");
  add(vpc_port_, "--vpc-endpoint-port", "Redshift VPC endpoint port (default 5439)")
      ->check(CLI::Range(1, 65535));
  add(unload_, "--unload", "Unload data to S3: on | off")->check(CLI::IsMember({"on", "off"}));
  add(unload_bucket_, "--unload-bucket", "Bucket (optionally /path) Redshift UNLOADs into");
  add(unload_region_, "--unload-region", "The unload bucket's region");
}

Status ConnectionFlags::Apply(connect::Connection* c) const {
  using namespace connect;  // NOLINT: enum names in a .cc
  if (from_json_.given()) {
    std::string text;
    if (from_json_.value == "-") {
      std::stringstream buf;
      buf << std::cin.rdbuf();
      text = buf.str();
    } else {
      std::ifstream in(from_json_.value, std::ios::binary);
      if (!in) {
        return Error(ErrorCode::kInvalidArgument,
                     "--from-json " + from_json_.value + ": cannot open the file; check the path",
                     "from_json");
      }
      std::stringstream buf;
      buf << in.rdbuf();
      text = buf.str();
    }
    RETURN_IF_ERROR(ApplyConnectionJsonText(text, c));
  }
  if (type_.given()) {
    ASSIGN_OR_RETURN(c->type, ParseConnectionType(type_.value));
  }
  if (name_.given()) c->name = name_.value;
  if (auth_.given()) {
    ASSIGN_OR_RETURN(c->auth_method, ParseAuthMethod(auth_.value));
    // Switching method drops the other method's identifiers unless given again.
    if (c->auth_method == AuthMethod::kIamRole) c->access_key_id.clear();
    if (c->auth_method == AuthMethod::kAccessKey) c->role_arn.clear();
  }
  if (role_arn_.given()) c->role_arn = role_arn_.value;
  if (access_key_id_.given()) c->access_key_id = access_key_id_.value;
  if (region_.given()) c->region = region_.value;
  if (bucket_.given()) SplitBucketAndPath(bucket_.value, &c->bucket, &c->path);
  if (path_.given()) c->path = path_.value;
  if (workspace_url_.given()) c->databricks.workspace_url = workspace_url_.value;
  if (warehouse_id_.given()) c->databricks.warehouse_id = warehouse_id_.value;
  if (storage_credential_.given()) c->databricks.storage_credential = storage_credential_.value;
  if (databricks_external_id_.given()) {
    c->databricks.external_id = databricks_external_id_.value;
  }
  if (stream_arn_.given()) {
    c->kinesis.stream_arn = stream_arn_.value;
    if (auto arn = iam::ParseArn(stream_arn_.value); arn.ok() && c->region.empty()) {
      c->region = arn->region;
    }
  }
  if (kms_key_arn_.given()) {
    // One flag, stored where the type keeps its key.
    if (c->type == ConnectionType::kKinesis) {
      c->kinesis.kms_key_arn = kms_key_arn_.value;
    } else {
      c->kms_key_arn = kms_key_arn_.value;
    }
  }
  if (unity_catalog_.given()) c->databricks.unity_catalog = unity_catalog_.value;
  if (workgroup_.given()) c->redshift.workgroup = workgroup_.value;
  if (database_.given()) {
    if (c->type == ConnectionType::kPostgres) {
      c->postgres.database = database_.value;
    } else {
      c->redshift.database = database_.value;
    }
  }
  if (pg_host_.given()) c->postgres.host = pg_host_.value;
  if (pg_port_.given()) c->postgres.port = std::atoi(pg_port_.value.c_str());
  if (pg_user_.given()) c->postgres.user = pg_user_.value;
  if (pg_sslmode_.given()) c->postgres.sslmode = pg_sslmode_.value;
  if (redshift_access_.given()) {
    ASSIGN_OR_RETURN(c->redshift.access, ParseRedshiftAccess(redshift_access_.value));
  }
  if (vpc_host_.given()) c->redshift.vpc_endpoint_host = vpc_host_.value;
  if (vpc_port_.given()) c->redshift.vpc_endpoint_port = std::atoi(vpc_port_.value.c_str());
  if (unload_.given()) c->redshift.unload_enabled = unload_.value == "on";
  if (unload_bucket_.given()) {
    SplitBucketAndPath(unload_bucket_.value, &c->redshift.unload_bucket, &c->redshift.unload_path);
    if (!unload_.given()) c->redshift.unload_enabled = true;
  }
  if (unload_region_.given()) c->redshift.unload_region = unload_region_.value;

  // Secrets: at most one may come from stdin.
  bool key_stdin = secret_stdin_->count() > 0;
  bool token_stdin = token_stdin_->count() > 0;
  bool password_stdin = password_stdin_->count() > 0;
  if (int(key_stdin) + int(token_stdin) + int(password_stdin) > 1) {
    return Error(ErrorCode::kInvalidArgument,
                 "only one secret can be read from stdin; pass the other in its environment "
                 "variable (CROSSDOCK_SECRET_ACCESS_KEY, CROSSDOCK_DATABRICKS_TOKEN or "
                 "CROSSDOCK_POSTGRES_PASSWORD)",
                 "stdin");
  }
  if ((key_stdin || token_stdin || password_stdin) && from_json_.given() &&
      from_json_.value == "-") {
    return Error(ErrorCode::kInvalidArgument,
                 "stdin cannot carry both the JSON document and a secret; put the secret in the "
                 "document or its environment variable",
                 "stdin");
  }
  if (key_stdin) {
    ASSIGN_OR_RETURN(std::string s, ReadSecretFromStdin("secret_access_key"));
    c->secret_access_key.value = std::move(s);
  } else if (secret_access_key_.given()) {
    c->secret_access_key.value = secret_access_key_.value;
  } else if (std::string env = Env("CROSSDOCK_SECRET_ACCESS_KEY");
             !for_update_ && !env.empty() && c->auth_method == AuthMethod::kAccessKey) {
    c->secret_access_key.value = env;
  }
  if (token_stdin) {
    ASSIGN_OR_RETURN(std::string s, ReadSecretFromStdin("databricks.token"));
    c->databricks.token.value = std::move(s);
  } else if (databricks_token_.given()) {
    c->databricks.token.value = databricks_token_.value;
  } else if (std::string env = Env("CROSSDOCK_DATABRICKS_TOKEN");
             !for_update_ && !env.empty() && c->type == ConnectionType::kDatabricks) {
    c->databricks.token.value = env;
  }
  if (password_stdin) {
    ASSIGN_OR_RETURN(std::string s, ReadSecretFromStdin("postgres.password"));
    c->postgres.password.value = std::move(s);
  } else if (std::string env = Env("CROSSDOCK_POSTGRES_PASSWORD");
             !for_update_ && !env.empty() && c->type == ConnectionType::kPostgres) {
    c->postgres.password.value = env;
  }
  if (c->postgres.password.value) c->postgres.password.clear = false;
  if (c->secret_access_key.value) c->secret_access_key.clear = false;
  if (c->databricks.token.value) c->databricks.token.clear = false;
  return OkStatus();
}

}  // namespace crossdock::cli
