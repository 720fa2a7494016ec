// AwsClient: sends one AWS API request the way the AWS SDKs' "standard" retry mode does.
//
// For each attempt it takes credentials from the provider, signs with SigV4 at the clock's
// time corrected by the measured clock skew, sends through the HttpTransport, and turns a
// non-2xx answer (or a 200 whose body is an error, where the operation says so) into a typed
// Error via the error table. Retryable errors (see Error::retryable) are retried with capped
// exponential backoff and full jitter; RequestTimeTooSkewed updates the skew from the
// server's Date header before the retry; ExpiredToken invalidates the provider's cache once.
// Streamed request bodies are rewound between attempts. A streamed response body is retried
// only if nothing has been delivered to the sink yet (callers resume ranged reads
// themselves). Thread-safe; one instance is shared by all requests to a service endpoint.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "crossdock/aws/credentials/provider.h"
#include "crossdock/aws/sigv4/signer.h"
#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"
#include "crossdock/http/transport.h"

namespace crossdock::aws {

struct RetryOptions {
  int max_attempts = 5;                          // total attempts, including the first
  std::chrono::milliseconds base_delay{100};     // first backoff upper bound
  std::chrono::milliseconds max_backoff{20000};  // cap for one backoff (AWS: 20 s)
  // Returns a uniformly distributed number in [0, 1); injectable for tests.
  std::function<double()> jitter;
};

struct AwsRequest {
  http::HttpRequest http;                // URL, method, headers, body; unsigned
  sigv4::SigningConfig signing;          // region, service, s3 rules, payload options (time is set
                                         // by the client at each attempt)
  std::string operation;                 // e.g. "PutObject s3://bucket/key", for error messages
  bool error_may_come_with_200 = false;  // CompleteMultipartUpload, CopyObject, UploadPartCopy
};

class AwsClient {
 public:
  AwsClient(std::shared_ptr<http::HttpTransport> transport, CredentialsProviderPtr credentials,
            Clock& clock, RetryOptions retry = {});

  // Sends with signing and retries. Returns the final 2xx response, or the typed Error of the
  // last attempt with the operation named.
  Result<http::HttpResponse> Send(const AwsRequest& request, const http::BodySink* sink = nullptr);

  // Seconds the server's clock is ahead of ours, as learned from RequestTimeTooSkewed.
  std::chrono::seconds clock_skew() const { return std::chrono::seconds(skew_seconds_.load()); }
  const CredentialsProviderPtr& credentials() const { return credentials_; }
  Clock& clock() const { return clock_; }
  // Attempts sent so far (first tries and retries), for metrics and tests.
  uint64_t attempts_total() const { return attempts_total_.load(); }

 private:
  // The backoff before retry number `attempt` (1-based): full jitter under a capped
  // exponential ceiling.
  std::chrono::milliseconds Backoff(int attempt) const;

  std::shared_ptr<http::HttpTransport> transport_;
  CredentialsProviderPtr credentials_;
  Clock& clock_;
  RetryOptions retry_;
  std::atomic<int64_t> skew_seconds_{0};
  std::atomic<uint64_t> attempts_total_{0};
};

}  // namespace crossdock::aws
