#include "crossdock/connect/redshift_setup.h"

#include <fmt/format.h>

#include "crossdock/aws/redshift/guidance.h"
#include "crossdock/connect/redshift_check.h"

namespace crossdock::connect {

Result<RedshiftSetup> RedshiftSetupFor(const Connection& c, const iam::GeneratedPolicies& policies,
                                       const std::string& db_role,
                                       std::vector<std::string> schemas) {
  if (c.type != ConnectionType::kRedshiftServerless) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("connection {} is a {} connection: database set-up exists for "
                             "redshift-serverless connections only",
                             c.name, ConnectionTypeName(c.type)),
                 "type");
  }
  if (schemas.empty()) schemas = {kRedshiftDefaultSchema};
  aws::redshift::RedshiftGuidanceParams p;
  p.database = c.redshift.database.empty() ? "dev" : c.redshift.database;
  p.db_role = db_role;
  p.schemas = schemas;
  RedshiftSetup s;
  s.connection = c.name;
  s.role_arn = c.role_arn;
  s.db_user = c.role_arn.empty() ? "" : RedshiftDbUser(c.role_arn);
  s.db_role = db_role;
  s.database = p.database;
  s.schemas = schemas;
  ASSIGN_OR_RETURN(s.role_sql, aws::redshift::RedshiftRoleSql(p));
  ASSIGN_OR_RETURN(s.fine_grained_sql, aws::redshift::RedshiftFineGrainedSql(p));
  ASSIGN_OR_RETURN(auto tag, aws::redshift::RedshiftDbRolesTag({db_role}));
  s.tag_key = tag.key;
  s.tag_value = tag.value;
  std::string role_name = "<your-role>";
  if (auto slash = c.role_arn.rfind('/'); slash != std::string::npos) {
    role_name = c.role_arn.substr(slash + 1);
  }
  s.tag_command = fmt::format("aws iam tag-role --role-name {} --tags Key={},Value={}", role_name,
                              tag.key, tag.value);
  s.trust_policy = policies.trust_policy;
  return s;
}

nlohmann::ordered_json ToJson(const RedshiftSetup& s) {
  return {{"connection", s.connection},
          {"role_arn", s.role_arn},
          {"db_user", s.db_user},
          {"db_role", s.db_role},
          {"database", s.database},
          {"schemas", s.schemas},
          {"role_sql", s.role_sql},
          {"fine_grained_sql", s.fine_grained_sql},
          {"tag", {{"key", s.tag_key}, {"value", s.tag_value}, {"command", s.tag_command}}},
          {"trust_policy", s.trust_policy}};
}

std::string FormatSetup(const RedshiftSetup& s) {
  return fmt::format(
      "Redshift set-up for connection {conn}\n\n"
      "1. Create a Redshift role for crossdock and grant it write access (as an administrator "
      "of database {db}):\n\n{role_sql}\n"
      "   For finer control, grant exactly what syncs need instead:\n\n{fine_sql}\n"
      "2. Bind the IAM role to that database role with the tag {key} = {value}:\n\n"
      "   {command}\n\n"
      "   Through the Data API the role connects as the database user {user}; granting to that "
      "user directly works too.\n\n"
      "3. Let crossdock (with the External ID) and Redshift (UNLOAD and COPY through the "
      "staging bucket) assume the role with this trust policy:\n\n{trust}\n\n"
      "Then run: crossdock connection test {conn}\n",
      fmt::arg("conn", s.connection), fmt::arg("db", s.database), fmt::arg("role_sql", s.role_sql),
      fmt::arg("fine_sql", s.fine_grained_sql), fmt::arg("key", s.tag_key),
      fmt::arg("value", s.tag_value), fmt::arg("command", s.tag_command),
      fmt::arg("user", s.db_user.empty() ? "IAMR:<role name>" : s.db_user),
      fmt::arg("trust", s.trust_policy.dump(4)));
}

}  // namespace crossdock::connect
