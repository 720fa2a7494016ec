// Request bodies of the Redshift Data API operations crossdock calls, as pure functions:
// ExecuteStatement, BatchExecuteStatement, DescribeStatement, GetStatementResult,
// CancelStatement, ListDatabases, ListSchemas, ListTables and DescribeTable. Member names and
// constraints follow botocore's redshift-data model (2019-12-20); validation runs before
// anything is sent and names the field and the fix.
//
// Builders produce JSON text only; data_api_client.h wraps them in signed requests.
#pragma once

#include <string>
#include <string_view>

#include "crossdock/aws/redshift/data_api_types.h"
#include "crossdock/core/result.h"

namespace crossdock::aws::redshift {

inline constexpr const char* kDataApiSigningName = "redshift-data";
inline constexpr const char* kDataApiTargetPrefix = "RedshiftData.";

// kInvalidArgument naming "workgroup_name", "cluster_identifier" or "database".
Status ValidateTarget(const DataApiTarget& target);
// Target plus non-empty SQL, parameter names ([A-Za-z_][A-Za-z0-9_]*, unique) and the
// statement name's length.
Status ValidateExecuteStatement(const ExecuteStatementParams& params);
Status ValidateBatchExecuteStatement(const BatchExecuteStatementParams& params);

std::string BuildExecuteStatementBody(const ExecuteStatementParams& params);
std::string BuildBatchExecuteStatementBody(const BatchExecuteStatementParams& params);
std::string BuildDescribeStatementBody(std::string_view id);
std::string BuildGetStatementResultBody(std::string_view id, std::string_view next_token = {});
std::string BuildCancelStatementBody(std::string_view id);
// Listings: next_token "" for the first page; max_results 0 = the service's default.
std::string BuildListDatabasesBody(const DataApiTarget& target, std::string_view next_token,
                                   int max_results = 0);
std::string BuildListSchemasBody(const CatalogQuery& query, std::string_view next_token,
                                 int max_results = 0);
std::string BuildListTablesBody(const CatalogQuery& query, std::string_view next_token,
                                int max_results = 0);
std::string BuildDescribeTableBody(const CatalogQuery& query, std::string_view next_token,
                                   int max_results = 0);

}  // namespace crossdock::aws::redshift
