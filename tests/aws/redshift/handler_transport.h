// An HttpTransport that answers with a test's handler function and records every request:
// for the Data API answers a live peer cannot be made to give on cue (a statement that stays
// STARTED past a deadline, ActiveStatementsExceededException). Signing, AwsClient retries and
// the Redshift clients above it are the real code.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "crossdock/http/transport.h"

namespace crossdock::testing {

class HandlerTransport final : public http::HttpTransport {
 public:
  using Handler = std::function<http::HttpResponse(const http::HttpRequest&)>;
  explicit HandlerTransport(Handler handler) : handler_(std::move(handler)) {}

  Result<http::HttpResponse> Send(const http::HttpRequest& request,
                                  const http::BodySink* sink) override {
    http::HttpRequest copy = request;
    if (request.body_source) {  // AwsClient may stream even in-memory bodies
      copy.body.clear();
      (void)request.body_source->Rewind();
      char buf[4096];
      for (;;) {
        auto n = request.body_source->Read(buf, sizeof buf);
        if (!n.ok() || *n == 0) break;
        copy.body.append(buf, *n);
      }
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(copy);
    }
    http::HttpResponse response = handler_(copy);
    if (sink != nullptr && response.status / 100 == 2) {
      auto st = (*sink)(response.body);
      if (!st.ok()) return st.error();
      response.body.clear();
    }
    return response;
  }

  std::vector<http::HttpRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  Handler handler_;
  mutable std::mutex mu_;
  std::vector<http::HttpRequest> requests_;
};

inline http::HttpResponse JsonAnswer(int status, std::string body) {
  http::HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
  r.body = std::move(body);
  return r;
}

}  // namespace crossdock::testing
