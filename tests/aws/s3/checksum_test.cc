// CRC32C and CRC32 against published check values, the hardware path against the table
// path, incremental use, and the header encodings S3 expects.
#include "crossdock/aws/s3/checksum.h"

#include <gtest/gtest.h>

#include <random>

#include "crossdock/core/hex.h"

namespace crossdock::aws::s3 {
namespace {

TEST(ChecksumTest, CheckValues) {
  // The "check" values of the CRC catalogue for the ASCII string "123456789".
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32c(""), 0u);
  // RFC 3720 (iSCSI) B.4: 32 bytes of zeros and of 0xff.
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(std::string(32, '\xff')), 0x62A8AB43u);
}

TEST(ChecksumTest, IncrementalEqualsOneShotAtEveryAlignment) {
  std::mt19937 rng(7);
  std::string data(10007, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  uint32_t whole_c = Crc32c(data);
  uint32_t whole = Crc32(data);
  for (size_t cut : {0u, 1u, 3u, 7u, 8u, 9u, 4096u, 10006u, 10007u}) {
    std::string_view a(data.data(), cut), b(data.data() + cut, data.size() - cut);
    EXPECT_EQ(Crc32c(b, Crc32c(a)), whole_c) << cut;
    EXPECT_EQ(Crc32(b, Crc32(a)), whole) << cut;
  }
}

TEST(ChecksumTest, HeaderValueIsBase64OfBigEndian) {
  // AWS documents the CRC32C of an empty body as "AAAAAA==".
  EXPECT_EQ(ChecksumHeaderValue(Crc32c("")), "AAAAAA==");
  EXPECT_EQ(ChecksumHeaderValue(0xE3069283u), "4waSgw==");
  EXPECT_EQ(Base64Encode("hello"), "aGVsbG8=");
  EXPECT_EQ(Base64Encode(""), "");
}

TEST(ChecksumTest, Md5ForContentMd5) {
  EXPECT_EQ(HexEncode(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Base64Encode(Md5("")), "1B2M2Y8AsgTpgAmY7PhCfg==");
}

}  // namespace
}  // namespace crossdock::aws::s3
