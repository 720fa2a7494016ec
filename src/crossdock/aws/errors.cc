#include "crossdock/aws/errors.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <string>
#include <unordered_map>

namespace crossdock::aws {
namespace {

struct CodeInfo {
  ErrorCode code;
  const char* explanation;  // used when AWS sends no message (Ceph RGW sends none)
};

// The table. Codes from the S3, STS, IAM and JSON-protocol error references.
const std::unordered_map<std::string_view, CodeInfo>& Table() {
  static const std::unordered_map<std::string_view, CodeInfo> table = {
      // Authorization.
      {"AccessDenied", {ErrorCode::kAccessDenied, "access denied by an IAM or bucket policy"}},
      {"AccessDeniedException", {ErrorCode::kAccessDenied, "access denied by an IAM policy"}},
      {"KMSAccessDeniedException",
       {ErrorCode::kAccessDenied, "kms:Decrypt on the stream's key is denied"}},
      {"AllAccessDisabled", {ErrorCode::kAccessDenied, "all access to this object is disabled"}},
      {"UnauthorizedOperation", {ErrorCode::kAccessDenied, "not authorized"}},
      {"AccountProblem", {ErrorCode::kAccessDenied, "a problem with the AWS account"}},
      {"RegionDisabledException",
       {ErrorCode::kFailedPrecondition,
        "STS is not activated in this region for the account; activate it in IAM account "
        "settings or use another regional endpoint"}},
      // Credentials.
      {"InvalidAccessKeyId", {ErrorCode::kUnauthenticated, "the access key id does not exist"}},
      {"InvalidClientTokenId",
       {ErrorCode::kUnauthenticated, "the security token or access key id is invalid"}},
      {"SignatureDoesNotMatch",
       {ErrorCode::kUnauthenticated, "the signature does not match: check the secret key"}},
      {"IncompleteSignature", {ErrorCode::kUnauthenticated, "the request signature is incomplete"}},
      {"MissingAuthenticationToken", {ErrorCode::kUnauthenticated, "the request was not signed"}},
      {"InvalidToken", {ErrorCode::kUnauthenticated, "the session token is malformed or invalid"}},
      {"UnrecognizedClientException", {ErrorCode::kUnauthenticated, "invalid security token"}},
      {"ExpiredToken", {ErrorCode::kExpiredToken, "the session token has expired"}},
      {"ExpiredTokenException", {ErrorCode::kExpiredToken, "the session token has expired"}},
      {"TokenRefreshRequired", {ErrorCode::kExpiredToken, "the session token must be refreshed"}},
      // Clock.
      {"RequestTimeTooSkewed",
       {ErrorCode::kClockSkew, "the request time differs too much from the server's"}},
      {"RequestExpired", {ErrorCode::kClockSkew, "the request has expired (clock skew)"}},
      {"InvalidSignatureException", {ErrorCode::kUnauthenticated, "invalid signature"}},
      // Not found.
      {"NoSuchBucket", {ErrorCode::kNotFound, "the bucket does not exist"}},
      {"NoSuchKey", {ErrorCode::kNotFound, "the object does not exist"}},
      {"NoSuchUpload", {ErrorCode::kNotFound, "the multipart upload does not exist"}},
      {"NoSuchEntity",
       {ErrorCode::kNotFound, "the IAM entity (role, user or policy) does not exist"}},
      {"NotFound", {ErrorCode::kNotFound, "not found"}},
      {"ResourceNotFoundException", {ErrorCode::kNotFound, "the resource does not exist"}},
      {"KMSNotFoundException",
       {ErrorCode::kFailedPrecondition, "the KMS key that encrypts the data does not exist"}},
      // Bad input.
      {"ValidationError", {ErrorCode::kInvalidArgument, "the request is invalid"}},
      {"ValidationException", {ErrorCode::kInvalidArgument, "the request is invalid"}},
      {"InvalidParameterValue", {ErrorCode::kInvalidArgument, "a parameter value is invalid"}},
      {"InvalidArgumentException", {ErrorCode::kInvalidArgument, "an argument is invalid"}},
      {"ExpiredNextTokenException",
       {ErrorCode::kInvalidArgument, "the pagination token expired; list again from the start"}},
      // Kinesis: an iterator lives 5 minutes; callers get a new one from the last sequence
      // number they read, so the code is not retried as such.
      {"ExpiredIteratorException",
       {ErrorCode::kFailedPrecondition, "the shard iterator expired; get a new one"}},
      {"ResourceInUseException",
       {ErrorCode::kFailedPrecondition, "the stream is being created, updated or deleted"}},
      {"KMSDisabledException",
       {ErrorCode::kFailedPrecondition, "the KMS key that encrypts the data is disabled"}},
      {"KMSInvalidStateException",
       {ErrorCode::kFailedPrecondition, "the KMS key is not in a state that allows decryption"}},
      {"KMSOptInRequired",
       {ErrorCode::kFailedPrecondition, "the account is not subscribed to KMS"}},
      {"InvalidArgument", {ErrorCode::kInvalidArgument, "an argument is invalid"}},
      {"InvalidRequest", {ErrorCode::kInvalidArgument, "the request is invalid"}},
      {"InvalidBucketName", {ErrorCode::kInvalidArgument, "the bucket name is not valid"}},
      {"KeyTooLongError", {ErrorCode::kInvalidArgument, "the object key is too long"}},
      {"EntityTooSmall", {ErrorCode::kInvalidArgument, "a part is smaller than 5 MiB"}},
      {"EntityTooLarge", {ErrorCode::kInvalidArgument, "the upload exceeds the maximum size"}},
      {"InvalidPart",
       {ErrorCode::kInvalidArgument, "a listed part was not found or its ETag differs"}},
      {"InvalidPartOrder",
       {ErrorCode::kInvalidArgument, "parts must be listed in ascending order"}},
      {"MalformedXML", {ErrorCode::kInvalidArgument, "the XML sent was not well-formed"}},
      {"MalformedPolicyDocument",
       {ErrorCode::kInvalidArgument, "the policy document is malformed"}},
      {"PackedPolicyTooLarge", {ErrorCode::kInvalidArgument, "the session policy is too large"}},
      {"InvalidRange", {ErrorCode::kInvalidArgument, "the requested range is not satisfiable"}},
      {"AuthorizationHeaderMalformed",
       {ErrorCode::kFailedPrecondition, "the request was signed for the wrong region"}},
      {"PermanentRedirect",
       {ErrorCode::kFailedPrecondition, "the bucket is in another region or endpoint"}},
      {"IllegalLocationConstraintException",
       {ErrorCode::kFailedPrecondition, "the bucket is in another region"}},
      {"BucketAlreadyExists", {ErrorCode::kAlreadyExists, "the bucket name is taken"}},
      {"BucketAlreadyOwnedByYou", {ErrorCode::kAlreadyExists, "you already own this bucket"}},
      {"EntityAlreadyExists", {ErrorCode::kAlreadyExists, "the IAM entity already exists"}},
      {"PreconditionFailed", {ErrorCode::kFailedPrecondition, "a precondition failed"}},
      {"BucketNotEmpty", {ErrorCode::kFailedPrecondition, "the bucket is not empty"}},
      // Throttling.
      {"SlowDown", {ErrorCode::kThrottled, "S3 asks to slow down"}},
      {"Throttling", {ErrorCode::kThrottled, "the request was throttled"}},
      {"ThrottlingException", {ErrorCode::kThrottled, "the request was throttled"}},
      {"ThrottledException", {ErrorCode::kThrottled, "the request was throttled"}},
      {"TooManyRequestsException", {ErrorCode::kThrottled, "too many requests"}},
      {"RequestLimitExceeded", {ErrorCode::kThrottled, "request limit exceeded"}},
      {"RequestThrottled", {ErrorCode::kThrottled, "the request was throttled"}},
      {"RequestThrottledException", {ErrorCode::kThrottled, "the request was throttled"}},
      {"ProvisionedThroughputExceededException", {ErrorCode::kThrottled, "throughput exceeded"}},
      {"BandwidthLimitExceeded", {ErrorCode::kThrottled, "bandwidth limit exceeded"}},
      {"ActiveStatementsExceededException",
       {ErrorCode::kThrottled, "too many Redshift Data API statements are running"}},
      {"LimitExceededException", {ErrorCode::kThrottled, "a rate limit was exceeded"}},
      {"KMSThrottlingException", {ErrorCode::kThrottled, "KMS throttled the decryption"}},
      // Transient server-side conditions.
      {"InternalError", {ErrorCode::kUnavailable, "internal error in the service"}},
      {"InternalFailure", {ErrorCode::kUnavailable, "internal failure in the service"}},
      {"InternalFailureException", {ErrorCode::kUnavailable, "internal failure in the service"}},
      {"ServiceUnavailable", {ErrorCode::kUnavailable, "the service is unavailable"}},
      {"ServiceUnavailableException", {ErrorCode::kUnavailable, "the service is unavailable"}},
      {"InternalServerException", {ErrorCode::kUnavailable, "internal error in the service"}},
      {"ExecuteStatementException",
       {ErrorCode::kUnavailable, "the Redshift Data API could not run the statement"}},
      {"BatchExecuteStatementException",
       {ErrorCode::kUnavailable, "the Redshift Data API could not run the batch"}},
      {"DatabaseConnectionException",
       {ErrorCode::kUnavailable, "the Redshift Data API could not connect to the database"}},
      {"QueryTimeoutException", {ErrorCode::kTimeout, "the statement timed out"}},
      {"IDPCommunicationError", {ErrorCode::kUnavailable, "the identity provider is unreachable"}},
      {"RequestTimeout",
       {ErrorCode::kTimeout, "the connection was idle too long while sending the body"}},
      {"RequestTimeoutException", {ErrorCode::kTimeout, "the request timed out"}},
      {"BadDigest", {ErrorCode::kDataLoss, "the body does not match its checksum"}},
      {"IncompleteBody", {ErrorCode::kDataLoss, "fewer bytes were received than announced"}},
      {"XAmzContentSHA256Mismatch",
       {ErrorCode::kDataLoss, "the body does not match x-amz-content-sha256"}},
  };
  return table;
}

std::string ChildText(const pugi::xml_node& node, const char* name) {
  return node.child(name).text().as_string();
}

std::string PlainStatus(int status) {
  switch (status) {
    case 301:
      return "moved permanently (the bucket is in another region)";
    case 400:
      return "bad request";
    case 403:
      return "forbidden";
    case 404:
      return "not found";
    case 405:
      return "method not allowed (the endpoint does not implement this operation)";
    case 409:
      return "conflict";
    case 412:
      return "precondition failed";
    case 416:
      return "range not satisfiable";
    case 429:
      return "too many requests";
    case 500:
      return "internal server error";
    case 503:
      return "service unavailable";
    default:
      return fmt::format("HTTP {}", status);
  }
}

}  // namespace

std::optional<AwsErrorBody> ParseAwsErrorBody(std::string_view body) {
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return std::nullopt;
  if (body[first] == '{') {
    auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object()) return std::nullopt;
    AwsErrorBody out;
    for (const char* key : {"__type", "code", "Code", "error_code"}) {
      if (json.contains(key) && json[key].is_string()) {
        out.code = json[key].get<std::string>();
        break;
      }
    }
    // "com.amazonaws.redshiftdata#ValidationException" -> "ValidationException"
    if (auto hash = out.code.rfind('#'); hash != std::string::npos) out.code.erase(0, hash + 1);
    if (auto colon = out.code.find(':'); colon != std::string::npos) out.code.resize(colon);
    for (const char* key : {"message", "Message"}) {
      if (json.contains(key) && json[key].is_string()) {
        out.message = json[key].get<std::string>();
        break;
      }
    }
    if (out.code.empty()) return std::nullopt;
    return out;
  }
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return std::nullopt;
  pugi::xml_node root = doc.document_element();
  pugi::xml_node err;
  AwsErrorBody out;
  if (std::string_view(root.name()) == "Error") {
    err = root;
  } else if (std::string_view(root.name()) == "ErrorResponse") {
    err = root.child("Error");
    out.request_id = ChildText(root, "RequestId");
  } else if (std::string_view(root.name()) == "Response") {  // EC2-style
    err = root.child("Errors").child("Error");
    out.request_id = ChildText(root, "RequestID");
  }
  if (!err) return std::nullopt;
  out.code = ChildText(err, "Code");
  if (out.code.empty()) return std::nullopt;
  out.message = ChildText(err, "Message");
  if (out.request_id.empty()) out.request_id = ChildText(err, "RequestId");
  out.resource = ChildText(err, "Key");
  if (out.resource.empty()) out.resource = ChildText(err, "Resource");
  if (out.resource.empty()) out.resource = ChildText(err, "BucketName");
  out.region = ChildText(err, "Region");
  out.server_time = ChildText(err, "ServerTime");
  return out;
}

