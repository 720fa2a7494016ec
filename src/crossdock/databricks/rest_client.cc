#include "crossdock/databricks/rest_client.h"

#include <fmt/format.h>

#include <algorithm>

#include "crossdock/databricks/statement_json.h"

namespace crossdock::databricks {

Result<RestClient> RestClient::Create(std::shared_ptr<http::HttpTransport> transport, Clock& clock,
                                      std::string host, std::string token, int max_attempts,
                                      std::chrono::milliseconds retry_base) {
  while (!host.empty() && host.back() == '/') host.pop_back();
  if (host.rfind("https://", 0) != 0 && host.rfind("http://", 0) != 0) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("Databricks host '{}' must be the workspace URL, e.g. "
                             "https://dbc-1234.cloud.databricks.com",
                             host),
                 "host");
  }
  if (token.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "no Databricks access token: create a personal access token (User Settings > "
                 "Developer) or a service principal token",
                 "token");
  }
  return RestClient(std::move(transport), clock, std::move(host), std::move(token),
                    std::max(1, max_attempts), retry_base);
}

Result<std::string> RestClient::Call(const std::string& method, const std::string& path,
                                     std::string body, const std::string& operation,
                                     bool retry_transport) const {
  http::HttpRequest request;
  request.method = method;
  request.url = host_ + path;
  request.headers.emplace_back("Authorization", "Bearer " + token_);
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  request.body = std::move(body);
  Error last;
  for (int attempt = 1; attempt <= max_attempts_; ++attempt) {
    if (attempt > 1) clock_.SleepFor(retry_base_ * (1 << std::min(attempt - 2, 10)));
    auto response = transport_->Send(request);
    if (!response.ok()) {
      last = Error(response.error().code(), fmt::format("Databricks {} at {}: {}", operation, host_,
                                                        response.error().message()));
      if (retry_transport && last.retryable()) continue;
      return last;
    }
    if (response->status / 100 == 2) return std::move(response->body);
    last = ApiError(response->status, response->body, operation);
    if (!last.retryable()) return last;
  }
  return last;
}

}  // namespace crossdock::databricks
