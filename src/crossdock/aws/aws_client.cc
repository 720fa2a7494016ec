#include "crossdock/aws/aws_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "crossdock/aws/errors.h"
#include "crossdock/core/time_format.h"

namespace crossdock::aws {
namespace {

double DefaultJitter() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

// The server's idea of "now", from the Date header or S3's <ServerTime>.
std::optional<TimePoint> ServerTime(const http::HttpResponse& response) {
  if (auto body = ParseAwsErrorBody(response.body); body && !body->server_time.empty()) {
    if (auto t = ParseIso8601(body->server_time); t.ok()) return *t;
  }
  if (auto date = response.Header("Date")) {
    if (auto t = ParseRfc1123(*date); t.ok()) return *t;
  }
  return std::nullopt;
}

}  // namespace

AwsClient::AwsClient(std::shared_ptr<http::HttpTransport> transport,
                     CredentialsProviderPtr credentials, Clock& clock, RetryOptions retry)
    : transport_(std::move(transport)),
      credentials_(std::move(credentials)),
      clock_(clock),
      retry_(std::move(retry)) {
  if (!retry_.jitter) retry_.jitter = DefaultJitter;
  if (retry_.max_attempts < 1) retry_.max_attempts = 1;
}

std::chrono::milliseconds AwsClient::Backoff(int attempt) const {
  // Full jitter: uniform in [0, min(cap, base * 2^(attempt-1))).
  double ceiling = static_cast<double>(retry_.base_delay.count()) *
                   static_cast<double>(uint64_t{1} << std::min(attempt - 1, 20));
  ceiling = std::min(ceiling, static_cast<double>(retry_.max_backoff.count()));
  return std::chrono::milliseconds(static_cast<int64_t>(retry_.jitter() * ceiling));
}

Result<http::HttpResponse> AwsClient::Send(const AwsRequest& request, const http::BodySink* sink) {
  bool invalidated = false;
  Error last;
  for (int attempt = 1; attempt <= retry_.max_attempts; ++attempt) {
    if (attempt > 1) clock_.SleepFor(Backoff(attempt - 1));
    attempts_total_.fetch_add(1, std::memory_order_relaxed);

    auto creds = credentials_->GetCredentials();
    if (!creds.ok()) {
      last = Error(creds.error()).WithContext(request.operation);
      if (last.retryable()) continue;
      return last;
    }

    http::HttpRequest http = request.http;
    sigv4::SigningConfig signing = request.signing;
    signing.time = clock_.Now() + std::chrono::seconds(skew_seconds_.load());
    auto signed_ok = sigv4::SignRequest(http, *creds, signing);
    if (!signed_ok.ok()) return Error(signed_ok.error()).WithContext(request.operation);

    uint64_t delivered = 0;
    http::BodySink counting;
    if (sink != nullptr) {
      counting = [&](std::string_view chunk) {
        delivered += chunk.size();
        return (*sink)(chunk);
      };
    }
    auto response = transport_->Send(http, sink != nullptr ? &counting : nullptr);
    if (!response.ok()) {
      last = Error(response.error()).WithContext(request.operation);
      // Bytes already handed to the sink cannot be taken back: the caller resumes.
      if (delivered > 0 || !last.retryable()) return last;
      continue;
    }

    int status = response->status;
    bool is_success = status >= 200 && status < 300;
    if (is_success && request.error_may_come_with_200) {
      // CompleteMultipartUpload and copies may fail after sending 200 OK.
      if (auto body = ParseAwsErrorBody(response->body); body && !body->code.empty()) {
        is_success = false;
      }
    }
    if (is_success) return std::move(response).value();

    last = MakeAwsError(*response, request.operation);
    if (last.code() == ErrorCode::kClockSkew) {
      if (auto server = ServerTime(*response)) {
        auto skew = std::chrono::duration_cast<std::chrono::seconds>(*server - clock_.Now());
        skew_seconds_.store(skew.count());
      }
    }
    if (last.code() == ErrorCode::kExpiredToken) {
      if (invalidated) return last;
      credentials_->Invalidate();
      invalidated = true;
    }
    if (!last.retryable()) return last;
  }
  return last;
}

}  // namespace crossdock::aws
