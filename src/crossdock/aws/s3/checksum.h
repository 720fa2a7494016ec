// Checksums S3 accepts per request: CRC32C (Castagnoli) and CRC32 (IEEE, as zlib), sent as
// base64 of the big-endian 32-bit value in x-amz-checksum-crc32c / x-amz-checksum-crc32,
// and MD5 for Content-MD5 (DeleteObjects requires it).
//
// OpenSSL 3 has no CRC32C, so it is computed here: with the SSE4.2 crc32 instruction when the
// CPU has it (several GB/s, so checksumming a part costs far less than sending it) and a
// slicing-by-8 table otherwise. Both CRCs are incremental: pass the previous value to
// continue. Nothing here allocates except the base64 strings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace crossdock::aws::s3 {

// CRC32C of `data`, continuing from `crc` (0 to start).
uint32_t Crc32c(std::string_view data, uint32_t crc = 0);
// CRC32 (IEEE 802.3, zlib's crc32) of `data`, continuing from `crc` (0 to start).
uint32_t Crc32(std::string_view data, uint32_t crc = 0);

// Base64 of the 4 big-endian bytes of a CRC: the value of an x-amz-checksum-crc32[c] header.
std::string ChecksumHeaderValue(uint32_t crc);
// Standard base64 (with padding) of arbitrary bytes.
std::string Base64Encode(std::string_view bytes);
// Raw 16-byte MD5 digest (for Content-MD5 only; not a security function here).
std::string Md5(std::string_view data);

}  // namespace crossdock::aws::s3
