#include "crossdock/aws/redshift/data_api_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "crossdock/aws/endpoints.h"
#include "crossdock/aws/json_protocol.h"
#include "crossdock/aws/redshift/data_api_errors.h"
#include "crossdock/aws/redshift/data_api_requests.h"
#include "crossdock/aws/redshift/data_api_responses.h"

namespace crossdock::aws::redshift {
namespace {

std::string Where(const DataApiTarget& t) {
  return fmt::format("{} {}/{}", t.workgroup_name.empty() ? "cluster" : "workgroup",
                     t.workgroup_name.empty() ? t.cluster_identifier : t.workgroup_name,
                     t.database);
}

// Collects every page of a listing operation.
template <typename T, typename Build, typename Parse>
Result<std::vector<T>> CollectPages(Build&& build, Parse&& parse) {
  std::vector<T> out;
  std::string token;
  for (int pages = 0; pages < 100000; ++pages) {
    ASSIGN_OR_RETURN(std::string body, build(token));
    ASSIGN_OR_RETURN(auto page, parse(body));
    for (auto& item : page.items) out.push_back(std::move(item));
    if (page.next_token.empty()) return out;
    if (page.next_token == token) {
      return Error(ErrorCode::kInternal, "the Data API returned the same NextToken twice");
    }
    token = std::move(page.next_token);
  }
  return Error(ErrorCode::kInternal, "a Data API listing did not end after 100000 pages");
}

}  // namespace

std::chrono::milliseconds PollDelay(const PollOptions& options, int n) {
  double ms = static_cast<double>(options.initial_delay.count()) *
              std::pow(std::max(1.0, options.multiplier), n);
  double cap = static_cast<double>(options.max_delay.count());
  return std::chrono::milliseconds(static_cast<int64_t>(std::min(ms, cap)));
}

Result<RedshiftDataClient> RedshiftDataClient::Create(std::shared_ptr<AwsClient> client,
                                                      RedshiftDataOptions options) {
  if (options.region.empty()) options.region = "us-east-1";
  ASSIGN_OR_RETURN(std::string endpoint,
                   ServiceEndpoint(kDataApiSigningName, options.region, options.endpoint_override));
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  return RedshiftDataClient(std::move(client), std::move(options), std::move(endpoint));
}

Result<std::string> RedshiftDataClient::Call(std::string_view operation, std::string body,
                                             std::string what, const DataApiTarget* target) const {
  AwsRequest request =
      MakeJsonRequest(endpoint_, options_.region, kDataApiSigningName,
                      std::string(kDataApiTargetPrefix) + std::string(operation), std::move(body),
                      fmt::format("Redshift Data API {} {}", operation, what));
  auto response = client_->Send(request);
  if (!response.ok()) return DescribeDataApiError(std::move(response).error(), target);
  return std::move(response->body);
}

Result<SubmittedStatement> RedshiftDataClient::ExecuteStatement(
    const ExecuteStatementParams& params) const {
  RETURN_IF_ERROR(ValidateExecuteStatement(params));
  ASSIGN_OR_RETURN(std::string body, Call("ExecuteStatement", BuildExecuteStatementBody(params),
                                          "on " + Where(params.target), &params.target));
  return ParseExecuteStatementResponse(body);
}

Result<SubmittedStatement> RedshiftDataClient::BatchExecuteStatement(
    const BatchExecuteStatementParams& params) const {
  RETURN_IF_ERROR(ValidateBatchExecuteStatement(params));
  ASSIGN_OR_RETURN(std::string body,
                   Call("BatchExecuteStatement", BuildBatchExecuteStatementBody(params),
                        "on " + Where(params.target), &params.target));
  return ParseExecuteStatementResponse(body);
}

Result<StatementDescription> RedshiftDataClient::DescribeStatement(std::string_view id) const {
  ASSIGN_OR_RETURN(std::string body, Call("DescribeStatement", BuildDescribeStatementBody(id),
                                          std::string(id), nullptr));
  return ParseDescribeStatementResponse(body);
}

Result<bool> RedshiftDataClient::CancelStatement(std::string_view id) const {
  ASSIGN_OR_RETURN(std::string body,
                   Call("CancelStatement", BuildCancelStatementBody(id), std::string(id), nullptr));
  return ParseCancelStatementResponse(body);
}

Result<StatementDescription> RedshiftDataClient::WaitForStatement(std::string_view id,
                                                                  const PollOptions& poll) const {
  Clock& clock = client_->clock();
  const TimePoint deadline = clock.Now() + poll.timeout;
  for (int n = 0;; ++n) {
    if (poll.cancelled && poll.cancelled()) {
      (void)CancelStatement(id);
      return Error(ErrorCode::kCancelled,
                   fmt::format("Redshift statement {} was cancelled by the caller; "
                               "CancelStatement was sent",
                               id));
    }
    auto delay = PollDelay(poll, n);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock.Now());
    if (left.count() <= 0) {
      if (poll.cancel_on_timeout) (void)CancelStatement(id);
      return Error(ErrorCode::kTimeout,
                   fmt::format("Redshift statement {} did not finish within {} s{}; raise the "
                               "timeout or make the query cheaper",
                               id, poll.timeout.count() / 1000,
                               poll.cancel_on_timeout ? " and was cancelled" : ""));
    }
    clock.SleepFor(std::min(delay, left));
    ASSIGN_OR_RETURN(StatementDescription d, DescribeStatement(id));
    if (d.status == StatementStatus::kFinished) return d;
    if (d.status == StatementStatus::kFailed || d.status == StatementStatus::kAborted) {
      return StatementFailure(d);
    }
  }
}

