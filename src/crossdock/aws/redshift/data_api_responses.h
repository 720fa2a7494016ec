// Parsers of the Redshift Data API answers crossdock reads, as pure functions from the JSON
// body to the types of data_api_types.h: ExecuteStatement / BatchExecuteStatement (the
// statement id), DescribeStatement (status, error, counts, sub-statements),
// GetStatementResult (column metadata and typed Field records, one page), CancelStatement
// and the catalog listings. Unknown members are ignored, as the SDKs do; a member of the
// wrong type is kInternal naming it. Error answers are not parsed here: AwsClient turns them
// into typed Errors through the AWS error table.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crossdock/aws/redshift/data_api_types.h"
#include "crossdock/core/result.h"

namespace crossdock::aws::redshift {

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_token;  // empty on the last page
};

Result<SubmittedStatement> ParseExecuteStatementResponse(std::string_view body);
Result<StatementDescription> ParseDescribeStatementResponse(std::string_view body);
Result<StatementResultPage> ParseGetStatementResultResponse(std::string_view body);
Result<bool> ParseCancelStatementResponse(std::string_view body);
Result<Page<std::string>> ParseListDatabasesResponse(std::string_view body);
Result<Page<std::string>> ParseListSchemasResponse(std::string_view body);
Result<Page<TableMember>> ParseListTablesResponse(std::string_view body);
// DescribeTable: the columns (ColumnList) of the table(s); next_token as listings.
Result<Page<ColumnMetadata>> ParseDescribeTableResponse(std::string_view body);

}  // namespace crossdock::aws::redshift
