#include "crossdock/connect/external_id.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <set>

namespace crossdock::connect {
namespace {

TEST(ExternalId, UsesOnlyTheStsAlphabetAndAllowedLength) {
  for (int i = 0; i < 1000; ++i) {
    std::string id = GenerateExternalId();
    EXPECT_GE(id.size(), kExternalIdMinLength);
    EXPECT_LE(id.size(), kExternalIdMaxLength);
    for (char c : id) EXPECT_TRUE(IsExternalIdChar(c)) << id;
    EXPECT_TRUE(ValidateExternalId(id).ok()) << id;
  }
}

TEST(ExternalId, CarriesAtLeast128RandomBits) {
  // "cdx-" then 26 base32 characters: 26 * 5 = 130 bits of room for 128 random bits.
  std::string id = GenerateExternalId();
  ASSERT_EQ(id.size(), 30u);
  EXPECT_EQ(id.substr(0, 4), "cdx-");
  const std::string body = id.substr(4);
  EXPECT_EQ(body.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567"), std::string::npos);
  EXPECT_GE(body.size() * 5, kExternalIdEntropyBits);

  // Every one of the 25 fully random positions uses the whole 32-symbol alphabet evenly:
  // over 32,000 IDs each symbol is expected 1,000 times per position; a chi-square far above
  // the 31-degree-of-freedom critical value (about 61.1 at p=0.001) would mean bias.
  constexpr int kSamples = 32000;
  std::array<std::array<int, 32>, 25> counts{};
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  for (int i = 0; i < kSamples; ++i) {
    std::string b = GenerateExternalId().substr(4);
    for (int pos = 0; pos < 25; ++pos) ++counts[pos][alphabet.find(b[pos])];
  }
  int biased = 0;
  for (const auto& pos : counts) {
    double chi2 = 0;
    for (int n : pos) chi2 += std::pow(n - kSamples / 32.0, 2) / (kSamples / 32.0);
    if (chi2 > 61.1) ++biased;
  }
  EXPECT_LE(biased, 1);  // 25 tests at p=0.001: more than one failure is not chance
}

TEST(ExternalId, IsUniqueOverManyGenerations) {
  std::set<std::string> seen;
  for (int i = 0; i < 200000; ++i) {
    ASSERT_TRUE(seen.insert(GenerateExternalId()).second) << "duplicate after " << i;
  }
}

TEST(ExternalId, ValidationNamesTheFieldAndTheRule) {
  EXPECT_TRUE(ValidateExternalId("ab").ok());
  EXPECT_TRUE(ValidateExternalId("a1efa791-4530-43a0-962d-74e2ccf18309").ok());
  EXPECT_TRUE(ValidateExternalId("Az09_+=,.@:/-").ok());
  EXPECT_TRUE(ValidateExternalId(std::string(1224, 'x')).ok());

  auto too_short = ValidateExternalId("a", "databricks.external_id");
  ASSERT_FALSE(too_short.ok());
  EXPECT_EQ(too_short.error().field(), "databricks.external_id");
  EXPECT_NE(too_short.error().message().find("2 to 1224"), std::string::npos);
  EXPECT_FALSE(ValidateExternalId(std::string(1225, 'x')).ok());
  for (std::string bad : {"has space", "semi;colon", "per%cent", "hash#", "quote\"", "tab\t1",
                          "uml\xc3\xa4ut", "star*"}) {
    auto st = ValidateExternalId(bad);
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_EQ(st.error().field(), "external_id");
    EXPECT_NE(st.error().message().find("position"), std::string::npos);
  }
}

}  // namespace
}  // namespace crossdock::connect
