#include "crossdock/aws/sts/sts_errors.h"

#include <fmt/format.h>

#include "crossdock/aws/errors.h"
#include "crossdock/aws/sts/assume_role_request.h"

namespace crossdock::aws::sts {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '.' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// The text between `from` and `to` (or the end), trimmed.
std::optional<std::string> Between(std::string_view text, std::string_view from,
                                   std::string_view to) {
  size_t a = text.find(from);
  if (a == std::string_view::npos) return std::nullopt;
  a += from.size();
  size_t b = to.empty() ? std::string_view::npos : text.find(to, a);
  return std::string(Trim(text.substr(a, b == std::string_view::npos ? text.size() - a : b - a)));
}

// AWS's own message, stripped of the "<operation>: " prefix MakeAwsError added; "" when the
// message is only the error table's explanation (the server sent none, as RGW does).
std::string AwsMessage(const Error& error) {
  std::string_view m = error.message();
  if (auto p = m.find("AssumeRole "); p == 0) {
    if (auto colon = m.find(": "); colon != std::string_view::npos) m.remove_prefix(colon + 2);
  }
  m = Trim(m);
  std::string_view explanation = AwsErrorExplanation(error.aws_code());
  if (m == Trim(explanation)) return {};
  return std::string(m);
}

}  // namespace

StsErrorKind ClassifyStsError(const Error& error) {
  const std::string& c = error.aws_code();
  if (c == "AccessDenied" || c == "AccessDeniedException") return StsErrorKind::kAccessDenied;
  if (c == "NoSuchEntity") return StsErrorKind::kNoSuchEntity;
  if (c == "ExpiredToken" || c == "ExpiredTokenException") return StsErrorKind::kExpiredToken;
  if (c == "InvalidClientTokenId" || c == "InvalidAccessKeyId") {
    return StsErrorKind::kInvalidClientTokenId;
  }
  if (c == "SignatureDoesNotMatch") return StsErrorKind::kSignatureMismatch;
  if (c == "RegionDisabledException") return StsErrorKind::kRegionDisabled;
  if (c == "ValidationError" || c == "InvalidArgument" || c == "InvalidParameterValue" ||
      c == "MalformedPolicyDocument" || c == "PackedPolicyTooLarge") {
    return StsErrorKind::kValidation;
  }
  return StsErrorKind::kOther;
}

const char* StsErrorKindName(StsErrorKind kind) {
  switch (kind) {
    case StsErrorKind::kAccessDenied:
      return "access_denied";
    case StsErrorKind::kNoSuchEntity:
      return "no_such_entity";
    case StsErrorKind::kExpiredToken:
      return "expired_token";
    case StsErrorKind::kInvalidClientTokenId:
      return "invalid_client_token_id";
    case StsErrorKind::kSignatureMismatch:
      return "signature_mismatch";
    case StsErrorKind::kRegionDisabled:
      return "region_disabled";
    case StsErrorKind::kValidation:
      return "validation";
    case StsErrorKind::kOther:
      return "other";
  }
  return "other";
}

std::optional<AccessDeniedDetails> ParseAccessDeniedMessage(std::string_view message) {
  // "User: arn:aws:iam::123456789012:user/x is not authorized to perform: sts:AssumeRole on
  //  resource: arn:aws:iam::111122223333:role/y"
  auto principal = Between(message, "User: ", " is not authorized to perform: ");
  if (!principal || principal->empty()) return std::nullopt;
  AccessDeniedDetails d;
  d.principal = *principal;
  d.action = Between(message, "is not authorized to perform: ", " on resource: ").value_or("");
  if (auto on = d.action.find(' '); on != std::string::npos) d.action.resize(on);
  d.resource = Between(message, " on resource: ", "").value_or("");
  if (auto space = d.resource.find(' '); space != std::string::npos) d.resource.resize(space);
  return d;
}

