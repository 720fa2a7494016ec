// The Redshift Serverless part of the connection test (seed 004), run with the customer's
// role once it is assumed: Data API probes that change nothing (ExecuteStatement of
// `SELECT current_user, current_database()`, DescribeStatement, GetStatementResult); for
// VPC-endpoint connections GetCredentials and a PostgreSQL-protocol login with the password
// it returns; then the database grants syncs need (TEMP and CREATE on the database, USAGE
// and CREATE on the schema, SELECT/INSERT/UPDATE/DELETE on its tables), read with
// has_database_privilege / has_schema_privilege / has_table_privilege through the Data API.
// Each failure names the IAM action (from the operation table) or the exact GRANT that
// fixes it. The staging and unload buckets are probed by connection_check.cc like an S3
// connection. It writes nothing to the database.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "crossdock/aws/aws_client.h"
#include "crossdock/aws/credentials/provider.h"
#include "crossdock/connect/check_diagnosis.h"
#include "crossdock/connect/connection.h"
#include "crossdock/connect/connection_check.h"
#include "crossdock/core/clock.h"
#include "crossdock/http/transport.h"

namespace crossdock::connect {

// The schema the grant checks read when the connection names none.
inline constexpr const char* kRedshiftDefaultSchema = "public";

struct RedshiftCheckEnvironment {
  std::string data_endpoint;        // Redshift Data API override (empty: regional endpoint)
  std::string serverless_endpoint;  // Redshift Serverless override (empty: regional endpoint)
  std::string vpc_database;         // the login's database name (empty: the connection's)
  std::shared_ptr<http::HttpTransport> transport;
  Clock* clock = nullptr;
  aws::RetryOptions retry;
};

// The database user the Data API maps an assumed role to: "IAMR:<role name>".
std::string RedshiftDbUser(const std::string& role_arn);

// The GRANT statement that gives `dbuser` a privilege, quoted as Redshift requires:
// RedshiftGrant("USAGE", "SCHEMA \"public\"", "IAMR:r") is
// GRANT USAGE ON SCHEMA "public" TO "IAMR:r";
std::string RedshiftGrant(const std::string& privileges, const std::string& on,
                          const std::string& dbuser);

// Appends the checks; `creds` are the assumed role's (or the access key's) credentials.
void RunRedshiftChecks(const Connection& c, const aws::CredentialsProviderPtr& creds,
                       const RedshiftCheckEnvironment& env, const DiagnosisContext& ctx,
                       std::vector<CheckResult>& out);

}  // namespace crossdock::connect
