#include "crossdock/aws/redshift/guidance.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <regex>

namespace crossdock::aws::redshift {
namespace {

// Plain identifiers only: Redshift folds them to lower case, so the generated SQL reads the
// same whatever the session's case sensitivity setting.
Status CheckIdentifier(const std::string& name, const char* field, const char* what) {
  static const std::regex kIdent("[a-z_][a-z0-9_$]{0,126}");
  if (!std::regex_match(name, kIdent)) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("{} '{}' is not a plain Redshift identifier: use lower-case "
                             "letters, digits, '_' and '$', starting with a letter or '_'",
                             what, name),
                 field);
  }
  return OkStatus();
}

Status CheckCommon(const RedshiftGuidanceParams& p) {
  RETURN_IF_ERROR(CheckIdentifier(p.database, "database", "database name"));
  RETURN_IF_ERROR(CheckIdentifier(p.db_role, "db_role", "database role name"));
  for (const auto& s : p.schemas) RETURN_IF_ERROR(CheckIdentifier(s, "schemas", "schema name"));
  return OkStatus();
}

}  // namespace

Result<std::string> RedshiftRoleSql(const RedshiftGuidanceParams& p) {
  RETURN_IF_ERROR(CheckCommon(p));
  return fmt::format(
      "CREATE ROLE {role};\n"
      "GRANT TEMP ON DATABASE {db} TO ROLE {role};\n"
      "GRANT CREATE ON DATABASE {db} TO ROLE {role};\n",
      fmt::arg("role", p.db_role), fmt::arg("db", p.database));
}

Result<std::string> RedshiftFineGrainedSql(const RedshiftGuidanceParams& p) {
  RETURN_IF_ERROR(CheckCommon(p));
  std::vector<std::string> schemas =
      p.schemas.empty() ? std::vector<std::string>{"public"} : p.schemas;
  constexpr const char* kTablePrivileges = "SELECT, INSERT, UPDATE, DELETE, TRUNCATE, ALTER, DROP";
  std::string sql = fmt::format("CREATE ROLE {0};\nGRANT TEMP ON DATABASE {1} TO ROLE {0};\n",
                                p.db_role, p.database);
  for (const auto& s : schemas) {
    sql += fmt::format(
        "-- schema {s}: create tables, and write to existing and future tables\n"
        "GRANT USAGE, CREATE ON SCHEMA {s} TO ROLE {r};\n"
        "GRANT {t} ON ALL TABLES IN SCHEMA {s} TO ROLE {r};\n"
        "ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT {t} ON TABLES TO ROLE {r};\n",
        fmt::arg("s", s), fmt::arg("r", p.db_role), fmt::arg("t", kTablePrivileges));
  }
  return sql;
}

Result<IamTag> RedshiftDbRolesTag(const std::vector<std::string>& db_roles) {
  static const std::regex kTagValue("[A-Za-z0-9_.:/=+@ -]+");
  if (db_roles.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "no database role for the RedshiftDbRoles tag: name at least one", "db_roles");
  }
  std::string value;
  for (const auto& r : db_roles) {
    if (r.empty() || r.find(':') != std::string::npos || !std::regex_match(r, kTagValue)) {
      return Error(ErrorCode::kInvalidArgument,
                   fmt::format("database role '{}' cannot be listed in the RedshiftDbRoles tag: "
                               "use letters, digits and _ . / = + @ - (no ':')",
                               r),
                   "db_roles");
    }
    if (!value.empty()) value += ':';
    value += r;
  }
  if (value.size() > 256) {
    return Error(ErrorCode::kInvalidArgument,
                 "the RedshiftDbRoles tag value passes 256 characters: bind fewer roles",
                 "db_roles");
  }
  return IamTag{"RedshiftDbRoles", value};
}

Result<std::string> RedshiftTrustPolicy(const RedshiftGuidanceParams& p) {
  static const std::regex kExternalId(R"([\w+=,.@:/-]{2,1224})");
  if (p.vendor_principal.rfind("arn:", 0) != 0) {
    return Error(ErrorCode::kInvalidArgument,
                 "the vendor principal must be an ARN such as arn:aws:iam::123456789012:root",
                 "vendor_principal");
  }
  if (!std::regex_match(p.external_id, kExternalId)) {
    return Error(ErrorCode::kInvalidArgument,
                 "the External ID must be 2 to 1,224 characters of letters, digits and "
                 "+=,.@:/-_",
                 "external_id");
  }
  std::string service =
      p.partition == "aws-cn" ? "redshift.amazonaws.com.cn" : "redshift.amazonaws.com";
  nlohmann::ordered_json policy = {
      {"Version", "2012-10-17"},
      {"Statement",
       {{{"Effect", "Allow"},
         {"Principal", {{"AWS", p.vendor_principal}}},
         {"Action", "sts:AssumeRole"},
         {"Condition", {{"StringEquals", {{"sts:ExternalId", p.external_id}}}}}},
        {{"Effect", "Allow"},
         {"Principal", {{"Service", service}}},
         {"Action", "sts:AssumeRole"}}}}};
  return policy.dump(2) + "\n";
}

Result<std::string> RedshiftGuidanceText(const RedshiftGuidanceParams& p) {
  ASSIGN_OR_RETURN(std::string role_sql, RedshiftRoleSql(p));
  ASSIGN_OR_RETURN(std::string fine_sql, RedshiftFineGrainedSql(p));
  ASSIGN_OR_RETURN(IamTag tag, RedshiftDbRolesTag({p.db_role}));
  ASSIGN_OR_RETURN(std::string trust, RedshiftTrustPolicy(p));
  return fmt::format(
      "1. Create a Redshift role for crossdock and grant it write access (run as an admin in "
      "database {db}):\n\n{role_sql}\n"
      "   For finer control, grant exactly what crossdock needs instead:\n\n{fine_sql}\n"
      "2. Bind the IAM role to that database role: tag the IAM role with\n"
      "   {key} = {value}\n"
      "   (aws iam tag-role --role-name <your-role> --tags Key={key},Value={value})\n\n"
      "3. Let crossdock (with the External ID) and Redshift (for UNLOAD and COPY through the "
      "staging bucket) assume the IAM role with this trust policy:\n\n{trust}",
      fmt::arg("db", p.database), fmt::arg("role_sql", role_sql), fmt::arg("fine_sql", fine_sql),
      fmt::arg("key", tag.key), fmt::arg("value", tag.value), fmt::arg("trust", trust));
}

}  // namespace crossdock::aws::redshift
