// Shared config and credentials files: the section rules of each file, comments,
// continuation lines, merging, and resolution of profiles into providers (static keys,
// source_profile chains, loops, credential_source = Environment).
#include "crossdock/aws/credentials/profile_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "aws/credentials/canned_transport.h"
#include "crossdock/aws/credentials/assume_role_provider.h"
#include "crossdock/aws/credentials/default_chain.h"
#include "crossdock/aws/credentials/profile_provider.h"
#include "crossdock/core/time_format.h"

namespace crossdock::aws {
namespace {

TEST(ParseProfileFile, ConfigFileSectionRules) {
  auto set = ParseProfileFile(R"(# comment
; another comment
[default]
region = eu-west-1
[profile vendor]
aws_access_key_id=AKIDVENDOR
AWS_Secret_Access_Key = vendor secret with spaces  
[vendor-bare]
region = us-west-2
[sso-session corp]
sso_region = us-east-1
[services local]
s3 =
  endpoint_url = http://127.0.0.1:7480
[profile   spaced  ]
region = ap-south-1
)",
                              ProfileFileKind::kConfig, "config");
  ASSERT_TRUE(set.ok()) << set.error().ToString();
  ASSERT_NE(set->Find("default"), nullptr);
  EXPECT_EQ(set->Find("default")->Get("region").value_or(""), "eu-west-1");
  const Profile* vendor = set->Find("vendor");
  ASSERT_NE(vendor, nullptr);
  EXPECT_EQ(vendor->Get("aws_access_key_id").value_or(""), "AKIDVENDOR");
  EXPECT_EQ(vendor->Get("aws_secret_access_key").value_or(""), "vendor secret with spaces");
  EXPECT_EQ(set->Find("vendor-bare"), nullptr) << "[name] without 'profile' is not a profile";
  EXPECT_EQ(set->Find("sso-session corp"), nullptr);
  EXPECT_EQ(set->Find("corp"), nullptr);
  EXPECT_EQ(set->Find("services local"), nullptr);
  ASSERT_NE(set->Find("spaced"), nullptr);
  EXPECT_EQ(set->profiles.size(), 3u);
}

TEST(ParseProfileFile, ProfileDefaultWinsOverDefaultInConfig) {
  auto set = ParseProfileFile(
      "[default]\nregion = a-b-1\n[profile default]\nregion = c-d-2\n"
      "[default]\noutput = json\n",
      ProfileFileKind::kConfig, "config");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->Find("default")->Get("region").value_or(""), "c-d-2");
  EXPECT_FALSE(set->Find("default")->Get("output").has_value());
}

TEST(ParseProfileFile, CredentialsFileSectionRules) {
  auto set = ParseProfileFile(
      "[default]\naws_access_key_id = A\naws_secret_access_key = S\n"
      "[vendor]\naws_access_key_id = B\naws_secret_access_key = T\n"
      "[profile other]\naws_access_key_id = C\n",
      ProfileFileKind::kCredentials, "credentials");
  ASSERT_TRUE(set.ok());
  EXPECT_NE(set->Find("default"), nullptr);
  EXPECT_EQ(set->Find("vendor")->Get("aws_access_key_id").value_or(""), "B");
  EXPECT_EQ(set->Find("other"), nullptr) << "'profile' prefix is not used in credentials";
  EXPECT_EQ(set->Find("profile other"), nullptr);
}

TEST(ParseProfileFile, ContinuationLinesWindowsLineEndsAndEmptyValues) {
  auto set = ParseProfileFile(
      "[profile p]\r\ns3 =\r\n  max_concurrent_requests = 20\r\n"
      "  addressing_style = path\r\nempty =\r\nregion=us-east-1\r\n",
      ProfileFileKind::kConfig, "config");
  ASSERT_TRUE(set.ok()) << set.error().ToString();
  const Profile* p = set->Find("p");
  EXPECT_EQ(p->properties.at("s3"), "\nmax_concurrent_requests = 20\naddressing_style = path");
  EXPECT_FALSE(p->Get("empty").has_value());
  EXPECT_EQ(p->Get("REGION").value_or(""), "us-east-1");
}