Result<StatementResultPage> RedshiftDataClient::GetStatementResultPage(
    std::string_view id, std::string_view next_token) const {
  ASSIGN_OR_RETURN(std::string body,
                   Call("GetStatementResult", BuildGetStatementResultBody(id, next_token),
                        std::string(id), nullptr));
  return ParseGetStatementResultResponse(body);
}

Status RedshiftDataClient::ForEachResultPage(
    std::string_view id, const std::function<Status(StatementResultPage&)>& on_page) const {
  std::string token;
  while (true) {
    ASSIGN_OR_RETURN(StatementResultPage page, GetStatementResultPage(id, token));
    std::string next = page.next_token;
    RETURN_IF_ERROR(on_page(page));
    if (next.empty()) return OkStatus();
    if (next == token) {
      return Error(ErrorCode::kInternal,
                   fmt::format("GetStatementResult {}: the same NextToken came twice", id));
    }
    token = std::move(next);
  }
}

Result<StatementResult> RedshiftDataClient::GetStatementResult(std::string_view id,
                                                               int64_t max_rows) const {
  StatementResult out;
  RETURN_IF_ERROR(ForEachResultPage(id, [&](StatementResultPage& page) -> Status {
    if (out.columns.empty()) out.columns = std::move(page.columns);
    out.total_num_rows = page.total_num_rows;
    if (max_rows > 0 && static_cast<int64_t>(out.rows.size() + page.records.size()) > max_rows) {
      return Error(ErrorCode::kFailedPrecondition,
                   fmt::format("the result of statement {} has {} rows, more than the {} this "
                               "call holds in memory: use ForEachResultPage or UNLOAD",
                               id, page.total_num_rows, max_rows));
    }
    for (auto& r : page.records) out.rows.push_back(std::move(r));
    return OkStatus();
  }));
  return out;
}

Result<StatementDescription> RedshiftDataClient::Run(const ExecuteStatementParams& params,
                                                     const PollOptions& poll) const {
  ASSIGN_OR_RETURN(SubmittedStatement s, ExecuteStatement(params));
  return WaitForStatement(s.id, poll);
}

Result<StatementDescription> RedshiftDataClient::RunBatch(const BatchExecuteStatementParams& params,
                                                          const PollOptions& poll) const {
  ASSIGN_OR_RETURN(SubmittedStatement s, BatchExecuteStatement(params));
  return WaitForStatement(s.id, poll);
}

Result<StatementResult> RedshiftDataClient::Query(const ExecuteStatementParams& params,
                                                  const PollOptions& poll, int64_t max_rows) const {
  ASSIGN_OR_RETURN(StatementDescription d, Run(params, poll));
  if (!d.has_result_set) return StatementResult{};
  return GetStatementResult(d.id, max_rows);
}

Result<std::vector<std::string>> RedshiftDataClient::ListDatabases(
    const DataApiTarget& target) const {
  RETURN_IF_ERROR(ValidateTarget(target));
  return CollectPages<std::string>(
      [&](const std::string& token) {
        return Call("ListDatabases", BuildListDatabasesBody(target, token), "on " + Where(target),
                    &target);
      },
      ParseListDatabasesResponse);
}

Result<std::vector<std::string>> RedshiftDataClient::ListSchemas(const CatalogQuery& query) const {
  RETURN_IF_ERROR(ValidateTarget(query.target));
  return CollectPages<std::string>(
      [&](const std::string& token) {
        return Call("ListSchemas", BuildListSchemasBody(query, token), "on " + Where(query.target),
                    &query.target);
      },
      ParseListSchemasResponse);
}

Result<std::vector<TableMember>> RedshiftDataClient::ListTables(const CatalogQuery& query) const {
  RETURN_IF_ERROR(ValidateTarget(query.target));
  return CollectPages<TableMember>(
      [&](const std::string& token) {
        return Call("ListTables", BuildListTablesBody(query, token), "on " + Where(query.target),
                    &query.target);
      },
      ParseListTablesResponse);
}

Result<std::vector<ColumnMetadata>> RedshiftDataClient::DescribeTable(
    const CatalogQuery& query) const {
  RETURN_IF_ERROR(ValidateTarget(query.target));
  return CollectPages<ColumnMetadata>(
      [&](const std::string& token) {
        return Call("DescribeTable", BuildDescribeTableBody(query, token),
                    fmt::format("{}.{} on {}", query.schema, query.table, Where(query.target)),
                    &query.target);
      },
      ParseDescribeTableResponse);
}

}  // namespace crossdock::aws::redshift
