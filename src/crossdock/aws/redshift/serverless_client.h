// Redshift Serverless GetCredentials (service "redshift-serverless", API 2021-04-21, JSON 1.1):
// a temporary database user and password for the caller's IAM identity, for connecting to a
// workgroup's endpoint (or its VPC endpoint) with the PostgreSQL wire protocol (libpq). An
// assumed role becomes the database user "IAMR:<role name>", with the database roles named
// by the IAM role's RedshiftDbRoles tag.
//
// The request builder and response parser are pure; the client sends through AwsClient. The
// password is a secret: it is never part of an Error or a log line (DatabaseCredentials has
// no printing helper). It does not open database connections.
#pragma once

#include <memory>
#include <string>

#include "crossdock/aws/aws_client.h"
#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"

namespace crossdock::aws::redshift {

inline constexpr const char* kServerlessSigningName = "redshift-serverless";

struct GetCredentialsParams {
  std::string workgroup_name;  // required
  std::string db_name;         // optional: limits the credentials to this database
  int duration_seconds = 0;    // 0 = service default (900); else 900 to 3600
};

struct DatabaseCredentials {
  std::string db_user;      // e.g. "IAMR:crossdock-sync"
  std::string db_password;  // secret
  TimePoint expiration;
  TimePoint next_refresh_time;
};

// kInvalidArgument naming "workgroup_name" or "duration_seconds".
Status ValidateGetCredentials(const GetCredentialsParams& params);
std::string BuildGetCredentialsBody(const GetCredentialsParams& params);
Result<DatabaseCredentials> ParseGetCredentialsResponse(std::string_view body);

struct RedshiftServerlessOptions {
  std::string region = "us-east-1";
  std::string endpoint_override;  // e.g. http://127.0.0.1:7491
};

class RedshiftServerlessClient {
 public:
  static Result<RedshiftServerlessClient> Create(std::shared_ptr<AwsClient> client,
                                                 RedshiftServerlessOptions options);
  Result<DatabaseCredentials> GetCredentials(const GetCredentialsParams& params) const;
  const std::string& endpoint() const { return endpoint_; }

 private:
  RedshiftServerlessClient(std::shared_ptr<AwsClient> client, RedshiftServerlessOptions options,
                           std::string endpoint)
      : client_(std::move(client)), options_(std::move(options)), endpoint_(std::move(endpoint)) {}

  std::shared_ptr<AwsClient> client_;
  RedshiftServerlessOptions options_;
  std::string endpoint_;
};

}  // namespace crossdock::aws::redshift
