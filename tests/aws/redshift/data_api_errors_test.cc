#include "crossdock/aws/redshift/data_api_errors.h"

#include <gtest/gtest.h>

namespace crossdock::aws::redshift {
namespace {

StatementDescription Failed(std::string error, std::string sql = "select 1") {
  StatementDescription d;
  d.id = "s1";
  d.status = StatementStatus::kFailed;
  d.error = std::move(error);
  d.query_string = std::move(sql);
  return d;
}

TEST(StatementFailure, TypesByTheDatabaseMessage) {
  EXPECT_EQ(StatementFailure(Failed("ERROR: User arn:aws:redshift:us-east-1:1:dbuser:wg/IAMR:r "
                                    "is not authorized to assume IAM Role arn:aws:iam::1:role/r"))
                .code(),
            ErrorCode::kAccessDenied);
  EXPECT_EQ(StatementFailure(Failed("ERROR: relation \"t\" does not exist")).code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(StatementFailure(Failed("ERROR: syntax error at or near \"selec\"")).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(StatementFailure(Failed("ERROR: permission denied for schema s")).code(),
            ErrorCode::kAccessDenied);
  auto other =
      StatementFailure(Failed("ERROR: Specified unload destination on S3 is not empty. "
                              "... or using the ALLOWOVERWRITE option."));
  EXPECT_EQ(other.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(other.message().find("fresh prefix"), std::string::npos);
  StatementDescription aborted = Failed("");
  aborted.status = StatementStatus::kAborted;
  EXPECT_EQ(StatementFailure(aborted).code(), ErrorCode::kCancelled);
}

TEST(StatementFailure, MessageNamesTheStatementAndRedactsSecrets) {
  auto e = StatementFailure(Failed(
      "ERROR: Load into table 't' failed.",
      "copy t from 's3://b/p' credentials 'aws_access_key_id=AKID;aws_secret_access_key=SEKRET'"));
  EXPECT_NE(e.message().find("Redshift statement s1 failed: ERROR: Load into table"),
            std::string::npos);
  EXPECT_NE(e.message().find("aws_secret_access_key=***"), std::string::npos);
  EXPECT_EQ(e.message().find("SEKRET"), std::string::npos);
}

TEST(DescribeDataApiError, KeepsAwsFieldsAndAddsFixes) {
  Error in = Error(ErrorCode::kUnavailable,
                   "Redshift Data API ListTables: Database connection "
                   "failed")
                 .WithAws("DatabaseConnectionException", 500, "rid-1");
  DataApiTarget t{"wg", "", "sales"};
  Error out = DescribeDataApiError(in, &t);
  EXPECT_EQ(out.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(out.aws_code(), "DatabaseConnectionException");
  EXPECT_EQ(out.http_status(), 500);
  EXPECT_EQ(out.request_id(), "rid-1");
  EXPECT_NE(out.message().find("database 'sales'"), std::string::npos);
  Error plain = DescribeDataApiError(Error(ErrorCode::kInvalidArgument, "bad"), nullptr);
  EXPECT_EQ(plain.message(), "bad");
}

}  // namespace
}  // namespace crossdock::aws::redshift
