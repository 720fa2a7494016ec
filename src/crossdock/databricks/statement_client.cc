#include "crossdock/databricks/statement_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "crossdock/databricks/statement_json.h"

namespace crossdock::databricks {

std::chrono::milliseconds PollDelay(const PollOptions& options, int n) {
  double ms = static_cast<double>(options.initial_delay.count()) *
              std::pow(std::max(1.0, options.multiplier), n);
  return std::chrono::milliseconds(
      static_cast<int64_t>(std::min(ms, static_cast<double>(options.max_delay.count()))));
}

Result<StatementClient> StatementClient::Create(std::shared_ptr<http::HttpTransport> transport,
                                                Clock& clock, DatabricksOptions options) {
  ASSIGN_OR_RETURN(RestClient rest,
                   RestClient::Create(std::move(transport), clock, options.host, options.token,
                                      options.max_attempts, options.retry_base));
  if (options.warehouse_id.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "no SQL warehouse id: copy it from the warehouse's Connection details",
                 "warehouse_id");
  }
  options.host = rest.host();
  return StatementClient(std::move(rest), std::move(options));
}

std::string StatementClient::Describe() const {
  return fmt::format("Databricks {}, SQL warehouse {}", options_.host, options_.warehouse_id);
}

Result<StatementResponse> StatementClient::Submit(const StatementRequest& request) const {
  RETURN_IF_ERROR(ValidateStatementRequest(request, options_.warehouse_id));
  // A submit is not retried after a transport failure: it may have started the statement.
  ASSIGN_OR_RETURN(std::string body,
                   rest_.Call("POST", "/api/2.0/sql/statements",
                              BuildExecuteStatementBody(request, options_.warehouse_id),
                              "execute statement on warehouse " + options_.warehouse_id, false));
  return ParseStatementResponse(body);
}

Result<StatementResponse> StatementClient::Get(std::string_view id) const {
  ASSIGN_OR_RETURN(std::string body,
                   rest_.Call("GET", fmt::format("/api/2.0/sql/statements/{}", id), "",
                              fmt::format("get statement {}", id), true));
  return ParseStatementResponse(body);
}

Status StatementClient::Cancel(std::string_view id) const {
  ASSIGN_OR_RETURN(std::string body,
                   rest_.Call("POST", fmt::format("/api/2.0/sql/statements/{}/cancel", id), "{}",
                              fmt::format("cancel statement {}", id), true));
  (void)body;
  return OkStatus();
}

Result<ResultChunk> StatementClient::GetChunk(std::string_view id, int64_t index) const {
  ASSIGN_OR_RETURN(
      std::string body,
      rest_.Call("GET", fmt::format("/api/2.0/sql/statements/{}/result/chunks/{}", id, index), "",
                 fmt::format("get chunk {} of statement {}", index, id), true));
  return ParseResultChunk(body);
}

Result<StatementResponse> StatementClient::Wait(std::string_view id,
                                                const PollOptions& poll) const {
  const TimePoint deadline = rest_.clock().Now() + poll.timeout;
  for (int n = 0;; ++n) {
    if (poll.cancelled && poll.cancelled()) {
      (void)Cancel(id);
      return Error(ErrorCode::kCancelled,
                   fmt::format("Databricks statement {} was cancelled by the caller", id));
    }
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - rest_.clock().Now());
    if (left.count() <= 0) {
      if (poll.cancel_on_timeout) (void)Cancel(id);
      return Error(ErrorCode::kTimeout,
                   fmt::format("Databricks statement {} did not finish within {} s{}; raise the "
                               "timeout or use a larger warehouse",
                               id, poll.timeout.count() / 1000,
                               poll.cancel_on_timeout ? " and was canceled" : ""));
    }
    rest_.clock().SleepFor(std::min(PollDelay(poll, n), left));
    ASSIGN_OR_RETURN(StatementResponse r, Get(id));
    if (r.state == StatementState::kSucceeded) return r;
    if (IsTerminal(r.state)) return StatementFailure(r);
  }
}

Status StatementClient::ForEachChunk(const StatementResponse& r,
                                     const std::function<Status(ResultChunk&)>& on_chunk) const {
  if (r.state != StatementState::kSucceeded) return StatementFailure(r);
  std::optional<int64_t> next;
  if (r.result) {
    ResultChunk first = *r.result;
    next = first.next_chunk_index;
    RETURN_IF_ERROR(on_chunk(first));
  } else if (r.manifest && r.manifest->total_chunk_count > 0) {
    next = 0;
  }
  int64_t total = r.manifest ? r.manifest->total_chunk_count : 0;
  while (next) {
    if (*next < 0 || (total > 0 && *next >= total)) {
      return Error(ErrorCode::kInternal,
                   fmt::format("Databricks statement {}: chunk index {} is outside 0..{}",
                               r.statement_id, *next, total - 1));
    }
    ASSIGN_OR_RETURN(ResultChunk chunk, GetChunk(r.statement_id, *next));
    auto following = chunk.next_chunk_index;
    if (following && *following <= *next) {
      return Error(ErrorCode::kInternal, "Databricks returned a chunk index that does not advance");
    }
    RETURN_IF_ERROR(on_chunk(chunk));
    next = following;
  }
  return OkStatus();
}

Result<StatementResult> StatementClient::Execute(const StatementRequest& request,
                                                 const PollOptions& poll) const {
  ASSIGN_OR_RETURN(StatementResponse r, Submit(request));
  if (!IsTerminal(r.state)) {
    ASSIGN_OR_RETURN(r, Wait(r.statement_id, poll));
  } else if (r.state != StatementState::kSucceeded) {
    return StatementFailure(r);
  }
  StatementResult out;
  if (r.manifest) {
    out.columns = r.manifest->columns;
    out.truncated = r.manifest->truncated;
  }
  RETURN_IF_ERROR(ForEachChunk(r, [&](ResultChunk& chunk) -> Status {
    for (auto& row : chunk.rows) out.rows.push_back(std::move(row));
    return OkStatus();
  }));
  return out;
}

}  // namespace crossdock::databricks
