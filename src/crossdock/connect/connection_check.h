// The connection test: proves that a connection works the way syncs will use it, and when
// it does not, says what the customer must change, in the customer's terms.
//
// For an IAM-role connection it assumes the role with the organization's External ID (must
// work), with no External ID and with a wrong one (each must be refused: if either works the
// trust policy lacks its sts:ExternalId condition, the "confused deputy" problem), then
// probes exactly the S3 operations syncs perform, inside the connection's path prefix:
// bucket region, list, put a small object, get it back, head it, start and abort a multipart
// upload, list multipart uploads, delete the object. Databricks connections also assume the
// role from itself (the self-assume storage credentials need); Redshift Serverless and
// Databricks connections test their staging bucket the same way. Kinesis connections have no
// bucket: after the assume checks they call DescribeStreamSummary, ListShards,
// GetShardIterator (TRIM_HORIZON) and one GetRecords, which moves no checkpoint. Every check
// reports pass, fail, warn or skip, the AWS error code and a diagnosis with the fix. When the
// customer supplies the policy documents they attached, denials are explained down to the statement
// and condition with the offline policy simulator, and the documents are compared with what
// the connection needs. Whatever the outcome, nothing is left behind in the bucket. It does
// not create or change anything in the customer's IAM. Redshift Serverless connections also
// probe the Data API and the database grants (redshift_check.h). A postgres connection is
// not an AWS one: its test is a database login under the outbound policy (postgres_login.h).
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "crossdock/aws/aws_client.h"
#include "crossdock/aws/credentials/provider.h"
#include "crossdock/connect/connection.h"
#include "crossdock/core/clock.h"
#include "crossdock/http/outbound_policy.h"
#include "crossdock/http/transport.h"

namespace crossdock::connect {

enum class CheckStatus { kPass, kFail, kWarn, kSkip };
const char* CheckStatusName(CheckStatus status);  // "pass", "fail", "warn", "skip"

struct CheckResult {
  std::string id;     // stable: "assume_role", "external_id_required", "put_object", ...
  std::string title;  // what was tried, e.g. "PutObject s3://bucket/path/crossdock-..."
  CheckStatus status = CheckStatus::kSkip;
  std::string message;    // what happened (AWS's words when it said something)
  std::string diagnosis;  // what it means, in the customer's terms (failures and warnings)
  std::string fix;        // what to change
  std::string aws_code;   // e.g. AccessDenied
  int http_status = 0;
  std::string request_id;
  std::string explanation;  // the policy simulator's account, when documents were supplied
  std::chrono::milliseconds duration{0};
};

struct ConnectionCheckReport {
  std::string connection;  // name
  std::vector<CheckResult> checks;
  bool ok() const;  // no check failed
  const CheckResult* Find(std::string_view id) const;
};

// Who crossdock is and how it reaches AWS.
struct CheckEnvironment {
  // crossdock's own (vendor) credentials: the source that signs AssumeRole.
  aws::CredentialsProviderPtr vendor_credentials;
  // crossdock's principal ARN (e.g. arn:aws:iam::444455556666:user/vendor or a role), used
  // in messages and to simulate the customer's trust policy. Empty: the vendor account root.
  std::string vendor_principal_arn;
  std::string vendor_account;                // 12-digit vendor account id
  std::string sts_endpoint;                  // STS endpoint override (empty: the regional endpoint)
  std::string s3_endpoint;                   // S3 endpoint override (empty: AWS)
  std::string redshift_data_endpoint;        // Redshift Data API override (empty: AWS)
  std::string redshift_serverless_endpoint;  // Redshift Serverless override (empty: AWS)
  std::string databricks_endpoint;    // Databricks workspace override (empty: the connection's)
  std::string redshift_vpc_database;  // database name at the VPC endpoint (empty: the connection's)
  std::string kinesis_endpoint;       // Kinesis endpoint override (empty: AWS)
  std::shared_ptr<http::HttpTransport> transport;  // nullptr: a new CurlTransport
  Clock* clock = nullptr;                          // nullptr: the system clock
  // Which addresses a postgres connection's host may resolve to (null: public ones only).
  std::shared_ptr<const http::OutboundPolicy> outbound;
  // Probes fail fast: a denial is an answer, not something to retry for long.
  aws::RetryOptions retry = [] {
    aws::RetryOptions r;
    r.max_attempts = 2;
    return r;
  }();
};

struct CheckInput {
  Connection connection;  // with secrets decrypted (access-key connections need the secret)
  // The organization's External IDs: the current one first, the previous one (during a
  // rotation) second.
  std::vector<std::string> external_ids;
  // Optional: the policy documents the customer attached to the role, as pasted.
  std::optional<std::string> permission_policy;
  std::optional<std::string> trust_policy;
};

// Runs every check; an Error only for unusable input (kInvalidArgument naming the field).
Result<ConnectionCheckReport> RunConnectionCheck(const CheckInput& input,
                                                 const CheckEnvironment& env);

// {"connection", "ok", "checks": [{"id", "title", "status", "message", "diagnosis", "fix",
// "aws_code", "http_status", "request_id", "explanation", "duration_ms"}]}
nlohmann::ordered_json ToJson(const ConnectionCheckReport& report);
// A human report: one line per check, diagnosis and fix indented under failures.
std::string FormatReport(const ConnectionCheckReport& report);

}  // namespace crossdock::connect
