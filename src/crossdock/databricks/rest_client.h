// RestClient: one authenticated call to a Databricks workspace's REST API (a bearer token in
// the Authorization header, JSON bodies), with retries of throttling (429), unavailability
// (5xx) and, for calls that are safe to repeat, transport failures, after 1x, 2x, 4x...
// the base delay on the given clock. Non-2xx answers become typed Errors (ApiError).
//
// Shared by the statement and Unity Catalog clients. The token never appears in an Error or
// in Describe(). Thread-safe when the transport is.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"
#include "crossdock/http/transport.h"

namespace crossdock::databricks {

class RestClient {
 public:
  // kInvalidArgument naming "host" (not http(s)://...) or "token".
  static Result<RestClient> Create(
      std::shared_ptr<http::HttpTransport> transport, Clock& clock, std::string host,
      std::string token, int max_attempts = 4,
      std::chrono::milliseconds retry_base = std::chrono::milliseconds(200));

  // The 2xx body, or the typed Error. `operation` names the call in messages.
  Result<std::string> Call(const std::string& method, const std::string& path, std::string body,
                           const std::string& operation, bool retry_transport) const;

  const std::string& host() const { return host_; }
  Clock& clock() const { return clock_; }

 private:
  RestClient(std::shared_ptr<http::HttpTransport> transport, Clock& clock, std::string host,
             std::string token, int max_attempts, std::chrono::milliseconds retry_base)
      : transport_(std::move(transport)),
        clock_(clock),
        host_(std::move(host)),
        token_(std::move(token)),
        max_attempts_(max_attempts),
        retry_base_(retry_base) {}

  std::shared_ptr<http::HttpTransport> transport_;
  Clock& clock_;
  std::string host_;
  std::string token_;
  int max_attempts_;
  std::chrono::milliseconds retry_base_;
};

}  // namespace crossdock::databricks
