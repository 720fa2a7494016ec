#include "crossdock/aws/sts/assume_role_request.h"

#include <fmt/format.h>

namespace crossdock::aws::sts {
namespace {

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// True when every character of `s` is a \w character or one of `extra`.
bool InAlphabet(std::string_view s, std::string_view extra) {
  for (char c : s) {
    if (!IsWordChar(c) && extra.find(c) == std::string_view::npos) return false;
  }
  return true;
}

Status CheckToken(std::string_view value, std::string_view field, std::string_view aws_name,
                  size_t min_len, size_t max_len, std::string_view extra) {
  if (value.size() < min_len || value.size() > max_len) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("{} must be {} to {} characters long (got {})", aws_name, min_len,
                             max_len, value.size()),
                 std::string(field));
  }
  if (!InAlphabet(value, extra)) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("{} may contain only letters, digits, '_' and any of \"{}\"; "
                             "replace the other characters",
                             aws_name, extra),
                 std::string(field));
  }
  return OkStatus();
}

// arn:PARTITION:iam::ACCOUNT:role/[path/]name, with a 12-digit account.
Status CheckRoleArn(std::string_view arn) {
  auto fail = [&](std::string_view why) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("RoleArn '{}' is not an IAM role ARN ({}); expected "
                             "arn:aws:iam::123456789012:role/NAME",
                             arn, why),
                 "role_arn");
  };
  if (arn.size() < 20 || arn.size() > 2048) return fail("length must be 20 to 2048");
  std::string_view parts[6];
  std::string_view rest = arn;
  for (int i = 0; i < 5; ++i) {
    size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return fail("too few ':'-separated fields");
    parts[i] = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  parts[5] = rest;
  if (parts[0] != "arn") return fail("it must start with 'arn:'");
  if (parts[1] != "aws" && parts[1] != "aws-cn" && parts[1] != "aws-us-gov") {
    return fail("the partition must be aws, aws-cn or aws-us-gov");
  }
  if (parts[2] != "iam") return fail("the service must be iam");
  if (!parts[3].empty()) return fail("IAM ARNs have no region");
  if (parts[4].size() != 12 || !InAlphabet(parts[4], "") ||
      parts[4].find_first_not_of("0123456789") != std::string_view::npos) {
    return fail("the account id must be 12 digits");
  }
  if (!parts[5].starts_with("role/") || parts[5].size() <= 5 || parts[5].back() == '/') {
    return fail("the resource must be role/NAME");
  }
  return OkStatus();
}

}  // namespace

std::string FormEncode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size() + value.size() / 4);
  for (unsigned char c : value) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

Status ValidateAssumeRoleParams(const AssumeRoleParams& p) {
  RETURN_IF_ERROR(CheckRoleArn(p.role_arn));
  RETURN_IF_ERROR(
      CheckToken(p.role_session_name, "role_session_name", "RoleSessionName", 2, 64, "+=,.@-"));
  if (!p.external_id.empty()) {
    RETURN_IF_ERROR(CheckToken(p.external_id, "external_id", "ExternalId", 2, 1224, "+=,.@:/-"));
  }
  if (p.duration_seconds &&
      (*p.duration_seconds < kMinDurationSeconds || *p.duration_seconds > kMaxDurationSeconds)) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("DurationSeconds must be between {} and {} (got {})",
                             kMinDurationSeconds, kMaxDurationSeconds, *p.duration_seconds),
                 "duration_seconds");
  }
  if (!p.policy.empty() && p.policy.size() > 2048) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("the session Policy is {} characters; STS accepts at most 2048, so "
                             "shorten it (drop whitespace, merge statements)",
                             p.policy.size()),
                 "policy");
  }
  if (!p.source_identity.empty()) {
    RETURN_IF_ERROR(
        CheckToken(p.source_identity, "source_identity", "SourceIdentity", 2, 64, "+=,.@-"));
  }
  return OkStatus();
}

std::string BuildAssumeRoleBody(const AssumeRoleParams& p) {
  std::string body = "Action=AssumeRole&Version=2011-06-15";
  body += "&RoleArn=" + FormEncode(p.role_arn);
  body += "&RoleSessionName=" + FormEncode(p.role_session_name);
  if (!p.external_id.empty()) body += "&ExternalId=" + FormEncode(p.external_id);
  if (p.duration_seconds) body += fmt::format("&DurationSeconds={}", *p.duration_seconds);
  if (!p.policy.empty()) body += "&Policy=" + FormEncode(p.policy);
  if (!p.source_identity.empty()) body += "&SourceIdentity=" + FormEncode(p.source_identity);
  return body;
}

}  // namespace crossdock::aws::sts
