// Part-size arithmetic: the 10,000-part limit, the 5 MiB floor, the 5 GiB ceiling, whole
// MiB rounding and the 5 TiB object limit.
#include "crossdock/aws/s3/part_size.h"

#include <gtest/gtest.h>

namespace crossdock::aws::s3 {
namespace {

constexpr uint64_t kGiB = 1024 * kMiB;

TEST(PartSizeTest, SmallObjectsUseThePreferredSize) {
  EXPECT_EQ(ChoosePartSize(0).value(), kDefaultPartSize);
  EXPECT_EQ(ChoosePartSize(200 * kMiB).value(), 8 * kMiB);
  EXPECT_EQ(ChoosePartSize(200 * kMiB, 16 * kMiB).value(), 16 * kMiB);
}

TEST(PartSizeTest, PreferredBelowFiveMiBIsRaised) {
  EXPECT_EQ(ChoosePartSize(100 * kMiB, 1).value(), 5 * kMiB);
  EXPECT_EQ(ChoosePartSize(std::nullopt, 1024).value(), 5 * kMiB);
}

TEST(PartSizeTest, LargeObjectsFitInTenThousandParts) {
  // 8 MiB x 10,000 = 78.1 GiB fits exactly; one byte more needs a larger part.
  EXPECT_EQ(ChoosePartSize(8 * kMiB * 10000).value(), 8 * kMiB);
  EXPECT_EQ(ChoosePartSize(8 * kMiB * 10000 + 1).value(), 9 * kMiB);
  for (uint64_t size : {100 * kGiB, 1024 * kGiB, 3 * 1024 * kGiB + 12345, kMaxObjectSize}) {
    uint64_t part = ChoosePartSize(size).value();
    EXPECT_LE(PartCount(size, part), kMaxParts) << size;
    EXPECT_EQ(part % kMiB, 0u) << size;
    EXPECT_GE(part, kMinPartSize);
    EXPECT_LE(part, kMaxPartSize);
    // Minimal: one MiB less would not fit (or would go below the preferred size).
    if (part > kDefaultPartSize) {
      EXPECT_GT(PartCount(size, part - kMiB), kMaxParts) << size;
    }
  }
}

TEST(PartSizeTest, ObjectsOverFiveTiBAreRefused) {
  auto r = ChoosePartSize(kMaxObjectSize + 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field(), "size");
  EXPECT_NE(r.error().message().find("5 TiB"), std::string::npos);
}

TEST(PartSizeTest, PreferredAboveFiveGiBIsCapped) {
  EXPECT_EQ(ChoosePartSize(10 * kGiB, 6 * kGiB).value(), kMaxPartSize);
}

TEST(PartSizeTest, PartCount) {
  EXPECT_EQ(PartCount(0, 8 * kMiB), 1u);
  EXPECT_EQ(PartCount(8 * kMiB, 8 * kMiB), 1u);
  EXPECT_EQ(PartCount(8 * kMiB + 1, 8 * kMiB), 2u);
  EXPECT_EQ(PartCount(200 * kMiB, 8 * kMiB), 25u);
}

}  // namespace
}  // namespace crossdock::aws::s3