TEST(ParseProfileFile, ErrorsNameFileAndLine) {
  struct Case {
    const char* text;
    const char* expect;
  } cases[] = {
      {"region = us-east-1\n", "config:1: property outside a section"},
      {"[default]\nthis is not a property\n", "config:2: expected 'key = value'"},
      {"[default\n", "config:1: section header without ']'"},
      {"[default]\n= value\n", "config:2: property without a name"},
  };
  for (const auto& c : cases) {
    auto set = ParseProfileFile(c.text, ProfileFileKind::kConfig, "config");
    ASSERT_FALSE(set.ok()) << c.text;
    EXPECT_NE(set.error().message().find(c.expect), std::string::npos) << set.error().message();
  }
  EXPECT_TRUE(
      ParseProfileFile("[default] # trailing comment\n", ProfileFileKind::kConfig, "c").ok());
}

TEST(MergeProfileSets, CredentialsFileWinsKeyByKey) {
  auto config = ParseProfileFile("[profile a]\nregion = eu-west-1\naws_access_key_id = OLD\n",
                                 ProfileFileKind::kConfig, "config");
  auto creds = ParseProfileFile(
      "[a]\naws_access_key_id = NEW\naws_secret_access_key = S\n[b]\n"
      "aws_access_key_id = B\n",
      ProfileFileKind::kCredentials, "credentials");
  ASSERT_TRUE(config.ok() && creds.ok());
  ProfileSet merged = MergeProfileSets(*config, *creds);
  EXPECT_EQ(merged.Find("a")->Get("aws_access_key_id").value_or(""), "NEW");
  EXPECT_EQ(merged.Find("a")->Get("region").value_or(""), "eu-west-1");
  EXPECT_NE(merged.Find("b"), nullptr);
}

// ---- resolution into providers ----

class ProfileResolution : public ::testing::Test {
 protected:
  ProfileSet Parse(const char* config, const char* credentials = "") {
    auto c = ParseProfileFile(config, ProfileFileKind::kConfig, "config");
    auto k = ParseProfileFile(credentials, ProfileFileKind::kCredentials, "credentials");
    EXPECT_TRUE(c.ok() && k.ok());
    return MergeProfileSets(*c, *k);
  }
  ProfileProviderOptions Options(std::map<std::string, std::string> env = {}) {
    ProfileProviderOptions o;
    o.transport = transport_;
    o.clock = &clock_;
    o.env = MapEnv(std::move(env));
    return o;
  }
  // The AssumeRoleProvider under the cache a role profile resolves to.
  static AssumeRoleProvider* Role(const CredentialsProviderPtr& p) {
    auto* cache = dynamic_cast<CachingCredentialsProvider*>(p.get());
    if (cache == nullptr) return nullptr;
    return dynamic_cast<AssumeRoleProvider*>(cache->inner().get());
  }

  ManualClock clock_{*ParseIso8601("2030-01-01T00:00:00Z")};
  std::shared_ptr<testing::CannedTransport> transport_ =
      std::make_shared<testing::CannedTransport>();
};

TEST_F(ProfileResolution, StaticKeysWithSessionToken) {
  ProfileSet set = Parse("",
                         "[default]\naws_access_key_id = A\naws_secret_access_key = S\n"
                         "aws_session_token = T\n");
  auto p = MakeProfileProvider(set, "default", Options());
  ASSERT_TRUE(p.ok());
  auto c = (*p)->GetCredentials();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "A");
  EXPECT_EQ(c->session_token, "T");
}

TEST_F(ProfileResolution, HalfSetKeysNameTheMissingOne) {
  ProfileSet set = Parse("", "[default]\naws_access_key_id = A\n");
  auto p = MakeProfileProvider(set, "default", Options());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().field(), "aws_secret_access_key");
}

