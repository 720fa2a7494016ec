// STS error answers in each shape (AWS's <ErrorResponse>, RGW's bare <Error> with no message)
// become typed errors that name the principal, the role and the fix.
#include "crossdock/aws/sts/sts_errors.h"

#include <gtest/gtest.h>

#include "crossdock/aws/errors.h"

namespace crossdock::aws::sts {
namespace {

constexpr const char* kRole = "arn:aws:iam::111122223333:role/vendor-sync";

std::string AwsErrorBody(const std::string& code, const std::string& message) {
  return "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
         "<Type>Sender</Type><Code>" +
         code + "</Code><Message>" + message +
         "</Message></Error><RequestId>4c3e5e0f-aaaa-bbbb-cccc-000000000000</RequestId>"
         "</ErrorResponse>";
}

std::string RgwErrorBody(const std::string& code) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code +
         "</Code><Message></Message><RequestId>tx00000f484ee65346ea6ca-006b033682-1014-default"
         "</RequestId><HostId>1014-default-default</HostId></Error>";
}

// The path StsClient takes: the error table first, then the AssumeRole context.
Error Describe(int status, const std::string& body, AssumeRoleErrorContext ctx = {}) {
  http::HttpResponse response;
  response.status = status;
  response.body = body;
  Error table = MakeAwsError(response, std::string("AssumeRole ") + kRole);
  if (ctx.role_arn.empty()) ctx.role_arn = kRole;
  if (ctx.caller.empty()) ctx.caller = "the caller (static VENDORACCESSKEY00001)";
  return DescribeAssumeRoleError(table, ctx);
}

bool Has(const Error& e, const std::string& text) {
  return e.message().find(text) != std::string::npos;
}

TEST(StsErrors, AwsAccessDeniedNamesPrincipalRoleAndExternalIdFix) {
  Error e = Describe(403,
                     AwsErrorBody("AccessDenied",
                                  "User: arn:aws:iam::444455556666:user/vendor is not "
                                  "authorized to perform: sts:AssumeRole on resource: "
                                  "arn:aws:iam::111122223333:role/vendor-sync"),
                     {kRole, "", true, 3600, "us-east-1"});
  EXPECT_EQ(ClassifyStsError(e), StsErrorKind::kAccessDenied);
  EXPECT_EQ(e.code(), ErrorCode::kAccessDenied);
  EXPECT_EQ(e.aws_code(), "AccessDenied");
  EXPECT_EQ(e.http_status(), 403);
  EXPECT_EQ(e.request_id(), "4c3e5e0f-aaaa-bbbb-cccc-000000000000");
  EXPECT_TRUE(e.message().starts_with(std::string("AssumeRole ") + kRole + ": "));
  EXPECT_TRUE(Has(e,
                  "arn:aws:iam::444455556666:user/vendor is not allowed to assume role "
                  "arn:aws:iam::111122223333:role/vendor-sync"))
      << e.message();
  EXPECT_TRUE(Has(e, "External ID sent must equal its sts:ExternalId condition")) << e.message();
  EXPECT_TRUE(Has(e, "(AWS: User: arn:aws:iam::444455556666:user/vendor is not authorized"));
}

TEST(StsErrors, RgwAccessDeniedWithoutMessageFallsBackToTheCaller) {
  Error e = Describe(403, RgwErrorBody("AccessDenied"));
  EXPECT_EQ(ClassifyStsError(e), StsErrorKind::kAccessDenied);
  EXPECT_EQ(e.request_id(), "tx00000f484ee65346ea6ca-006b033682-1014-default");
  EXPECT_TRUE(Has(e,
                  "the caller (static VENDORACCESSKEY00001) is not allowed to assume role "
                  "arn:aws:iam::111122223333:role/vendor-sync"))
      << e.message();
  EXPECT_TRUE(Has(e, "no External ID was sent"));
  EXPECT_FALSE(Has(e, "(AWS:")) << "the table's explanation must not pass for AWS's words";
}

TEST(ParseAccessDeniedMessage, SplitsPrincipalActionResource) {
  auto d = ParseAccessDeniedMessage(
      "User: arn:aws:sts::444455556666:assumed-role/hop/s is not authorized to perform: "
      "sts:AssumeRole on resource: arn:aws:iam::111122223333:role/x");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->principal, "arn:aws:sts::444455556666:assumed-role/hop/s");
  EXPECT_EQ(d->action, "sts:AssumeRole");
  EXPECT_EQ(d->resource, "arn:aws:iam::111122223333:role/x");
  EXPECT_FALSE(ParseAccessDeniedMessage("").has_value());
  EXPECT_FALSE(ParseAccessDeniedMessage("Access Denied").has_value());
}

