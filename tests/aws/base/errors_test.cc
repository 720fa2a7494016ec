// The AWS error table and the three error body shapes (S3 bare <Error>, the query
// protocol's <ErrorResponse>, JSON __type), with bodies taken from AWS's API references and
// from Ceph RGW's answers.
#include "crossdock/aws/errors.h"

#include <gtest/gtest.h>

namespace crossdock::aws {
namespace {

// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html (REST error response)
TEST(ParseAwsErrorBody, S3BareError) {
  auto body = ParseAwsErrorBody(R"(<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>NoSuchKey</Code>
  <Message>The resource you requested does not exist</Message>
  <Resource>/mybucket/myfoto.jpg</Resource>
  <RequestId>4442587FB7D0A2F9</RequestId>
</Error>)");
  ASSERT_TRUE(body);
  EXPECT_EQ(body->code, "NoSuchKey");
  EXPECT_EQ(body->message, "The resource you requested does not exist");
  EXPECT_EQ(body->resource, "/mybucket/myfoto.jpg");
  EXPECT_EQ(body->request_id, "4442587FB7D0A2F9");
}

// https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html (query protocol)
TEST(ParseAwsErrorBody, QueryProtocolErrorResponse) {
  auto body = ParseAwsErrorBody(
      R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::444455556666:user/vendor is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/r</Message></Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>)");
  ASSERT_TRUE(body);
  EXPECT_EQ(body->code, "AccessDenied");
  EXPECT_NE(body->message.find("sts:AssumeRole"), std::string::npos);
  EXPECT_EQ(body->request_id, "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
}

// Redshift Data API (JSON 1.1 protocol): __type may carry a namespace prefix.
TEST(ParseAwsErrorBody, JsonProtocol) {
  auto body = ParseAwsErrorBody(
      R"({"__type":"com.amazonaws.redshiftdata#ValidationException","message":"Sql is required"})");
  ASSERT_TRUE(body);
  EXPECT_EQ(body->code, "ValidationException");
  EXPECT_EQ(body->message, "Sql is required");
}

TEST(ParseAwsErrorBody, S3SkewAndRedirectFields) {
  auto skew = ParseAwsErrorBody(
      "<Error><Code>RequestTimeTooSkewed</Code><ServerTime>2026-01-01T00:10:00Z</ServerTime>"
      "</Error>");
  ASSERT_TRUE(skew);
  EXPECT_EQ(skew->server_time, "2026-01-01T00:10:00Z");
  auto redirect = ParseAwsErrorBody(
      "<Error><Code>AuthorizationHeaderMalformed</Code><Region>eu-west-1</Region></Error>");
  ASSERT_TRUE(redirect);
  EXPECT_EQ(redirect->region, "eu-west-1");
}

TEST(ParseAwsErrorBody, NotAnError) {
  EXPECT_FALSE(ParseAwsErrorBody(""));
  EXPECT_FALSE(ParseAwsErrorBody("<ListBucketResult></ListBucketResult>"));
  EXPECT_FALSE(ParseAwsErrorBody("{\"Contents\": []}"));
  EXPECT_FALSE(ParseAwsErrorBody("not xml at all"));
  EXPECT_FALSE(ParseAwsErrorBody("<Error><Message>no code</Message></Error>"));
}

TEST(ClassifyAwsError, TableAndStatusFallback) {
  EXPECT_EQ(ClassifyAwsError("AccessDenied", 403), ErrorCode::kAccessDenied);
  EXPECT_EQ(ClassifyAwsError("SlowDown", 503), ErrorCode::kThrottled);
  EXPECT_EQ(ClassifyAwsError("ThrottlingException", 400), ErrorCode::kThrottled);
  // Kinesis Data Streams.
  EXPECT_EQ(ClassifyAwsError("ProvisionedThroughputExceededException", 400), ErrorCode::kThrottled);
  EXPECT_EQ(ClassifyAwsError("KMSThrottlingException", 400), ErrorCode::kThrottled);
  EXPECT_EQ(ClassifyAwsError("ExpiredIteratorException", 400), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(ClassifyAwsError("KMSAccessDeniedException", 400), ErrorCode::kAccessDenied);
  EXPECT_EQ(ClassifyAwsError("InvalidArgumentException", 400), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ClassifyAwsError("InternalFailureException", 500), ErrorCode::kUnavailable);
  EXPECT_EQ(ClassifyAwsError("RequestTimeTooSkewed", 403), ErrorCode::kClockSkew);
  EXPECT_EQ(ClassifyAwsError("ExpiredToken", 400), ErrorCode::kExpiredToken);
  EXPECT_EQ(ClassifyAwsError("NoSuchEntity", 404), ErrorCode::kNotFound);
  EXPECT_EQ(ClassifyAwsError("InvalidClientTokenId", 403), ErrorCode::kUnauthenticated);
  EXPECT_EQ(ClassifyAwsError("RegionDisabledException", 403), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(ClassifyAwsError("InternalError", 500), ErrorCode::kUnavailable);
  EXPECT_EQ(ClassifyAwsError("SomethingNew", 502), ErrorCode::kUnavailable);
  EXPECT_EQ(ClassifyAwsError("SomethingNew", 429), ErrorCode::kThrottled);
  EXPECT_EQ(ClassifyAwsError("", 404), ErrorCode::kNotFound);
  // Redshift Data API (botocore's redshift-data model).
  EXPECT_EQ(ClassifyAwsError("ActiveStatementsExceededException", 400), ErrorCode::kThrottled);
  EXPECT_EQ(ClassifyAwsError("QueryTimeoutException", 400), ErrorCode::kTimeout);
  EXPECT_EQ(ClassifyAwsError("DatabaseConnectionException", 500), ErrorCode::kUnavailable);
  EXPECT_EQ(ClassifyAwsError("", 403), ErrorCode::kAccessDenied);
}

TEST(MakeAwsError, NamesOperationAndExplainsEmptyMessages) {
  http::HttpResponse r;
  r.status = 403;
  r.headers = {{"x-amz-request-id", "tx0001"}};
  r.body = "<Error><Code>AccessDenied</Code><Message></Message></Error>";  // RGW: no message
  Error e = MakeAwsError(r, "PutObject s3://bucket/outside/key");
  EXPECT_EQ(e.code(), ErrorCode::kAccessDenied);
  EXPECT_EQ(e.aws_code(), "AccessDenied");
  EXPECT_EQ(e.http_status(), 403);
  EXPECT_EQ(e.request_id(), "tx0001");
  EXPECT_EQ(e.message().rfind("PutObject s3://bucket/outside/key: ", 0), 0u) << e.message();
  EXPECT_NE(e.message().find("denied"), std::string::npos);
  EXPECT_FALSE(e.retryable());
}

TEST(MakeAwsError, HeadWithoutBodyAndRegionHint) {
  http::HttpResponse r;
  r.status = 301;
  r.headers = {{"x-amz-bucket-region", "eu-west-2"}};
  Error e = MakeAwsError(r, "HeadBucket s3://b");
  EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(e.message().find("eu-west-2"), std::string::npos) << e.message();

  http::HttpResponse missing;
  missing.status = 404;
  Error nf = MakeAwsError(missing, "HeadObject s3://b/k");
  EXPECT_EQ(nf.code(), ErrorCode::kNotFound);
}

TEST(MakeAwsError, ServerErrorsAreRetryable) {
  http::HttpResponse r;
  r.status = 503;
  r.body =
      "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";
  Error e = MakeAwsError(r, "PutObject s3://b/k");
  EXPECT_EQ(e.code(), ErrorCode::kThrottled);
  EXPECT_TRUE(e.retryable());
}

}  // namespace
}  // namespace crossdock::aws