TEST_F(ProfileResolution, RoleProfileWithAllSettings) {
  ProfileSet set = Parse(R"([profile customer]
role_arn = arn:aws:iam::111122223333:role/vendor-sync
source_profile = vendor
external_id = ext-id-1234567890
role_session_name = crossdock-acme
duration_seconds = 7200
region = eu-central-1
)",
                         "[vendor]\naws_access_key_id = AKIDVENDOR\naws_secret_access_key = S\n");
  auto p = MakeProfileProvider(set, "customer", Options());
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  AssumeRoleProvider* role = Role(*p);
  ASSERT_NE(role, nullptr);
  EXPECT_EQ(role->options().role_arn, "arn:aws:iam::111122223333:role/vendor-sync");
  EXPECT_EQ(role->options().external_id, "ext-id-1234567890");
  EXPECT_EQ(role->options().role_session_name, "crossdock-acme");
  EXPECT_EQ(role->options().duration.count(), 7200);
  EXPECT_EQ(role->options().region, "eu-central-1");
  EXPECT_FALSE(role->options().chained);
  EXPECT_EQ(role->effective_duration_seconds(), 7200);
  EXPECT_EQ(role->source()->Describe(), "static AKIDVENDOR");

  // It really calls STS (here canned) signed with the vendor's keys, at the profile's region.
  transport_->Answer(200, testing::AssumeRoleOk("ASIA1", "2030-01-01T02:00:00Z"));
  ASSERT_TRUE((*p)->GetCredentials().ok());
  auto sent = transport_->sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].url, "https://sts.eu-central-1.amazonaws.com/");
  EXPECT_NE(sent[0].body.find("&ExternalId=ext-id-1234567890&DurationSeconds=7200"),
            std::string::npos);
}

TEST_F(ProfileResolution, SourceProfileChainMarksLaterHopsChained) {
  ProfileSet set = Parse(R"([profile customer]
role_arn = arn:aws:iam::111122223333:role/vendor-sync
source_profile = hop
duration_seconds = 7200
[profile hop]
role_arn = arn:aws:iam::444455556666:role/hop
source_profile = vendor
[profile vendor]
aws_access_key_id = AKIDVENDOR
aws_secret_access_key = S
)");
  auto p = MakeProfileProvider(set, "customer", Options());
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  AssumeRoleProvider* customer = Role(*p);
  ASSERT_NE(customer, nullptr);
  EXPECT_TRUE(customer->options().chained);
  EXPECT_EQ(customer->effective_duration_seconds(), 3600);  // chained: capped at 1 hour
  AssumeRoleProvider* hop = Role(customer->source());
  ASSERT_NE(hop, nullptr);
  EXPECT_EQ(hop->options().role_arn, "arn:aws:iam::444455556666:role/hop");
  EXPECT_FALSE(hop->options().chained);
  EXPECT_TRUE(hop->options().role_session_name.starts_with("crossdock-profile-hop-"));
}

TEST_F(ProfileResolution, LoopsAreReportedWithThePath) {
  ProfileSet set = Parse(R"([profile a]
role_arn = arn:aws:iam::111122223333:role/a
source_profile = b
[profile b]
role_arn = arn:aws:iam::111122223333:role/b
source_profile = c
[profile c]
role_arn = arn:aws:iam::111122223333:role/c
source_profile = a
)");
  auto p = MakeProfileProvider(set, "a", Options());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(p.error().message().find("a -> b -> c -> a"), std::string::npos) << p.error().message();
}

TEST_F(ProfileResolution, SelfReferenceWithKeysUsesThoseKeys) {
  ProfileSet set = Parse(R"([profile self]
role_arn = arn:aws:iam::111122223333:role/vendor-sync
source_profile = self
aws_access_key_id = AKIDSELF
aws_secret_access_key = S
)");
  auto p = MakeProfileProvider(set, "self", Options());
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ(Role(*p)->source()->Describe(), "static AKIDSELF");
  // Without keys it is a loop.
  ProfileSet loop = Parse(
      "[profile self]\nrole_arn = arn:aws:iam::111122223333:role/x\n"
      "source_profile = self\n");
  EXPECT_FALSE(MakeProfileProvider(loop, "self", Options()).ok());
}

TEST_F(ProfileResolution, CredentialSourceEnvironment) {
  ProfileSet set = Parse(
      "[profile env-role]\nrole_arn = arn:aws:iam::111122223333:role/x\n"
      "credential_source = Environment\n");
  auto p = MakeProfileProvider(
      set, "env-role", Options({{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "S"}}));
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ(Role(*p)->source()->Describe(), "environment AKIDENV");

  ProfileSet imds = Parse(
      "[profile r]\nrole_arn = arn:aws:iam::111122223333:role/x\n"
      "credential_source = Ec2InstanceMetadata\n");
  auto e = MakeProfileProvider(imds, "r", Options());
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().field(), "credential_source");
}