Error DescribeAssumeRoleError(const Error& error, const AssumeRoleErrorContext& ctx) {
  std::string operation = fmt::format("AssumeRole {}", ctx.role_arn);
  std::string aws_message = AwsMessage(error);
  std::string caller = ctx.caller.empty() ? std::string("the caller") : ctx.caller;
  std::string text;
  switch (ClassifyStsError(error)) {
    case StsErrorKind::kAccessDenied: {
      std::string principal = caller;
      std::string role = ctx.role_arn;
      if (auto d = ParseAccessDeniedMessage(aws_message)) {
        principal = d->principal;
        if (!d->resource.empty()) role = d->resource;
      }
      text = fmt::format(
          "{} is not allowed to assume role {}{}. Fix: the role's trust policy must name this "
          "principal (or its account) in Principal with Action sts:AssumeRole{}; also check "
          "that the role exists in that account",
          principal, role, aws_message.empty() ? "" : " (AWS: " + aws_message + ")",
          ctx.external_id_sent
              ? ", and the External ID sent must equal its sts:ExternalId condition"
              : "; no External ID was sent, so a trust policy that requires sts:ExternalId "
                "denies it");
      break;
    }
    case StsErrorKind::kNoSuchEntity:
      text = fmt::format(
          "role {} does not exist{}. Fix: check the account id and role name in the ARN, or "
          "create the role",
          ctx.role_arn, aws_message.empty() ? "" : " (AWS: " + aws_message + ")");
      break;
    case StsErrorKind::kExpiredToken:
      text = fmt::format(
          "the session credentials of {} used to call STS have expired{}. Fix: refresh the "
          "source credentials (a new session or long-term keys)",
          caller, aws_message.empty() ? "" : " (AWS: " + aws_message + ")");
      break;
    case StsErrorKind::kInvalidClientTokenId:
      text = fmt::format(
          "STS does not know the access key of {}{}. Fix: check the access key id, that it is "
          "active, and that it belongs to this partition and endpoint",
          caller, aws_message.empty() ? "" : " (AWS: " + aws_message + ")");
      break;
    case StsErrorKind::kSignatureMismatch:
      text = fmt::format(
          "STS rejected the signature of {}{}. Fix: check the secret access key that goes with "
          "this access key id",
          caller, aws_message.empty() ? "" : " (AWS: " + aws_message + ")");
      break;
    case StsErrorKind::kRegionDisabled:
      text = fmt::format(
          "STS is not activated in region {} for the role's account{}. Fix: activate the "
          "region in IAM > Account settings > Security Token Service, or use another region",
          ctx.region.empty() ? "(unknown)" : ctx.region,
          aws_message.empty() ? "" : " (AWS: " + aws_message + ")");
      break;
    case StsErrorKind::kValidation:
      if (IsDurationTooLong(error, ctx.duration_seconds)) {
        text = fmt::format(
            "the requested session duration of {} s is longer than the role allows{}. Fix: "
            "lower duration_seconds to the role's MaxSessionDuration (1 hour for chained roles)",
            ctx.duration_seconds.value_or(0),
            aws_message.empty() ? "" : " (AWS: " + aws_message + ")");
      } else {
        text = fmt::format(
            "STS rejected the request: {}",
            aws_message.empty() ? "a parameter is invalid (no detail given)" : aws_message);
      }
      break;
    case StsErrorKind::kOther:
      return Error(error);
  }
  std::string field = error.field();
  if (ClassifyStsError(error) == StsErrorKind::kValidation &&
      IsDurationTooLong(error, ctx.duration_seconds)) {
    field = "duration_seconds";  // lets IsDurationTooLong recognise the rewritten error
  }
  Error out(error.code(), operation + ": " + text, field);
  out.WithAws(error.aws_code(), error.http_status(), error.request_id());
  return out;
}

bool IsDurationTooLong(const Error& error, std::optional<int> requested) {
  if (ClassifyStsError(error) != StsErrorKind::kValidation) return false;
  if (error.field() == "duration_seconds") return true;  // already described as such
  std::string m = AwsMessage(error);
  if (m.find("DurationSeconds") != std::string::npos ||
      m.find("MaxSessionDuration") != std::string::npos ||
      m.find("role chaining") != std::string::npos) {
    return true;
  }
  // Ceph RGW: InvalidArgument without a message.
  return m.empty() && error.aws_code() == "InvalidArgument" && requested &&
         *requested > kChainedMaxDurationSeconds;
}

}  // namespace crossdock::aws::sts
