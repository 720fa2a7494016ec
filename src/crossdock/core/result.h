// Result<T> and Error: how every crossdock module reports failure without exceptions.
//
// An Error carries a portable ErrorCode, a human message that names the field or resource
// and the fix, an optional field name (for input validation), and for errors that came from
// AWS the AWS error code, HTTP status and request id. Whether an error is worth retrying is
// decided in one place, Error::retryable(), from the code. Result<T> holds either a value or
// an Error (std::expected is not available in g++ 12). Exceptions thrown by libraries are
// caught at module edges and turned into Errors; they never cross module boundaries.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace crossdock {

// Portable error categories. Retrying helps only where noted.
enum class ErrorCode {
  kInvalidArgument,     // The caller's input is wrong; the message names the field. No retry.
  kNotFound,            // The named resource does not exist (bucket, key, role). No retry.
  kAlreadyExists,       // Creating something that exists. No retry.
  kFailedPrecondition,  // State does not allow the operation (e.g. wrong region). No retry.
  kAccessDenied,        // Authenticated but not authorized (IAM, trust policy). No retry.
  kUnauthenticated,     // Credentials missing, invalid or expired. Retry after refresh only.
  kExpiredToken,        // Session credentials expired. Retry after refreshing credentials.
  kThrottled,           // SlowDown, Throttling, TooManyRequests. Retry with backoff.
  kUnavailable,         // 5xx or service temporarily unable. Retry with backoff.
  kClockSkew,           // RequestTimeTooSkewed and kin. Retry after correcting the clock offset.
  kTransport,           // Connection reset, DNS, TLS, short read. Retry with backoff.
  kTimeout,             // A deadline passed. Retry with backoff.
  kCancelled,           // The caller cancelled. No retry.
  kDataLoss,            // Checksum mismatch, truncated body. Retry.
  kInternal,            // A bug or an impossible state. No retry.
};

// Stable lower-case name, e.g. "invalid_argument"; used in JSON output and logs.
const char* ErrorCodeName(ErrorCode code);

class Error {
 public:
  Error() = default;
  Error(ErrorCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& field() const { return field_; }
  const std::string& aws_code() const { return aws_code_; }
  int http_status() const { return http_status_; }
  const std::string& request_id() const { return request_id_; }

  Error& WithAws(std::string aws_code, int http_status, std::string request_id) & {
    aws_code_ = std::move(aws_code);
    http_status_ = http_status;
    request_id_ = std::move(request_id);
    return *this;
  }
  Error&& WithAws(std::string aws_code, int http_status, std::string request_id) && {
    return std::move(WithAws(std::move(aws_code), http_status, std::move(request_id)));
  }
  // Prefixes context, e.g. "PutObject s3://bucket/key: " + message.
  Error&& WithContext(const std::string& context) && {
    message_ = context + ": " + message_;
    return std::move(*this);
  }

  // True when retrying the same request (after backoff, refresh or clock correction) may
  // succeed. The single source of truth for retry decisions.
  bool retryable() const;

  // "access_denied: <message> (AWS AccessDenied, HTTP 403, request id X)".
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kInternal;
  std::string message_;
  std::string field_;
  std::string aws_code_;
  int http_status_ = 0;
  std::string request_id_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;
inline Status OkStatus() { return Status(); }

}  // namespace crossdock

#define CROSSDOCK_CONCAT_INNER(a, b) a##b
#define CROSSDOCK_CONCAT(a, b) CROSSDOCK_CONCAT_INNER(a, b)

// Returns the error of a Result/Status expression from the enclosing function.
#define RETURN_IF_ERROR(expr)                                      \
  do {                                                             \
    auto&& crossdock_status_ = (expr);                             \
    if (!crossdock_status_.ok()) return crossdock_status_.error(); \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, Foo());` declares x from Foo()'s value or returns its error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(CROSSDOCK_CONCAT(crossdock_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)   \
  auto tmp = (expr);                            \
  if (!tmp.ok()) return std::move(tmp).error(); \
  lhs = std::move(tmp).value()