TEST_F(ProfileResolution, MisconfiguredRoleProfiles) {
  struct Case {
    const char* config;
    const char* field;
    const char* text;
  } cases[] = {
      {"[profile r]\nrole_arn = arn:aws:iam::111122223333:role/x\n", "source_profile",
       "without source_profile or credential_source"},
      {"[profile r]\nrole_arn = arn:aws:iam::111122223333:role/x\nsource_profile = k\n"
       "credential_source = Environment\n[profile k]\naws_access_key_id=A\n"
       "aws_secret_access_key=S\n",
       "credential_source", "both source_profile and credential_source"},
      {"[profile r]\nrole_arn = arn:aws:iam::111122223333:role/x\nsource_profile = nope\n",
       "source_profile", "source_profile 'nope' does not exist"},
      {"[profile r]\nrole_arn = arn:aws:iam::111122223333:role/x\ncredential_source = "
       "Environment\nduration_seconds = 1h\n",
       "duration_seconds", "'1h' is not a number"},
      {"[profile r]\nrole_arn = not-an-arn\ncredential_source = Environment\n", "role_arn",
       "profile 'r': RoleArn 'not-an-arn'"},
      {"[profile r]\ncredential_process = /bin/echo\n", "credential_process", "not supported"},
  };
  for (const auto& c : cases) {
    auto p = MakeProfileProvider(Parse(c.config), "r", Options());
    ASSERT_FALSE(p.ok()) << c.config;
    EXPECT_EQ(p.error().field(), c.field) << p.error().message();
    EXPECT_NE(p.error().message().find(c.text), std::string::npos) << p.error().message();
  }
  auto missing = MakeProfileProvider(Parse("[default]\nregion = us-east-1\n"), "nope", Options());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  auto empty = MakeProfileProvider(Parse("[default]\nregion = us-east-1\n"), "default", Options());
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code(), ErrorCode::kNotFound);
}

// ---- files on disk, the default chain and region resolution ----

class SharedFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("crossdock-profile-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(SharedFiles, PathsFromEnvironmentOrHome) {
  auto paths = SharedConfigPathsFromEnv(MapEnv({{"HOME", "/home/u"}}));
  EXPECT_EQ(paths.config, "/home/u/.aws/config");
  EXPECT_EQ(paths.credentials, "/home/u/.aws/credentials");
  paths = SharedConfigPathsFromEnv(
      MapEnv({{"AWS_CONFIG_FILE", "/etc/c"}, {"AWS_SHARED_CREDENTIALS_FILE", "/etc/k"}}));
  EXPECT_EQ(paths.config, "/etc/c");
  EXPECT_EQ(paths.credentials, "/etc/k");
}

TEST_F(SharedFiles, MissingFilesAreEmptyMalformedOnesAreErrors) {
  auto none = LoadSharedConfig({(dir_ / "no-config").string(), (dir_ / "no-creds").string()});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->profiles.empty());
  std::string bad = Write("config", "region = x\n");
  auto err = LoadSharedConfig({bad, ""});
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.error().message().find(bad + ":1:"), std::string::npos);
}

