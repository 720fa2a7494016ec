// `crossdock aws sign` and `crossdock aws curl` as a user runs them: the real binary, a
// clean environment, and (for curl) the real peer.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "testing/peers.h"

namespace {

using crossdock::testing::Env;

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Binary() {
  std::string from_env = Env("CROSSDOCK_BINARY");
  return from_env.empty() ? std::string(CROSSDOCK_BINARY_PATH) : from_env;
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(Binary()))
        << Binary() << " does not exist: build the crossdock target first";
    dir_ = std::filesystem::temp_directory_path() /
           ("crossdock-cli-itest-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs crossdock with only `env` (plus PATH and HOME pointing at an empty directory).
  CliRun Crossdock(const std::vector<std::string>& args,
                   std::map<std::string, std::string> env = {}) {
    env["PATH"] = "/usr/bin:/bin";
    env.emplace("HOME", dir_.string());
    std::string cmd = "env -i";
    for (const auto& [k, v] : env) cmd += " " + k + "=" + Quote(v);
    cmd += " " + Quote(Binary());
    for (const auto& a : args) cmd += " " + Quote(a);
    std::string err_file = (dir_ / "stderr").string();
    cmd += " 2>" + Quote(err_file);
    CliRun run;
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return run;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) run.out.append(buf, n);
    int status = pclose(p);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(err_file);
    std::stringstream ss;
    ss << in.rdbuf();
    run.err = ss.str();
    return run;
  }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  std::map<std::string, std::string> VendorEnv() {
    return {{"AWS_ACCESS_KEY_ID", Env("RGW_VENDOR_ACCESS_KEY")},
            {"AWS_SECRET_ACCESS_KEY", Env("RGW_VENDOR_SECRET_KEY")},
            {"AWS_REGION", Env("RGW_REGION")}};
  }

  static std::string Unique() { return std::to_string(std::random_device{}() % 100000000); }

  std::filesystem::path dir_;
};

