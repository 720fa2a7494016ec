// Customer guidance for a Redshift Serverless connection (seed 004), generated from the
// connection's settings so that what the customer pastes matches what crossdock will do:
// the SQL that creates the Redshift database role and grants it TEMP and CREATE on the
// database (or, for finer control, exactly the privileges crossdock needs: TEMP; INSERT,
// UPDATE, DELETE, TRUNCATE, ALTER, DROP on tables, including future ones; CREATE and USAGE on
// schemas), the RedshiftDbRoles tag that binds the IAM role to that database role, and the
// IAM trust policy with the vendor principal (with the External ID) and the
// redshift.amazonaws.com service principal that UNLOAD and COPY need.
//
// Pure text generation with input validation; it does not run SQL or call IAM.
#pragma once

#include <string>
#include <vector>

#include "crossdock/core/result.h"

namespace crossdock::aws::redshift {

struct RedshiftGuidanceParams {
  std::string database = "dev";       // the database crossdock writes into
  std::string db_role = "crossdock";  // the Redshift database role to create
  // Schemas for the fine-grained grants; empty = {"public"}.
  std::vector<std::string> schemas;
  std::string vendor_principal;  // e.g. arn:aws:iam::568237466542:root
  std::string external_id;       // the connection's External ID
  std::string partition = "aws";
};

struct IamTag {
  std::string key;
  std::string value;
};

// CREATE ROLE and GRANT TEMP / CREATE ON DATABASE. kInvalidArgument naming "database" or
// "db_role" for names that are not plain Redshift identifiers.
Result<std::string> RedshiftRoleSql(const RedshiftGuidanceParams& params);
// CREATE ROLE and the fine-grained privileges, per schema.
Result<std::string> RedshiftFineGrainedSql(const RedshiftGuidanceParams& params);
// The IAM role tag: key "RedshiftDbRoles", value the database roles joined by ':'.
// kInvalidArgument when a name cannot be a tag value or the value passes 256 characters.
Result<IamTag> RedshiftDbRolesTag(const std::vector<std::string>& db_roles);
// The trust policy (pretty JSON): the vendor with sts:ExternalId, and redshift.amazonaws.com.
Result<std::string> RedshiftTrustPolicy(const RedshiftGuidanceParams& params);
// All of the above as one text with short explanations, for the UI and `crossdock connect`.
Result<std::string> RedshiftGuidanceText(const RedshiftGuidanceParams& params);

}  // namespace crossdock::aws::redshift
