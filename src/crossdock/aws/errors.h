// The one table that maps AWS error codes to crossdock ErrorCodes, and the parser for the
// error bodies AWS services send.
//
// Error bodies come in three shapes: S3's bare <Error><Code/><Message/><RequestId/></Error>
// (Ceph RGW uses it for STS and IAM too), the query protocol's
// <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse> (STS,
// IAM) and JSON {"__type": "...", "message": "..."} (Redshift Data API and other JSON
// protocols). The mapping is data: code string -> ErrorCode, with the HTTP status as a
// fallback for unknown codes (5xx -> kUnavailable, 429 -> kThrottled, 403 -> kAccessDenied).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crossdock/core/result.h"
#include "crossdock/http/transport.h"

namespace crossdock::aws {

struct AwsErrorBody {
  std::string code;         // e.g. AccessDenied, NoSuchKey, SlowDown
  std::string message;      // AWS's message, may be empty (RGW)
  std::string request_id;   // RequestId or x-amz-request-id
  std::string resource;     // S3 <Resource>, <Key> or <BucketName> when present
  std::string region;       // S3 <Region> on PermanentRedirect / AuthorizationHeaderMalformed
  std::string server_time;  // S3 <ServerTime> on RequestTimeTooSkewed
};

// Parses any of the three shapes; nullopt when the body is not an AWS error document.
std::optional<AwsErrorBody> ParseAwsErrorBody(std::string_view body);

// The table: AWS error code + HTTP status -> ErrorCode.
ErrorCode ClassifyAwsError(std::string_view aws_code, int http_status);
// The table's plain explanation of a code, used by MakeAwsError when AWS sends no message
// (Ceph RGW never does); "" for codes not in the table. Lets callers tell AWS's own words
// from ours.
std::string_view AwsErrorExplanation(std::string_view aws_code);

// Builds the typed Error for a non-2xx response (or a 200 carrying an error body).
// `operation` names what was attempted and on what, e.g. "PutObject s3://bucket/key"; the
// message reads "<operation>: <AWS message or a plain explanation of the code>".
Error MakeAwsError(const http::HttpResponse& response, std::string_view operation);

}  // namespace crossdock::aws
