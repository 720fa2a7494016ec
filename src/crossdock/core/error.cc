#include <fmt/format.h>

#include "crossdock/core/result.h"

namespace crossdock {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kAlreadyExists:
      return "already_exists";
    case ErrorCode::kFailedPrecondition:
      return "failed_precondition";
    case ErrorCode::kAccessDenied:
      return "access_denied";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kExpiredToken:
      return "expired_token";
    case ErrorCode::kThrottled:
      return "throttled";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kClockSkew:
      return "clock_skew";
    case ErrorCode::kTransport:
      return "transport";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kDataLoss:
      return "data_loss";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

bool Error::retryable() const {
  switch (code_) {
    case ErrorCode::kThrottled:
    case ErrorCode::kUnavailable:
    case ErrorCode::kClockSkew:
    case ErrorCode::kTransport:
    case ErrorCode::kTimeout:
    case ErrorCode::kDataLoss:
    case ErrorCode::kExpiredToken:
      return true;
    default:
      return false;
  }
}

std::string Error::ToString() const {
  std::string out = fmt::format("{}: {}", ErrorCodeName(code_), message_);
  if (!aws_code_.empty() || http_status_ != 0) {
    out += fmt::format(" (AWS {}, HTTP {}", aws_code_.empty() ? "-" : aws_code_, http_status_);
    if (!request_id_.empty()) out += ", request id " + request_id_;
    out += ")";
  }
  return out;
}

}  // namespace crossdock
