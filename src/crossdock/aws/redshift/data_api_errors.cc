#include "crossdock/aws/redshift/data_api_errors.h"

#include <fmt/format.h>

#include <regex>
#include <string>

namespace crossdock::aws::redshift {
namespace {

bool Contains(const std::string& s, std::string_view needle) {
  return s.find(needle) != std::string::npos;
}

std::string Shorten(const std::string& s, size_t n) {
  return s.size() <= n ? s : s.substr(0, n) + "...";
}

// CREDENTIALS 'aws_access_key_id=...;aws_secret_access_key=...;token=...' must not reach logs.
std::string Redact(const std::string& sql) {
  static const std::regex kSecret("(aws_secret_access_key|aws_session_token|token)=[^;']*",
                                  std::regex::icase);
  return std::regex_replace(sql, kSecret, "$1=***");
}

}  // namespace

Error DescribeDataApiError(Error error, const DataApiTarget* target) {
  const std::string& code = error.aws_code();
  std::string hint;
  ErrorCode type = error.code();
  if (code == "ActiveStatementsExceededException") {
    type = ErrorCode::kThrottled;
    hint = "too many statements are running for this account; retry later or run fewer at once";
  } else if (code == "ResourceNotFoundException" && target != nullptr) {
    hint = target->workgroup_name.empty()
               ? fmt::format("check the cluster identifier '{}' and the region",
                             target->cluster_identifier)
               : fmt::format(
                     "check the workgroup name '{}' and that it is in the configured "
                     "region and the role's account",
                     target->workgroup_name);
  } else if (code == "DatabaseConnectionException" && target != nullptr) {
    hint = fmt::format(
        "check that database '{}' exists and that the IAM role may connect "
        "(redshift-serverless:GetCredentials, RedshiftDbRoles tag)",
        target->database);
  } else if (code == "UnrecognizedClientException" || code == "InvalidSignatureException") {
    hint = "check the credentials (access key, secret, session token) and the region";
  } else if (code == "AccessDeniedException") {
    hint = "the IAM role needs the redshift-data:* actions listed in the connection guide";
  }
  std::string message = error.message();
  if (!hint.empty()) message += " (" + hint + ")";
  return Error(type, std::move(message), error.field())
      .WithAws(error.aws_code(), error.http_status(), error.request_id());
}

Error StatementFailure(const StatementDescription& d) {
  if (d.status == StatementStatus::kAborted) {
    return Error(ErrorCode::kCancelled,
                 fmt::format("Redshift statement {} was aborted (cancelled by CancelStatement "
                             "or by Redshift){}",
                             d.id, d.error.empty() ? "" : ": " + d.error));
  }
  const std::string& e = d.error;
  ErrorCode type = ErrorCode::kFailedPrecondition;
  std::string fix;
  if (Contains(e, "not authorized to assume IAM Role")) {
    type = ErrorCode::kAccessDenied;
    fix =
        "add the redshift.amazonaws.com service principal to the role's trust policy, and "
        "associate the role with the Redshift namespace";
  } else if (Contains(e, "S3ServiceException:Access Denied") || Contains(e, "Status 403")) {
    type = ErrorCode::kAccessDenied;
    fix =
        "give the IAM_ROLE s3:GetObject, s3:PutObject, s3:ListBucket and s3:DeleteObject on "
        "the staging bucket and prefix";
  } else if (Contains(e, "permission denied")) {
    type = ErrorCode::kAccessDenied;
    fix = "grant the database role the privileges listed in the connection guide";
  } else if (Contains(e, "does not exist")) {
    type = ErrorCode::kNotFound;
  } else if (Contains(e, "syntax error")) {
    type = ErrorCode::kInvalidArgument;
  } else if (Contains(e, "not empty") && Contains(e, "ALLOWOVERWRITE")) {
    fix = "unload into a fresh prefix per run, or add ALLOWOVERWRITE";
  }
  std::string message =
      fmt::format("Redshift statement {} failed: {}", d.id, e.empty() ? "no error text" : e);
  if (!d.query_string.empty())
    message += fmt::format(" [SQL: {}]", Shorten(Redact(d.query_string), 200));
  if (!fix.empty()) message += " (" + fix + ")";
  return Error(type, std::move(message));
}

}  // namespace crossdock::aws::redshift