TEST_F(SharedFiles, DefaultChainPrefersEnvironmentThenProfile) {
  std::string config = Write("config", "[profile dev]\nregion = eu-west-3\n");
  std::string creds = Write("credentials",
                            "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = S\n"
                            "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = S\n");
  ManualClock clock(*ParseIso8601("2030-01-01T00:00:00Z"));
  auto transport = std::make_shared<testing::CannedTransport>();
  std::map<std::string, std::string> vars = {{"AWS_CONFIG_FILE", config},
                                             {"AWS_SHARED_CREDENTIALS_FILE", creds}};
  CredentialsSetup setup;

  auto from_file = MakeDefaultCredentialsChain(setup, transport, clock, MapEnv(vars));
  EXPECT_EQ(from_file->GetCredentials()->access_key_id, "AKIDFILE");

  vars["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  vars["AWS_SECRET_ACCESS_KEY"] = "S";
  auto from_env = MakeDefaultCredentialsChain(setup, transport, clock, MapEnv(vars));
  EXPECT_EQ(from_env->GetCredentials()->access_key_id, "AKIDENV");
  EXPECT_EQ(from_env->Describe(), "environment AKIDENV");  // the link that answered

  vars["AWS_PROFILE"] = "dev";  // AWS_PROFILE does not outrank environment keys
  EXPECT_EQ(MakeDefaultCredentialsChain(setup, transport, clock, MapEnv(vars))
                ->GetCredentials()
                ->access_key_id,
            "AKIDENV");
  setup.profile = "dev";  // an explicit --profile does
  EXPECT_EQ(MakeDefaultCredentialsChain(setup, transport, clock, MapEnv(vars))
                ->GetCredentials()
                ->access_key_id,
            "AKIDDEV");
  EXPECT_EQ(*ResolveRegion(setup, MapEnv(vars)), "eu-west-3");
  vars["AWS_DEFAULT_REGION"] = "ca-central-1";
  EXPECT_EQ(*ResolveRegion(setup, MapEnv(vars)), "ca-central-1");
  vars["AWS_REGION"] = "sa-east-1";
  EXPECT_EQ(*ResolveRegion(setup, MapEnv(vars)), "sa-east-1");
  setup.region = "us-west-1";
  EXPECT_EQ(*ResolveRegion(setup, MapEnv(vars)), "us-west-1");
}

TEST_F(SharedFiles, NothingConfiguredSaysWhatWasTried) {
  ManualClock clock(*ParseIso8601("2030-01-01T00:00:00Z"));
  auto chain = MakeDefaultCredentialsChain(
      {}, std::make_shared<testing::CannedTransport>(), clock,
      MapEnv({{"AWS_CONFIG_FILE", (dir_ / "none").string()},
              {"AWS_SHARED_CREDENTIALS_FILE", (dir_ / "none2").string()}}));
  auto c = chain->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(c.error().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);
  EXPECT_NE(c.error().message().find("profile 'default' is not in"), std::string::npos)
      << c.error().message();
}

TEST_F(SharedFiles, BrokenProfileStopsTheChain) {
  std::string creds = Write("credentials", "[default]\naws_access_key_id = A\n");
  ManualClock clock(*ParseIso8601("2030-01-01T00:00:00Z"));
  auto chain = MakeDefaultCredentialsChain(
      {}, std::make_shared<testing::CannedTransport>(), clock,
      MapEnv({{"AWS_SHARED_CREDENTIALS_FILE", creds}, {"AWS_CONFIG_FILE", creds + ".none"}}));
  auto c = chain->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().field(), "aws_secret_access_key");
}

TEST_F(SharedFiles, RoleArnOnTopOfTheChain) {
  ManualClock clock(*ParseIso8601("2030-01-01T00:00:00Z"));
  auto transport = std::make_shared<testing::CannedTransport>();
  transport->Answer(200, testing::AssumeRoleOk("ASIACUSTOMER", "2030-01-01T01:00:00Z"));
  CredentialsSetup setup;
  setup.role_arn = "arn:aws:iam::111122223333:role/vendor-sync";
  setup.external_id = "ext-id-1234567890";
  setup.endpoint_url = "http://127.0.0.1:7480";
  setup.region = "us-east-1";
  auto p = MakeCredentialsProvider(setup, transport, clock,
                                   MapEnv({{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                                           {"AWS_SECRET_ACCESS_KEY", "S"},
                                           {"AWS_CONFIG_FILE", (dir_ / "x").string()}}));
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ((*p)->GetCredentials()->access_key_id, "ASIACUSTOMER");
  auto sent = transport->sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].url, "http://127.0.0.1:7480/");
  EXPECT_NE(sent[0].body.find("&RoleSessionName=crossdock-cli-"), std::string::npos);
  EXPECT_NE(sent[0].body.find("&ExternalId=ext-id-1234567890"), std::string::npos);

  setup.role_arn.clear();
  auto bad = MakeCredentialsProvider(setup, transport, clock, MapEnv({}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field(), "external_id");
}

}  // namespace
}  // namespace crossdock::aws

namespace crossdock::aws {
namespace {

// Random text made of the characters that matter to the grammar never crashes the parser and
// always yields either profiles or an error naming a line.
TEST(ParseProfileFile, RandomTextIsParsedOrRejectedCleanly) {
  const std::string alphabet = "[]=#;\n\r\t  profiledaultxyz_";
  std::mt19937 rng(42);
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    size_t len = rng() % 120;
    for (size_t j = 0; j < len; ++j) text.push_back(alphabet[rng() % alphabet.size()]);
    for (auto kind : {ProfileFileKind::kConfig, ProfileFileKind::kCredentials}) {
      auto set = ParseProfileFile(text, kind, "f");
      if (!set.ok()) {
        EXPECT_TRUE(set.error().message().starts_with("f:")) << set.error().message();
      }
    }
  }
}

}  // namespace
}  // namespace crossdock::aws
