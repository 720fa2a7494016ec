// ScriptedTransport: an HttpTransport for unit tests that answers from a handler instead of
// the network, for the failures a real server will not produce on demand (SlowDown, a 200
// whose body is an error, RequestTimeTooSkewed, a body cut off mid-way). It reads request
// bodies exactly as curl would (rewinding the BodySource first) and records every request.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "crossdock/http/transport.h"

namespace crossdock::aws::s3::testing {

struct Seen {
  std::string method;
  std::string url;
  http::Headers headers;
  std::string body;
};

class ScriptedTransport final : public http::HttpTransport {
 public:
  using Handler = std::function<Result<http::HttpResponse>(const Seen&, const http::BodySink*)>;
  explicit ScriptedTransport(Handler handler) : handler_(std::move(handler)) {}

  Result<http::HttpResponse> Send(const http::HttpRequest& request,
                                  const http::BodySink* sink) override {
    Seen seen{request.method, request.url, request.headers, request.body};
    if (request.body_source) {
      RETURN_IF_ERROR(request.body_source->Rewind());
      std::string buf(64 * 1024, '\0');
      seen.body.clear();
      for (;;) {
        auto n = request.body_source->Read(buf.data(), buf.size());
        if (!n.ok()) return n.error();
        if (*n == 0) break;
        seen.body.append(buf.data(), *n);
      }
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      seen_.push_back(seen);
    }
    return handler_(seen, sink);
  }

  std::vector<Seen> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  size_t Count(std::string_view method, std::string_view url_part) {
    size_t n = 0;
    for (const auto& s : seen()) {
      if (s.method == method && s.url.find(url_part) != std::string::npos) ++n;
    }
    return n;
  }

 private:
  Handler handler_;
  std::mutex mu_;
  std::vector<Seen> seen_;
};

inline http::HttpResponse Reply(int status, std::string body = {}, http::Headers headers = {}) {
  http::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

// Canned S3 failure bodies (data, as the S3 error reference shows them).
inline constexpr const char* kSlowDown =
    "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>"
    "<RequestId>SLOW1</RequestId></Error>";
inline constexpr const char* kInternalErrorIn200 =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code><Message>We "
    "encountered an internal error. Please try again.</Message><RequestId>R200</RequestId>"
    "</Error>";
inline constexpr const char* kAccessDenied =
    "<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>DENY1"
    "</RequestId></Error>";

}  // namespace crossdock::aws::s3::testing
