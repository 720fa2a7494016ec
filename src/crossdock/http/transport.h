// HttpTransport: the small interface every network call in crossdock goes through.
//
// A request is a method, an absolute URL (already percent-encoded, exactly as it will be sent
// and signed), ordered headers and a body that is either held in memory or streamed from a
// BodySource. A response body is either collected in memory or streamed into a BodySink, so
// multi-gigabyte transfers use bounded memory. Transports do not retry, sign or interpret
// status codes: a 4xx/5xx is a successful HttpResponse; only failures to exchange a message
// (DNS, connect, reset, timeout, a sink that refused data) are Errors (kTransport/kTimeout).
// Implementations must be safe to call from several threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crossdock/core/result.h"

namespace crossdock::http {

class OutboundPolicy;

using Header = std::pair<std::string, std::string>;
using Headers = std::vector<Header>;

// Case-insensitive lookup of the first header with this name.
std::optional<std::string> FindHeader(const Headers& headers, std::string_view name);
// Replaces every header with this name (case-insensitive) by one with the given value.
void SetHeader(Headers& headers, std::string_view name, std::string value);

// Supplies request body bytes: fills up to `size` bytes into `buf`, returns how many
// (0 = end). Must be rewindable for retries: Rewind() restarts from the first byte.
class BodySource {
 public:
  virtual ~BodySource() = default;
  virtual Result<size_t> Read(char* buf, size_t size) = 0;
  virtual Status Rewind() = 0;
  virtual uint64_t Size() const = 0;
};

// Receives response body bytes in order. An error aborts the transfer.
using BodySink = std::function<Status(std::string_view chunk)>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute, e.g. http://127.0.0.1:7480/bucket/key?uploads
  Headers headers;
  std::string body;                         // used when body_source is null
  std::shared_ptr<BodySource> body_source;  // streamed body; its Size() is Content-Length
  // When set, the transport connects only to addresses this policy allows, checked on the
  // address actually connected to (after DNS), on a fresh connection: for targets a tenant
  // chose (outbound_policy.h).
  std::shared_ptr<const OutboundPolicy> outbound;
};

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;  // empty when the body was streamed into a sink

  std::optional<std::string> Header(std::string_view name) const {
    return FindHeader(headers, name);
  }
};

struct TransportOptions {
  long connect_timeout_ms = 5000;  // TCP/TLS connect
  // A transfer slower than low_speed_bytes per second for low_speed_time_s is a stall
  // (kTimeout); total time is unbounded so large objects are never cut off.
  long low_speed_bytes = 1;
  long low_speed_time_s = 30;
  bool verify_tls = true;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends the request. If sink is set, the response body is streamed into it for 2xx
  // responses (error bodies are always collected in HttpResponse::body, they are small).
  virtual Result<HttpResponse> Send(const HttpRequest& request, const BodySink* sink = nullptr) = 0;
};

}  // namespace crossdock::http