// The AWS SigV4 test suite's get-vanilla case.
TEST_F(Cli, SignPrintsEveryStageOfTheAwsSuiteCase) {
  CliRun r = Crossdock({"aws", "sign", "--method", "GET", "--url", "https://example.amazonaws.com/",
                        "--region", "us-east-1", "--service", "service", "--date",
                        "20150830T123600Z", "--access-key", "AKIDEXAMPLE", "--secret-key",
                        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Canonical request:\nGET\n/\n\nhost:example.amazonaws.com\n"
                       "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("String to sign:\nAWS4-HMAC-SHA256\n20150830T123600Z\n"
                       "20150830/us-east-1/service/aws4_request\n"
                       "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/"
                       "service/aws4_request, SignedHeaders=host;x-amz-date, Signature="
                       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("wJalrXUtnFEMI"), std::string::npos) << "the secret must not be printed";
}

// The presigned URL example of the S3 SigV4 documentation.
TEST_F(Cli, SignPresignsTheS3DocumentationExample) {
  CliRun r = Crossdock({"aws", "sign", "--url", "https://examplebucket.s3.amazonaws.com/test.txt",
                        "--region", "us-east-1", "--service", "s3", "--date", "20130524T000000Z",
                        "--access-key", "AKIAIOSFODNN7EXAMPLE", "--secret-key",
                        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "--presign", "86400"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("X-Amz-Signature="
                       "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"),
            std::string::npos)
      << r.out;
}

TEST_F(Cli, SignHidesTheSessionTokenAndRejectsBadInput) {
  CliRun r =
      Crossdock({"aws", "sign", "--url", "https://sts.us-east-1.amazonaws.com/", "--service", "sts",
                 "--access-key", "ASIAEXAMPLE", "--secret-key", "s", "--session-token",
                 "TOKEN-THAT-MUST-NOT-SHOW", "--date", "20300101T000000Z"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("X-Amz-Security-Token: (the session token)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("TOKEN-THAT-MUST-NOT-SHOW"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("x-amz-security-token:<session token, hidden>\n"), std::string::npos);
  // The signature is still that of the real token (checked against the same request signed
  // by hand: same key, same time).
  EXPECT_NE(r.out.find("Signature: "
                       "241138de0a47a0b251bd04b06a9624a8b09aba1384d7ecaf53a1c035abcf3537"),
            std::string::npos);
  CliRun bad = Crossdock({"aws", "sign", "--url", "https://x.amazonaws.com/", "--service", "s3",
                          "--date", "yesterday", "--access-key", "A", "--secret-key", "S"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--date 'yesterday'"), std::string::npos) << bad.err;
  CliRun header = Crossdock({"aws", "sign", "--url", "https://x.amazonaws.com/", "--service", "s3",
                             "--header", "NoColon", "--access-key", "A", "--secret-key", "S"});
  EXPECT_EQ(header.exit_code, 2);
}

#define REQUIRE_RGW_CLI()                                                                          \
  REQUIRE_PEER("RGW_ENDPOINT", "RGW_REGION", "RGW_VENDOR_ACCESS_KEY", "RGW_VENDOR_SECRET_KEY",     \
               "RGW_INTRUDER_ACCESS_KEY", "RGW_INTRUDER_SECRET_KEY", "RGW_ROLE_ARN", "RGW_BUCKET", \
               "RGW_PREFIX")

TEST_F(Cli, CurlListsThePrefixWithAnAssumedRole) {
  REQUIRE_RGW_CLI();
  CliRun r = Crossdock(
      {"aws", "curl", "--endpoint-url", Env("RGW_ENDPOINT"), "--role-arn", Env("RGW_ROLE_ARN"),
       "/" + Env("RGW_BUCKET") + "?list-type=2&prefix=" + Env("RGW_PREFIX") + "/"},
      VendorEnv());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("<ListBucketResult"), std::string::npos) << r.out;
}

TEST_F(Cli, CurlWritesInsideThePrefixAndGetsExit3Outside) {
  REQUIRE_RGW_CLI();
  std::string body_file = Write("body.txt", "written by crossdock aws curl");
  std::string key = "/" + Env("RGW_BUCKET") + "/" + Env("RGW_PREFIX") + "/cli-itest-" + Unique();
  std::vector<std::string> role = {"--endpoint-url", Env("RGW_ENDPOINT"), "--role-arn",
                                   Env("RGW_ROLE_ARN")};
  auto with = [&](std::vector<std::string> args) {
    std::vector<std::string> all = {"aws", "curl"};
    all.insert(all.end(), role.begin(), role.end());
    all.insert(all.end(), args.begin(), args.end());
    return all;
  };
  CliRun put =
      Crossdock(with({"-X", "PUT", "-H", "Content-Type: text/plain", "-d", "@" + body_file, key}),
                VendorEnv());
  ASSERT_EQ(put.exit_code, 0) << put.err;
  CliRun get = Crossdock(with({"-i", key}), VendorEnv());
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_TRUE(get.out.starts_with("HTTP 200\n")) << get.out;
  EXPECT_TRUE(get.out.ends_with("\n\nwritten by crossdock aws curl")) << get.out;
  CliRun del = Crossdock(with({"-X", "DELETE", key}), VendorEnv());
  EXPECT_EQ(del.exit_code, 0) << del.err;

  CliRun outside =
      Crossdock(with({"-X", "PUT", "-d", "x", "/" + Env("RGW_BUCKET") + "/outside-" + Unique()}),
                VendorEnv());
  EXPECT_EQ(outside.exit_code, 3);
  EXPECT_NE(outside.err.find("HTTP 403 AccessDenied"), std::string::npos) << outside.err;
}

TEST_F(Cli, CurlReportsADeniedAssumeRoleInTheCustomersTerms) {
  REQUIRE_RGW_CLI();
  CliRun r = Crossdock({"aws", "curl", "--endpoint-url", Env("RGW_ENDPOINT"), "--role-arn",
                        Env("RGW_ROLE_ARN"), "/" + Env("RGW_BUCKET") + "?list-type=2"},
                       {{"AWS_ACCESS_KEY_ID", Env("RGW_INTRUDER_ACCESS_KEY")},
                        {"AWS_SECRET_ACCESS_KEY", Env("RGW_INTRUDER_SECRET_KEY")},
                        {"AWS_REGION", Env("RGW_REGION")}});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("HTTP 403 AccessDenied"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("is not allowed to assume role " + Env("RGW_ROLE_ARN")), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find(Env("RGW_INTRUDER_SECRET_KEY")), std::string::npos);
}

TEST_F(Cli, CurlUsesARoleProfileFromTheSharedFiles) {
  REQUIRE_RGW_CLI();
  std::string config =
      Write("config", "[profile customer]\nrole_arn = " + Env("RGW_ROLE_ARN") +
                          "\nsource_profile = vendor\nregion = " + Env("RGW_REGION") +
                          "\nrole_session_name = "
                          "crossdock-cli-itest\n");
  std::string creds =
      Write("credentials", "[vendor]\naws_access_key_id = " + Env("RGW_VENDOR_ACCESS_KEY") +
                               "\naws_secret_access_key = " + Env("RGW_VENDOR_SECRET_KEY") + "\n");
  CliRun r =
      Crossdock({"aws", "curl", "--profile", "customer", "--endpoint-url", Env("RGW_ENDPOINT"),
                 "/" + Env("RGW_BUCKET") + "?list-type=2&prefix=" + Env("RGW_PREFIX") + "/"},
                {{"AWS_CONFIG_FILE", config}, {"AWS_SHARED_CREDENTIALS_FILE", creds}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("<ListBucketResult"), std::string::npos);
  CliRun none = Crossdock({"aws", "curl", Env("RGW_ENDPOINT") + "/" + Env("RGW_BUCKET")},
                          {{"AWS_CONFIG_FILE", config + ".missing"}});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no AWS credentials found"), std::string::npos) << none.err;
}

TEST_F(Cli, CurlWithExternalIdThroughTheFront) {
  REQUIRE_PEER("CROSSDOCK_STS_ENDPOINT", "RGW_EXTID_ROLE_ARN", "RGW_EXTERNAL_ID", "RGW_REGION",
               "RGW_VENDOR_ACCESS_KEY", "RGW_VENDOR_SECRET_KEY", "RGW_BUCKET", "RGW_PREFIX");
  auto run = [&](const std::string& external_id) {
    return Crossdock({"aws", "curl", "--endpoint-url", Env("CROSSDOCK_STS_ENDPOINT"), "--role-arn",
                      Env("RGW_EXTID_ROLE_ARN"), "--external-id", external_id,
                      "/" + Env("RGW_BUCKET") + "?list-type=2&prefix=" + Env("RGW_PREFIX") + "/"},
                     VendorEnv());
  };
  CliRun right = run(Env("RGW_EXTERNAL_ID"));
  EXPECT_EQ(right.exit_code, 0) << right.err;
  CliRun wrong = run("wrong-external-id");
  EXPECT_EQ(wrong.exit_code, 3);
  EXPECT_NE(wrong.err.find("External ID sent must equal its sts:ExternalId condition"),
            std::string::npos)
      << wrong.err;
}

}  // namespace
