// CurlTransport: the HttpTransport that really talks to the network, over libcurl.
//
// Easy handles are pooled and reused so that connections (and TLS sessions) stay open
// across requests, which is what makes many small S3 requests cheap. Request bodies are
// sent with a read callback (from memory or a BodySource) and never fully copied; response
// bodies go to the caller's sink for 2xx answers and into memory otherwise. Curl's own
// "Expect: 100-continue" and "Accept" headers are suppressed so that what is sent is what
// was signed. It does not retry, follow redirects, sign or interpret status codes; that is
// AwsClient's job. Thread-safe: each Send uses its own easy handle.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "crossdock/http/transport.h"

namespace crossdock::http {

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(TransportOptions options = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  Result<HttpResponse> Send(const HttpRequest& request, const BodySink* sink = nullptr) override;

 private:
  void* Acquire();
  void Release(void* handle);

  TransportOptions options_;
  std::mutex mu_;
  std::vector<void*> idle_;  // CURL* easy handles ready for reuse
};

// A BodySource over a string held in memory (shared, not copied per attempt).
class StringBodySource final : public BodySource {
 public:
  explicit StringBodySource(std::shared_ptr<const std::string> data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t size) override;
  Status Rewind() override {
    pos_ = 0;
    return OkStatus();
  }
  uint64_t Size() const override { return data_->size(); }

 private:
  std::shared_ptr<const std::string> data_;
  size_t pos_ = 0;
};

}  // namespace crossdock::http
