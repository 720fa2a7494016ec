#include "crossdock/aws/redshift/data_api_requests.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

namespace crossdock::aws::redshift {
namespace {

void PutTarget(nlohmann::json& body, const DataApiTarget& target) {
  if (!target.workgroup_name.empty()) body["WorkgroupName"] = target.workgroup_name;
  if (!target.cluster_identifier.empty()) body["ClusterIdentifier"] = target.cluster_identifier;
  body["Database"] = target.database;
}

void PutPage(nlohmann::json& body, std::string_view next_token, int max_results) {
  if (!next_token.empty()) body["NextToken"] = std::string(next_token);
  if (max_results > 0) body["MaxResults"] = max_results;
}

Status ValidateStatementName(const std::string& name) {
  if (name.size() > 500) {
    return Error(ErrorCode::kInvalidArgument,
                 "statement_name is longer than 500 characters: shorten it", "statement_name");
  }
  return OkStatus();
}

}  // namespace

Status ValidateTarget(const DataApiTarget& target) {
  static const std::regex kWorkgroup("[a-z0-9-]{3,64}");
  if (target.workgroup_name.empty() && target.cluster_identifier.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "no Redshift target: set the Serverless workgroup name (or a cluster "
                 "identifier for a provisioned cluster)",
                 "workgroup_name");
  }
  if (!target.workgroup_name.empty() && !target.cluster_identifier.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "both a workgroup name and a cluster identifier are set: keep only one",
                 "cluster_identifier");
  }
  if (!target.workgroup_name.empty() && !std::regex_match(target.workgroup_name, kWorkgroup)) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("workgroup name '{}' is not valid: Redshift Serverless workgroup "
                             "names are 3 to 64 lower-case letters, digits and hyphens",
                             target.workgroup_name),
                 "workgroup_name");
  }
  if (target.database.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "the Redshift database name is empty: set it (Redshift's default is \"dev\")",
                 "database");
  }
  return OkStatus();
}

Status ValidateExecuteStatement(const ExecuteStatementParams& params) {
  RETURN_IF_ERROR(ValidateTarget(params.target));
  if (params.sql.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Error(ErrorCode::kInvalidArgument, "the SQL statement is empty", "sql");
  }
  static const std::regex kName("[A-Za-z_][A-Za-z0-9_]*");
  std::set<std::string> seen;
  for (const auto& p : params.parameters) {
    if (!std::regex_match(p.name, kName)) {
      return Error(ErrorCode::kInvalidArgument,
                   fmt::format("SQL parameter name '{}' is not valid: use letters, digits and "
                               "underscores, referenced as :name",
                               p.name),
                   "parameters");
    }
    if (!seen.insert(p.name).second) {
      return Error(ErrorCode::kInvalidArgument,
                   fmt::format("SQL parameter '{}' is given twice", p.name), "parameters");
    }
  }
  return ValidateStatementName(params.statement_name);
}

Status ValidateBatchExecuteStatement(const BatchExecuteStatementParams& params) {
  RETURN_IF_ERROR(ValidateTarget(params.target));
  if (params.sqls.empty() || params.sqls.size() > 40) {
    return Error(
        ErrorCode::kInvalidArgument,
        fmt::format("a batch holds 1 to 40 SQL statements, not {}: split it", params.sqls.size()),
        "sqls");
  }
  for (const auto& sql : params.sqls) {
    if (sql.find_first_not_of(" \t\r\n") == std::string::npos) {
      return Error(ErrorCode::kInvalidArgument, "a SQL statement of the batch is empty", "sqls");
    }
  }
  return ValidateStatementName(params.statement_name);
}

std::string BuildExecuteStatementBody(const ExecuteStatementParams& params) {
  nlohmann::json body;
  PutTarget(body, params.target);
  body["Sql"] = params.sql;
  if (!params.parameters.empty()) {
    auto& list = body["Parameters"] = nlohmann::json::array();
    for (const auto& p : params.parameters) list.push_back({{"name", p.name}, {"value", p.value}});
  }
  if (!params.statement_name.empty()) body["StatementName"] = params.statement_name;
  if (params.with_event) body["WithEvent"] = true;
  return body.dump();
}

std::string BuildBatchExecuteStatementBody(const BatchExecuteStatementParams& params) {
  nlohmann::json body;
  PutTarget(body, params.target);
  body["Sqls"] = params.sqls;
  if (!params.statement_name.empty()) body["StatementName"] = params.statement_name;
  if (params.with_event) body["WithEvent"] = true;
  return body.dump();
}

std::string BuildDescribeStatementBody(std::string_view id) {
  return nlohmann::json{{"Id", std::string(id)}}.dump();
}

std::string BuildGetStatementResultBody(std::string_view id, std::string_view next_token) {
  nlohmann::json body{{"Id", std::string(id)}};
  if (!next_token.empty()) body["NextToken"] = std::string(next_token);
  return body.dump();
}

std::string BuildCancelStatementBody(std::string_view id) {
  return nlohmann::json{{"Id", std::string(id)}}.dump();
}

std::string BuildListDatabasesBody(const DataApiTarget& target, std::string_view next_token,
                                   int max_results) {
  nlohmann::json body;
  PutTarget(body, target);
  PutPage(body, next_token, max_results);
  return body.dump();
}

namespace {
nlohmann::json CatalogBody(const CatalogQuery& query, std::string_view next_token,
                           int max_results) {
  nlohmann::json body;
  PutTarget(body, query.target);
  if (!query.connected_database.empty()) body["ConnectedDatabase"] = query.connected_database;
  PutPage(body, next_token, max_results);
  return body;
}
}  // namespace

std::string BuildListSchemasBody(const CatalogQuery& query, std::string_view next_token,
                                 int max_results) {
  auto body = CatalogBody(query, next_token, max_results);
  if (!query.schema_pattern.empty()) body["SchemaPattern"] = query.schema_pattern;
  return body.dump();
}

std::string BuildListTablesBody(const CatalogQuery& query, std::string_view next_token,
                                int max_results) {
  auto body = CatalogBody(query, next_token, max_results);
  if (!query.schema_pattern.empty()) body["SchemaPattern"] = query.schema_pattern;
  if (!query.table_pattern.empty()) body["TablePattern"] = query.table_pattern;
  return body.dump();
}

std::string BuildDescribeTableBody(const CatalogQuery& query, std::string_view next_token,
                                   int max_results) {
  auto body = CatalogBody(query, next_token, max_results);
  if (!query.schema.empty()) body["Schema"] = query.schema;
  if (!query.table.empty()) body["Table"] = query.table;
  return body.dump();
}

}  // namespace crossdock::aws::redshift