std::string_view AwsErrorExplanation(std::string_view aws_code) {
  const auto& table = Table();
  auto it = table.find(aws_code);
  return it != table.end() ? std::string_view(it->second.explanation) : std::string_view();
}

ErrorCode ClassifyAwsError(std::string_view aws_code, int http_status) {
  const auto& table = Table();
  if (auto it = table.find(aws_code); it != table.end()) return it->second.code;
  if (http_status == 429) return ErrorCode::kThrottled;
  if (http_status >= 500) return ErrorCode::kUnavailable;
  switch (http_status) {
    case 400:
      return ErrorCode::kInvalidArgument;
    case 401:
      return ErrorCode::kUnauthenticated;
    case 403:
      return ErrorCode::kAccessDenied;
    case 404:
      return ErrorCode::kNotFound;
    case 409:
      return ErrorCode::kAlreadyExists;
    case 301:
    case 307:
    case 412:
      return ErrorCode::kFailedPrecondition;
    default:
      return ErrorCode::kInternal;
  }
}

Error MakeAwsError(const http::HttpResponse& response, std::string_view operation) {
  auto parsed = ParseAwsErrorBody(response.body);
  AwsErrorBody body = parsed.value_or(AwsErrorBody{});
  if (body.request_id.empty()) {
    body.request_id = response.Header("x-amz-request-id")
                          .value_or(response.Header("x-amzn-RequestId").value_or(""));
  }
  // HEAD answers have no body: derive the code from the status as the SDKs do.
  if (body.code.empty()) {
    if (response.status == 404) body.code = "NotFound";
    if (response.status == 403) body.code = "AccessDenied";
    if (response.status == 301) body.code = "PermanentRedirect";
  }
  ErrorCode code = ClassifyAwsError(body.code, response.status);
  std::string message = body.message;
  if (message.empty()) {
    const auto& table = Table();
    auto it = table.find(body.code);
    message = it != table.end() ? it->second.explanation : PlainStatus(response.status);
  }
  if (body.region.empty()) {
    body.region = response.Header("x-amz-bucket-region").value_or("");
  }
  if (!body.region.empty() && code == ErrorCode::kFailedPrecondition) {
    message += fmt::format(" (the bucket is in region {}; set the region to {})", body.region,
                           body.region);
  }
  std::string full = operation.empty() ? message : fmt::format("{}: {}", operation, message);
  return Error(code, std::move(full)).WithAws(body.code, response.status, body.request_id);
}

}  // namespace crossdock::aws
