// StatementClient: the Databricks SQL Statement Execution API over an HttpTransport, with the
// workspace's bearer token. Submit sends a statement to a SQL warehouse (asynchronously by
// default: wait_timeout "0s"); Wait polls GET /statements/{id} with capped exponential
// backoff until SUCCEEDED, FAILED, CANCELED or CLOSED, and cancels the statement when its
// deadline passes or the caller cancels; chunks of the INLINE JSON_ARRAY result are fetched in
// order, or streamed one at a time to bound memory. Throttling (429) and unavailability (503)
// answers and transport failures of reads are retried with backoff.
//
// The token is a secret: it only ever goes into the Authorization header, never into an
// Error, a log line or Describe(). Thread-safe when the transport is.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"
#include "crossdock/databricks/rest_client.h"
#include "crossdock/databricks/statement_types.h"
#include "crossdock/http/transport.h"

namespace crossdock::databricks {

struct DatabricksOptions {
  std::string host;          // workspace URL, e.g. https://dbc-1234.cloud.databricks.com
  std::string token;         // personal access token or OAuth access token (secret)
  std::string warehouse_id;  // the SQL warehouse statements run on
  int max_attempts = 4;      // per HTTP call, for 429 / 503 / transport failures
  std::chrono::milliseconds retry_base{200};  // first retry delay, doubled per attempt
};

struct PollOptions {
  std::chrono::milliseconds initial_delay{100};
  std::chrono::milliseconds max_delay{5000};
  double multiplier = 1.5;
  std::chrono::milliseconds timeout{std::chrono::hours(1)};
  std::function<bool()> cancelled;  // true: cancel the statement and return kCancelled
  bool cancel_on_timeout = true;    // cancel the statement when the timeout passes
};

// The delay before poll number n (0-based): initial * multiplier^n, capped at max_delay.
std::chrono::milliseconds PollDelay(const PollOptions& options, int n);

class StatementClient {
 public:
  // kInvalidArgument naming "host" (not http(s)://...), "token" or "warehouse_id".
  static Result<StatementClient> Create(std::shared_ptr<http::HttpTransport> transport,
                                        Clock& clock, DatabricksOptions options);

  Result<StatementResponse> Submit(const StatementRequest& request) const;
  Result<StatementResponse> Get(std::string_view statement_id) const;
  Status Cancel(std::string_view statement_id) const;
  Result<ResultChunk> GetChunk(std::string_view statement_id, int64_t chunk_index) const;

  // Polls until the statement ends. SUCCEEDED: the response (manifest and first chunk).
  // Otherwise the Error of StatementFailure; kTimeout or kCancelled after cancelling it.
  Result<StatementResponse> Wait(std::string_view statement_id, const PollOptions& poll = {}) const;
  // Calls on_chunk for every chunk of a SUCCEEDED response, the inline first one included.
  Status ForEachChunk(const StatementResponse& succeeded,
                      const std::function<Status(ResultChunk&)>& on_chunk) const;
  // Submit + Wait + every chunk in memory.
  Result<StatementResult> Execute(const StatementRequest& request,
                                  const PollOptions& poll = {}) const;

  // "Databricks https://host, SQL warehouse ID" (no token).
  std::string Describe() const;
  const DatabricksOptions& options() const { return options_; }

 private:
  StatementClient(RestClient rest, DatabricksOptions options)
      : rest_(std::move(rest)), options_(std::move(options)) {}

  RestClient rest_;
  DatabricksOptions options_;
};

}  // namespace crossdock::databricks
