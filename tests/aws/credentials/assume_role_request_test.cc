// The AssumeRole form body, byte for byte, and the parameter limits from the STS reference.
#include "crossdock/aws/sts/assume_role_request.h"

#include <gtest/gtest.h>

namespace crossdock::aws::sts {
namespace {

AssumeRoleParams Minimal() {
  AssumeRoleParams p;
  p.role_arn = "arn:aws:iam::111122223333:role/vendor-sync";
  p.role_session_name = "crossdock-acme-1a2b3c4d";
  return p;
}

TEST(AssumeRoleBody, MinimalHasActionVersionRoleAndSessionOnly) {
  EXPECT_EQ(BuildAssumeRoleBody(Minimal()),
            "Action=AssumeRole&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fvendor-sync"
            "&RoleSessionName=crossdock-acme-1a2b3c4d");
}

TEST(AssumeRoleBody, EveryParameterInDocumentedOrderAndEncoded) {
  AssumeRoleParams p = Minimal();
  p.external_id = "ext-id/1234:=+,.@-";
  p.duration_seconds = 1800;
  p.policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",)"
             R"("Resource":"arn:aws:s3:::b/sync/*"}]})";
  p.source_identity = "user@example.com";
  EXPECT_EQ(BuildAssumeRoleBody(p),
            "Action=AssumeRole&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fvendor-sync"
            "&RoleSessionName=crossdock-acme-1a2b3c4d"
            "&ExternalId=ext-id%2F1234%3A%3D%2B%2C.%40-"
            "&DurationSeconds=1800"
            "&Policy=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%"
            "3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22arn%3Aaws%"
            "3As3%3A%3A%3Ab%2Fsync%2F%2A%22%7D%5D%7D"
            "&SourceIdentity=user%40example.com");
}

TEST(FormEncode, SpacesArePercentTwentyNeverPlusAndUtf8BytesEncoded) {
  EXPECT_EQ(FormEncode("a b+c~\xC3\xA9"), "a%20b%2Bc~%C3%A9");
  EXPECT_EQ(FormEncode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(FormEncode(""), "");
}

TEST(ValidateAssumeRoleParams, AcceptsTheLimits) {
  AssumeRoleParams p = Minimal();
  p.external_id = std::string(1224, 'x');
  p.duration_seconds = 43200;
  p.role_session_name = std::string(64, 'a');
  p.source_identity = "ab";
  EXPECT_TRUE(ValidateAssumeRoleParams(p).ok());
  p.duration_seconds = 900;
  p.role_arn = "arn:aws-cn:iam::111122223333:role/path/to/name";
  EXPECT_TRUE(ValidateAssumeRoleParams(p).ok());
}

struct BadCase {
  const char* what;
  void (*mutate)(AssumeRoleParams&);
  const char* field;
};

TEST(ValidateAssumeRoleParams, NamesTheFieldThatIsWrong) {
  const BadCase cases[] = {
      {"three colons",
       [](AssumeRoleParams& p) { p.role_arn = "arn:aws:iam:::111122223333:role/x"; }, "role_arn"},
      {"user not role",
       [](AssumeRoleParams& p) { p.role_arn = "arn:aws:iam::111122223333:user/vendor"; },
       "role_arn"},
      {"short account", [](AssumeRoleParams& p) { p.role_arn = "arn:aws:iam::1111222233:role/x"; },
       "role_arn"},
      {"bad partition",
       [](AssumeRoleParams& p) { p.role_arn = "arn:azure:iam::111122223333:role/x"; }, "role_arn"},
      {"session with space", [](AssumeRoleParams& p) { p.role_session_name = "my session"; },
       "role_session_name"},
      {"session too long", [](AssumeRoleParams& p) { p.role_session_name = std::string(65, 'a'); },
       "role_session_name"},
      {"session too short", [](AssumeRoleParams& p) { p.role_session_name = "a"; },
       "role_session_name"},
      {"external id with space", [](AssumeRoleParams& p) { p.external_id = "ext id"; },
       "external_id"},
      {"external id too long", [](AssumeRoleParams& p) { p.external_id = std::string(1225, 'x'); },
       "external_id"},
      {"duration too short", [](AssumeRoleParams& p) { p.duration_seconds = 899; },
       "duration_seconds"},
      {"duration too long", [](AssumeRoleParams& p) { p.duration_seconds = 43201; },
       "duration_seconds"},
      {"policy too long", [](AssumeRoleParams& p) { p.policy = std::string(2049, ' '); }, "policy"},
      {"source identity with colon", [](AssumeRoleParams& p) { p.source_identity = "a:b"; },
       "source_identity"},
  };
  for (const auto& c : cases) {
    AssumeRoleParams p = Minimal();
    c.mutate(p);
    Status st = ValidateAssumeRoleParams(p);
    ASSERT_FALSE(st.ok()) << c.what;
    EXPECT_EQ(st.error().code(), ErrorCode::kInvalidArgument) << c.what;
    EXPECT_EQ(st.error().field(), c.field) << c.what << ": " << st.error().message();
  }
}

}  // namespace
}  // namespace crossdock::aws::sts
