#include "crossdock/crypto/secretbox.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "crossdock/core/hex.h"
#include "crossdock/crypto/random.h"

namespace crossdock::crypto {
namespace {

SecretBox Box(char fill) { return SecretBox::FromKey(std::string(kMasterKeyBytes, fill)).value(); }

TEST(SecretBox, SealsAndOpensWithAFreshNonceEachTime) {
  SecretBox box = Box('a');
  std::string a = box.Seal("hunter2");
  std::string b = box.Seal("hunter2");
  EXPECT_NE(a, b);
  EXPECT_TRUE(IsSealed(a));
  EXPECT_TRUE(a.starts_with("cdxsb1."));
  EXPECT_EQ(a.find("hunter2"), std::string::npos);
  EXPECT_EQ(*box.Open(a), "hunter2");
  EXPECT_EQ(*box.Open(b), "hunter2");
  EXPECT_EQ(*box.Open(box.Seal("")), "");
  std::string big(100000, 'x');
  EXPECT_EQ(*box.Open(box.Seal(big)), big);
}

TEST(SecretBox, KeyIdIdentifiesTheKeyWithoutRevealingIt) {
  std::string key(kMasterKeyBytes, 'a');
  SecretBox box = SecretBox::FromKey(key).value();
  EXPECT_EQ(box.key_id().size(), 16u);
  EXPECT_EQ(box.key_id(), SecretBox::FromKey(key)->key_id());
  EXPECT_NE(box.key_id(), Box('b').key_id());
  EXPECT_EQ(HexEncode(key).find(box.key_id()), std::string::npos);
  EXPECT_FALSE(SecretBox::FromKey("short").ok());
}

TEST(SecretBox, AnotherKeyIsReportedWithBothKeyIdsAndTheFix) {
  std::string sealed = Box('a').Seal("secret");
  auto opened = Box('b').Open(sealed);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(opened.error().field(), "master_key");
  EXPECT_NE(opened.error().message().find(Box('a').key_id()), std::string::npos);
  EXPECT_NE(opened.error().message().find(Box('b').key_id()), std::string::npos);
  EXPECT_NE(opened.error().message().find("--master-key-file"), std::string::npos);
}

TEST(SecretBox, DamagedCiphertextIsDataLoss) {
  SecretBox box = Box('a');
  std::string sealed = box.Seal("secret value");
  for (std::size_t pos : {sealed.size() - 1, sealed.size() - 10, std::size_t{40}}) {
    std::string bad = sealed;
    bad[pos] = bad[pos] == 'A' ? 'B' : 'A';
    auto opened = box.Open(bad);
    ASSERT_FALSE(opened.ok()) << pos;
    // Position 40 lies in the nonce/ciphertext: the tag fails. (Key id bytes are 7..29.)
    EXPECT_TRUE(opened.error().code() == ErrorCode::kDataLoss ||
                opened.error().code() == ErrorCode::kFailedPrecondition);
  }
  EXPECT_EQ(box.Open(sealed.substr(0, 20)).error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(box.Open("plain text").error().code(), ErrorCode::kInvalidArgument);
}

class MasterKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "crossdock-key-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(MasterKeyTest, CreatesAPrivateKeyFileOnFirstStartAndReadsItAfterwards) {
  std::string path = (dir_ / "nested" / "master.key").string();
  auto first = LoadMasterKey({"", path, true});
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_TRUE(first->created);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir_ / "nested").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  auto second = LoadMasterKey({"", path, true});
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->box.key_id(), first->box.key_id());
  EXPECT_EQ(*second->box.Open(first->box.Seal("x")), "x");
  EXPECT_NE(first->source.find(path), std::string::npos);
}

TEST_F(MasterKeyTest, MissingFileWithoutCreationIsAnError) {
  auto r = LoadMasterKey({"", (dir_ / "absent.key").string(), false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field(), "master_key_file");
}

TEST_F(MasterKeyTest, RefusesAKeyFileOthersCanRead) {
  std::string path = (dir_ / "loose.key").string();
  ASSERT_TRUE(LoadMasterKey({"", path, true}).ok());
  ::chmod(path.c_str(), 0644);
  auto r = LoadMasterKey({"", path, true});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("chmod 600"), std::string::npos);
}

TEST_F(MasterKeyTest, TheEnvironmentWinsAndAcceptsHexOrBase64) {
  std::string key = RandomBytes(kMasterKeyBytes);
  SecretBox expected = SecretBox::FromKey(key).value();
  std::string file = (dir_ / "unused.key").string();
  auto hex = LoadMasterKey({HexEncode(key) + "\n", file, true});
  ASSERT_TRUE(hex.ok()) << hex.error().ToString();
  EXPECT_EQ(hex->box.key_id(), expected.key_id());
  EXPECT_FALSE(std::filesystem::exists(file));  // env wins: no file created
  auto b64 = LoadMasterKey({EncodeMasterKey(key), file, true});
  ASSERT_TRUE(b64.ok());
  EXPECT_EQ(b64->box.key_id(), expected.key_id());
  EXPECT_NE(b64->source.find("CROSSDOCK_MASTER_KEY"), std::string::npos);
}

TEST_F(MasterKeyTest, AMalformedKeyIsRejectedWithoutEchoingIt) {
  const std::string bad = "not-a-key-but-maybe-a-password-1234";
  auto r = LoadMasterKey({bad, "", true});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field(), "master_key");
  EXPECT_EQ(r.error().message().find(bad), std::string::npos);
  EXPECT_NE(r.error().message().find("CROSSDOCK_MASTER_KEY"), std::string::npos);

  std::string path = (dir_ / "short.key").string();
  {
    std::ofstream out(path);
    out << "c2hvcnQ=\n";  // base64 of "short"
  }
  ::chmod(path.c_str(), 0600);
  auto f = LoadMasterKey({"", path, true});
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message().find(path), std::string::npos);
}

}  // namespace
}  // namespace crossdock::crypto
