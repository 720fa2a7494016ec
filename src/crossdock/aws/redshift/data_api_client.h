// RedshiftDataClient: the Redshift Data API over AwsClient (SigV4 "redshift-data", JSON 1.1,
// retries of throttling and 5xx answers). Statements are asynchronous in the Data API:
// ExecuteStatement returns an id at once; WaitForStatement polls DescribeStatement with
// capped exponential backoff until FINISHED, FAILED or ABORTED, and on its deadline or when
// the caller cancels it sends CancelStatement; GetStatementResult pages are fetched in
// order (NextToken) into typed rows, or streamed page by page to bound memory.
//
// The credentials are the AwsClient provider's: for crossdock an assumed customer role, which
// the Data API maps to the database user "IAMR:<role name>". It does not manage connections
// or transactions: each ExecuteStatement is its own transaction; BatchExecuteStatement runs
// its statements in one. Thread-safe, like AwsClient.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/aws/aws_client.h"
#include "crossdock/aws/redshift/data_api_types.h"
#include "crossdock/core/result.h"

namespace crossdock::aws::redshift {

struct RedshiftDataOptions {
  std::string region = "us-east-1";  // the workgroup's region: endpoint and signing scope
  std::string endpoint_override;     // e.g. http://127.0.0.1:7490; empty = regional endpoint
};

// How WaitForStatement polls. Delays are slept on the AwsClient's clock.
struct PollOptions {
  std::chrono::milliseconds initial_delay{100};              // before the first DescribeStatement
  std::chrono::milliseconds max_delay{5000};                 // cap of one delay
  double multiplier = 1.5;                                   // growth of the delay per poll
  std::chrono::milliseconds timeout{std::chrono::hours(1)};  // from the first poll's start
  // Polled between DescribeStatement calls; true stops waiting: CancelStatement is sent and
  // the result is kCancelled.
  std::function<bool()> cancelled;
  bool cancel_on_timeout = true;  // send CancelStatement when the timeout passes (kTimeout)
};

// The delay before poll number `n` (0-based), without jitter: initial * multiplier^n, capped.
std::chrono::milliseconds PollDelay(const PollOptions& options, int n);

class RedshiftDataClient {
 public:
  // kInvalidArgument when the region is malformed and there is no endpoint override.
  static Result<RedshiftDataClient> Create(std::shared_ptr<AwsClient> client,
                                           RedshiftDataOptions options);

  Result<SubmittedStatement> ExecuteStatement(const ExecuteStatementParams& params) const;
  Result<SubmittedStatement> BatchExecuteStatement(const BatchExecuteStatementParams& params) const;
  Result<StatementDescription> DescribeStatement(std::string_view id) const;
  // True when Redshift accepted the cancellation; a finished statement is kInvalidArgument
  // (ValidationException "Could not cancel a query that is already in FINISHED state").
  Result<bool> CancelStatement(std::string_view id) const;

  // Polls until the statement ends. FINISHED: its description. FAILED / ABORTED: the Error
  // of StatementFailure. Deadline: kTimeout (after CancelStatement); caller's cancel:
  // kCancelled (after CancelStatement).
  Result<StatementDescription> WaitForStatement(std::string_view id,
                                                const PollOptions& poll = {}) const;

  // One page of a finished statement's result ("<id>:<n>" for a batch's sub-statement).
  Result<StatementResultPage> GetStatementResultPage(std::string_view id,
                                                     std::string_view next_token = {}) const;
  // Every page in order; the callback may stop the iteration by returning an Error.
  Status ForEachResultPage(std::string_view id,
                           const std::function<Status(StatementResultPage&)>& on_page) const;
  // Every row in memory; for small results (metadata, counts). kFailedPrecondition when more
  // than max_rows rows arrive (0 = no limit).
  Result<StatementResult> GetStatementResult(std::string_view id, int64_t max_rows = 0) const;

  // ExecuteStatement + WaitForStatement: rows affected are in result_rows.
  Result<StatementDescription> Run(const ExecuteStatementParams& params,
                                   const PollOptions& poll = {}) const;
  Result<StatementDescription> RunBatch(const BatchExecuteStatementParams& params,
                                        const PollOptions& poll = {}) const;
  // Run + GetStatementResult (an empty result when the statement returns no rows).
  Result<StatementResult> Query(const ExecuteStatementParams& params, const PollOptions& poll = {},
                                int64_t max_rows = 0) const;

  // Catalog listings, every page collected.
  Result<std::vector<std::string>> ListDatabases(const DataApiTarget& target) const;
  Result<std::vector<std::string>> ListSchemas(const CatalogQuery& query) const;
  Result<std::vector<TableMember>> ListTables(const CatalogQuery& query) const;
  Result<std::vector<ColumnMetadata>> DescribeTable(const CatalogQuery& query) const;

  const std::string& endpoint() const { return endpoint_; }

 private:
  RedshiftDataClient(std::shared_ptr<AwsClient> client, RedshiftDataOptions options,
                     std::string endpoint)
      : client_(std::move(client)), options_(std::move(options)), endpoint_(std::move(endpoint)) {}

  // Sends one operation; errors go through DescribeDataApiError.
  Result<std::string> Call(std::string_view operation, std::string body, std::string what,
                           const DataApiTarget* target) const;

  std::shared_ptr<AwsClient> client_;
  RedshiftDataOptions options_;
  std::string endpoint_;
};

}  // namespace crossdock::aws::redshift
