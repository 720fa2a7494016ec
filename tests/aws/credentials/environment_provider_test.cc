// Environment credentials and the profile/region helpers.
#include "crossdock/aws/credentials/environment_provider.h"

#include <gtest/gtest.h>

#include "crossdock/aws/credentials/credential_process.h"
#include "crossdock/core/time_format.h"

namespace crossdock::aws {
namespace {

TEST(EnvironmentProvider, KeysTokenAndExpiration) {
  EnvironmentCredentialsProvider p(MapEnv({{"AWS_ACCESS_KEY_ID", "AKID"},
                                           {"AWS_SECRET_ACCESS_KEY", "secret"},
                                           {"AWS_SESSION_TOKEN", "token"},
                                           {"AWS_CREDENTIAL_EXPIRATION", "2030-01-01T00:00:00Z"}}));
  auto c = p.GetCredentials();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AKID");
  EXPECT_EQ(c->secret_access_key, "secret");
  EXPECT_EQ(c->session_token, "token");
  EXPECT_EQ(FormatIso8601(*c->expiration), "2030-01-01T00:00:00Z");
  EXPECT_EQ(p.Describe(), "environment AKID");
}

TEST(EnvironmentProvider, UnsetIsNotFoundSoTheChainMovesOn) {
  EnvironmentCredentialsProvider p(MapEnv({{"AWS_ACCESS_KEY_ID", ""}}));
  auto c = p.GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), ErrorCode::kNotFound);
}

TEST(EnvironmentProvider, HalfSetNamesTheMissingVariable) {
  EnvironmentCredentialsProvider only_key(MapEnv({{"AWS_ACCESS_KEY_ID", "AKID"}}));
  auto c = only_key.GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(c.error().field(), "AWS_SECRET_ACCESS_KEY");
  EnvironmentCredentialsProvider only_secret(MapEnv({{"AWS_SECRET_ACCESS_KEY", "s"}}));
  EXPECT_EQ(only_secret.GetCredentials().error().field(), "AWS_ACCESS_KEY_ID");
  EnvironmentCredentialsProvider bad_time(MapEnv({{"AWS_ACCESS_KEY_ID", "A"},
                                                  {"AWS_SECRET_ACCESS_KEY", "s"},
                                                  {"AWS_CREDENTIAL_EXPIRATION", "soon"}}));
  EXPECT_EQ(bad_time.GetCredentials().error().field(), "AWS_CREDENTIAL_EXPIRATION");
}

TEST(EnvironmentProvider, SecretsAreNotInDescribeOrErrors) {
  EnvironmentCredentialsProvider p(MapEnv({{"AWS_SECRET_ACCESS_KEY", "TOPSECRET"}}));
  EXPECT_EQ(p.GetCredentials().error().message().find("TOPSECRET"), std::string::npos);
  EXPECT_EQ(p.Describe().find("TOPSECRET"), std::string::npos);
}

TEST(EnvironmentHelpers, ProfileAndRegionPrecedence) {
  EXPECT_EQ(ProfileNameFromEnv(MapEnv({})), "default");
  EXPECT_EQ(ProfileNameFromEnv(MapEnv({{"AWS_DEFAULT_PROFILE", "b"}})), "b");
  EXPECT_EQ(ProfileNameFromEnv(MapEnv({{"AWS_PROFILE", "a"}, {"AWS_DEFAULT_PROFILE", "b"}})), "a");
  EXPECT_EQ(RegionFromEnv(MapEnv({})), "");
  EXPECT_EQ(RegionFromEnv(MapEnv({{"AWS_DEFAULT_REGION", "eu-west-1"}})), "eu-west-1");
  EXPECT_EQ(RegionFromEnv(MapEnv({{"AWS_REGION", "us-west-2"}, {"AWS_DEFAULT_REGION", "x"}})),
            "us-west-2");
}

TEST(CredentialProcess, JsonRoundTripAndLongTermKeys) {
  AwsCredentials c;
  c.access_key_id = "ASIA1";
  c.secret_access_key = "s/k+";
  c.session_token = "tok";
  c.expiration = *ParseIso8601("2030-01-01T01:02:03.456Z");
  std::string json = CredentialProcessJson(c);
  EXPECT_EQ(json,
            R"({"Version":1,"AccessKeyId":"ASIA1","SecretAccessKey":"s/k+","SessionToken":"tok",)"
            R"("Expiration":"2030-01-01T01:02:03Z"})");
  auto back = ParseCredentialProcessJson(json);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->session_token, "tok");
  AwsCredentials long_term;
  long_term.access_key_id = "AKID";
  long_term.secret_access_key = "s";
  EXPECT_EQ(CredentialProcessJson(long_term),
            R"({"Version":1,"AccessKeyId":"AKID","SecretAccessKey":"s"})");
  EXPECT_FALSE(ParseCredentialProcessJson(R"({"Version":2,"AccessKeyId":"a"})").ok());
}

}  // namespace
}  // namespace crossdock::aws
