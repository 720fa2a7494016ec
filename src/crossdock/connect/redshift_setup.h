// Seed 004's database set-up for one Redshift Serverless connection, generated from the
// connection itself so that what the customer runs matches what crossdock does and what the
// connection test checks: the database user the Data API maps the role to ("IAMR:<role>"),
// the CREATE ROLE / GRANT statements (the general TEMP and CREATE on the database, or exactly
// the privileges syncs need, per schema), the RedshiftDbRoles tag binding the IAM role to the
// database role (with the `aws iam tag-role` command), and the trust policy crossdock's one
// policy generator makes for the connection (vendor with the External ID, and
// redshift.amazonaws.com for UNLOAD and COPY). Pure text; the CLI (`crossdock connection
// setup`) and the API (GET /v1/connections/{id}/setup) both print it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crossdock/connect/connection.h"
#include "crossdock/core/result.h"
#include "crossdock/iam/generate.h"

namespace crossdock::connect {

struct RedshiftSetup {
  std::string connection;  // name
  std::string role_arn;    // the IAM role
  std::string db_user;     // "IAMR:<role name>"
  std::string db_role;     // the Redshift role to create, e.g. "crossdock"
  std::string database;    // the connection's database
  std::vector<std::string> schemas;
  std::string role_sql;          // CREATE ROLE + GRANT TEMP / CREATE ON DATABASE
  std::string fine_grained_sql;  // CREATE ROLE + the exact privileges, per schema
  std::string tag_key;           // "RedshiftDbRoles"
  std::string tag_value;         // the database role(s)
  std::string tag_command;       // aws iam tag-role ...
  nlohmann::ordered_json trust_policy;
};

// kInvalidArgument naming "type" for another connection type, "db_role" / "database" /
// "schemas" for names that are not plain Redshift identifiers. `schemas` empty: {"public"}.
Result<RedshiftSetup> RedshiftSetupFor(const Connection& c, const iam::GeneratedPolicies& policies,
                                       const std::string& db_role = "crossdock",
                                       std::vector<std::string> schemas = {});

// {"connection", "role_arn", "db_user", "db_role", "database", "schemas", "role_sql",
// "fine_grained_sql", "tag": {"key", "value", "command"}, "trust_policy"}
nlohmann::ordered_json ToJson(const RedshiftSetup& setup);
// The steps as text, numbered as seed 004 orders them.
std::string FormatSetup(const RedshiftSetup& setup);

}  // namespace crossdock::connect
