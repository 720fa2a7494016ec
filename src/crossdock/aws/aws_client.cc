#include "crossdock/aws/aws_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "crossdock/aws/errors.h"
#include "crossdock/core/hex.h"
#include "crossdock/core/time_format.h"
#include "crossdock/crypto/sha256.h"
#include "crossdock/http/curl_transport.h"

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

// Hex SHA-256 of the request body, as the signer would compute it.
Result<std::string> PayloadSha256Hex(const http::HttpRequest& request) {
  if (!request.body_source) return crypto::Sha256Hex(request.body);
  RETURN_IF_ERROR(request.body_source->Rewind());
  crypto::Sha256Hasher hasher;
  std::string buf(64 * 1024, '\0');
  for (;;) {
    ASSIGN_OR_RETURN(size_t n, request.body_source->Read(buf.data(), buf.size()));
    if (n == 0) break;
    hasher.Update(std::string_view(buf.data(), n));
  }
  RETURN_IF_ERROR(request.body_source->Rewind());
  return HexEncode(hasher.Final());
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
  // The body is the same for every attempt: hash it once (a streamed body would otherwise be
  // read in full per attempt) and send the in-memory body through a non-owning source rather
  // than copying it into each attempt's request.
  sigv4::SigningConfig base_signing = request.signing;
  if (base_signing.payload_hash.empty() && !base_signing.unsigned_payload &&
      (base_signing.s3_rules || !http::FindHeader(request.http.headers, "x-amz-content-sha256"))) {
    auto hash = PayloadSha256Hex(request.http);
    if (!hash.ok()) return Error(hash.error()).WithContext(request.operation);
    base_signing.payload_hash = std::move(hash).value();
  }
  std::shared_ptr<const std::string> shared_body;
  if (!request.http.body_source && !request.http.body.empty()) {
    shared_body = std::shared_ptr<const std::string>(std::shared_ptr<void>(), &request.http.body);
  }
  for (int attempt = 1; attempt <= retry_.max_attempts; ++attempt) {
    if (attempt > 1) clock_.SleepFor(Backoff(attempt - 1));
    attempts_total_.fetch_add(1, std::memory_order_relaxed);

    auto creds = credentials_->GetCredentials();
    if (!creds.ok()) {
      last = Error(creds.error()).WithContext(request.operation);
      if (last.retryable()) continue;
      return last;
    }

    http::HttpRequest http;
    http.method = request.http.method;
    http.url = request.http.url;
    http.headers = request.http.headers;
    http.body_source = shared_body ? std::make_shared<http::StringBodySource>(shared_body)
                                   : request.http.body_source;
    sigv4::SigningConfig signing = base_signing;
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
