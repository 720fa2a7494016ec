#include "crossdock/crypto/random.h"

#include <gtest/gtest.h>

#include <set>

#include "crossdock/crypto/token_hash.h"

namespace crossdock::crypto {
namespace {

TEST(Random, Base32FollowsRfc4648LowerCaseWithoutPadding) {
  EXPECT_EQ(Base32Encode(""), "");
  EXPECT_EQ(Base32Encode("f"), "my");
  EXPECT_EQ(Base32Encode("fo"), "mzxq");
  EXPECT_EQ(Base32Encode("foo"), "mzxw6");
  EXPECT_EQ(Base32Encode("foob"), "mzxw6yq");
  EXPECT_EQ(Base32Encode("fooba"), "mzxw6ytb");
  EXPECT_EQ(Base32Encode("foobar"), "mzxw6ytboi");
}

TEST(Random, Base64UrlHasNoPaddingOrUnsafeCharacters) {
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
}

TEST(Random, BytesAndIdsDoNotRepeat) {
  EXPECT_EQ(RandomBytes(0), "");
  EXPECT_EQ(RandomBytes(33).size(), 33u);
  std::set<std::string> ids;
  for (int i = 0; i < 10000; ++i) {
    std::string id = RandomId("conn");
    ASSERT_EQ(id.size(), 5u + 26u);
    ASSERT_TRUE(id.starts_with("conn_"));
    ASSERT_TRUE(ids.insert(id).second);
  }
}

TEST(TokenHash, IssuesHighEntropyTokensStoredOnlyAsTheirHash) {
  IssuedToken t = IssueToken();
  EXPECT_TRUE(t.token.starts_with("cdx_"));
  EXPECT_EQ(t.token.size(), 4u + 43u);
  EXPECT_EQ(t.hash.size(), 64u);
  EXPECT_EQ(t.hash, HashToken(t.token));
  EXPECT_EQ(t.hash.find(t.token.substr(4, 10)), std::string::npos);
  EXPECT_TRUE(t.token.starts_with(t.hint.substr(0, 8)));
  EXPECT_LT(t.hint.size(), 16u);
  EXPECT_TRUE(VerifyToken(t.token, t.hash));
  EXPECT_FALSE(VerifyToken(t.token + "x", t.hash));
  EXPECT_NE(IssueToken().token, t.token);
  // SHA-256("abc"), the FIPS 180-2 example.
  EXPECT_EQ(HashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(TokenHash, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

}  // namespace
}  // namespace crossdock::crypto
