#include "crossdock/iam/trust_context.h"

#include <gtest/gtest.h>

namespace crossdock::iam {
namespace {

constexpr const char* kVendor = "arn:aws:iam::568237466542:root";
constexpr const char* kId = "a1efa791-4530-43a0-962d-74e2ccf18309";

Policy Trust(const std::string& principal, const std::string& condition) {
  auto p = ParsePolicy(R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"AWS": ")" +
                       principal + R"("}, "Action": "sts:AssumeRole")" + condition + "}]}");
  EXPECT_TRUE(p.ok()) << p.error().ToString();
  return *p;
}

std::string WithId(const std::string& id) {
  return R"(, "Condition": {"StringEquals": {"sts:ExternalId": ")" + id + R"("}})";
}

std::vector<std::string> Codes(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.code);
  return out;
}

TEST(TrustContext, SeedTrustWithTheVendorAndItsExternalIdPasses) {
  TrustContext ctx{kVendor, {kId}, "", std::nullopt};
  EXPECT_TRUE(CheckTrustContext(Trust(kVendor, WithId(kId)), ctx).empty());
}

TEST(TrustContext, AnotherVendorIsReported) {
  TrustContext ctx{"arn:aws:iam::444455556666:root", {kId}, "", std::nullopt};
  auto f = CheckTrustContext(Trust(kVendor, WithId(kId)), ctx);
  EXPECT_EQ(Codes(f), std::vector<std::string>{"trust-wrong-vendor"});
  EXPECT_NE(f[0].fix.find("444455556666"), std::string::npos) << f[0].fix;
}

TEST(TrustContext, DifferentAndMissingExternalIds) {
  TrustContext ctx{kVendor, {"cdx-new"}, "", std::nullopt};
  auto different = CheckTrustContext(Trust(kVendor, WithId(kId)), ctx);
  EXPECT_EQ(Codes(different), std::vector<std::string>{"trust-external-id-mismatch"});
  EXPECT_NE(different[0].message.find(kId), std::string::npos);
  EXPECT_NE(different[0].fix.find("cdx-new"), std::string::npos);
  auto missing = CheckTrustContext(Trust(kVendor, ""), ctx);
  EXPECT_EQ(Codes(missing), std::vector<std::string>{"trust-external-id-missing"});
}

TEST(TrustContext, DatabricksSelfMeansExactlyThisRole) {
  const std::string self = "arn:aws:iam::111122223333:role/dbx";
  TrustContext ctx{"", {}, self, ConnectionType::kDatabricks};
  EXPECT_TRUE(CheckTrustContext(Trust(self, WithId(kId)), ctx).empty());
  auto other = CheckTrustContext(Trust("arn:aws:iam::111122223333:role/other", WithId(kId)), ctx);
  EXPECT_EQ(Codes(other), std::vector<std::string>{"trust-missing-self"});
}

}  // namespace
}  // namespace crossdock::iam
