// The AWS JSON 1.1 protocol as the Redshift Data API, Redshift Serverless and Kinesis Data
// Streams speak it: every operation is a POST to "/" with Content-Type application/x-amz-json-1.1
// and the operation named by X-Amz-Target ("RedshiftData.ExecuteStatement"), signed with SigV4
// under the service's signing name; answers are JSON objects whose timestamps are epoch seconds.
//
// Pure helpers shared by the request builders and response parsers of this folder. They do
// no I/O; errors answered by the service are typed by the AWS error table (aws/errors.h),
// which already reads JSON `__type` bodies.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "crossdock/aws/aws_client.h"
#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"

namespace crossdock::aws {

inline constexpr const char* kJsonContentType = "application/x-amz-json-1.1";

// An unsigned AwsRequest for `target` (e.g. "RedshiftData.DescribeStatement") at endpoint
// (scheme://host[:port], no trailing slash). `operation` names the call for error messages.
AwsRequest MakeJsonRequest(std::string_view endpoint, std::string_view region,
                           std::string_view signing_name, std::string_view target, std::string body,
                           std::string operation);

// Parses a response body that must be a JSON object. kInternal naming `what` otherwise (a
// 2xx answer the service would never send).
Result<nlohmann::json> ParseJsonObject(std::string_view body, std::string_view what);

// A JSON 1.1 Timestamp member (epoch seconds, possibly fractional) as a TimePoint.
TimePoint EpochSecondsToTime(double seconds);

// Readers that tolerate absent members (defaults) but not wrong types (kInternal).
Result<std::string> StringMember(const nlohmann::json& obj, const char* name,
                                 std::string_view what);
Result<int64_t> IntMember(const nlohmann::json& obj, const char* name, std::string_view what,
                          int64_t fallback = 0);
Result<bool> BoolMember(const nlohmann::json& obj, const char* name, std::string_view what);

// Standard base64 (with padding) to bytes: the JSON protocol's Blob members.
Result<std::string> DecodeBase64(std::string_view text);

}  // namespace crossdock::aws