TEST(StsErrors, NoSuchEntityFromRgw) {
  Error e = Describe(404, RgwErrorBody("NoSuchEntity"));
  EXPECT_EQ(ClassifyStsError(e), StsErrorKind::kNoSuchEntity);
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_TRUE(Has(e, std::string("role ") + kRole + " does not exist")) << e.message();
}

TEST(StsErrors, ExpiredToken) {
  Error e = Describe(
      400, AwsErrorBody("ExpiredToken", "The security token included in the request is expired"));
  EXPECT_EQ(ClassifyStsError(e), StsErrorKind::kExpiredToken);
  EXPECT_EQ(e.code(), ErrorCode::kExpiredToken);
  EXPECT_TRUE(Has(e, "have expired")) << e.message();
  EXPECT_TRUE(Has(e, "The security token included in the request is expired"));
}

TEST(StsErrors, InvalidClientTokenId) {
  Error e = Describe(403, AwsErrorBody("InvalidClientTokenId",
                                       "The security token included in the request is invalid."));
  EXPECT_EQ(ClassifyStsError(e), StsErrorKind::kInvalidClientTokenId);
  EXPECT_EQ(e.code(), ErrorCode::kUnauthenticated);
  EXPECT_TRUE(
      Has(e, "STS does not know the access key of the caller (static VENDORACCESSKEY00001)"))
      << e.message();
}

TEST(StsErrors, RegionDisabled) {
  Error e = Describe(403,
                     AwsErrorBody("RegionDisabledException",
                                  "STS is not activated in this region for account:"
                                  "111122223333. Your account administrator can activate "
                                  "STS in this region using the IAM Console."),
                     {kRole, "", false, 3600, "ap-east-1"});
  EXPECT_EQ(ClassifyStsError(e), StsErrorKind::kRegionDisabled);
  EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(Has(e, "STS is not activated in region ap-east-1")) << e.message();
  EXPECT_TRUE(Has(e, "account:111122223333"));
}

TEST(StsErrors, ValidationErrorKeepsAwsMessage) {
  const std::string aws =
      "1 validation error detected: Value 'my session' at 'roleSessionName' failed to satisfy "
      "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*";
  Error e = Describe(400, AwsErrorBody("ValidationError", aws));
  EXPECT_EQ(ClassifyStsError(e), StsErrorKind::kValidation);
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Has(e, "STS rejected the request: " + aws)) << e.message();
  EXPECT_FALSE(IsDurationTooLong(e, 7200));
}

TEST(StsErrors, DurationTooLongForTheRoleOrForChaining) {
  for (const char* aws :
       {"The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
        "role chaining."}) {
    Error e =
        Describe(400, AwsErrorBody("ValidationError", aws), {kRole, "", false, 43200, "us-east-1"});
    EXPECT_TRUE(IsDurationTooLong(e, 43200)) << aws;
    EXPECT_TRUE(Has(e, "session duration of 43200 s is longer than the role allows"))
        << e.message();
  }
  // RGW: InvalidArgument with no message counts only above one hour.
  Error rgw = Describe(400, RgwErrorBody("InvalidArgument"), {kRole, "", false, 43200, ""});
  EXPECT_TRUE(IsDurationTooLong(rgw, 43200));
  EXPECT_EQ(rgw.field(), "duration_seconds");
  EXPECT_TRUE(Has(rgw, "session duration of 43200 s")) << rgw.message();
  Error rgw_hour = Describe(400, RgwErrorBody("InvalidArgument"), {kRole, "", false, 3600, ""});
  EXPECT_FALSE(IsDurationTooLong(rgw_hour, 3600));
  EXPECT_TRUE(Has(rgw_hour, "STS rejected the request: a parameter is invalid"))
      << rgw_hour.message();
  Error rgw_unset = Describe(400, RgwErrorBody("InvalidArgument"));
  EXPECT_FALSE(IsDurationTooLong(rgw_unset, std::nullopt));
  Error denied = Describe(403, RgwErrorBody("AccessDenied"));
  EXPECT_FALSE(IsDurationTooLong(denied, 43200));
}

TEST(StsErrors, OtherErrorsPassThroughUnchanged) {
  Error e = Describe(503, RgwErrorBody("ServiceUnavailable"));
  EXPECT_EQ(ClassifyStsError(e), StsErrorKind::kOther);
  EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(e.retryable());
}

}  // namespace
}  // namespace crossdock::aws::sts
