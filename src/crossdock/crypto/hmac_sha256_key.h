// HmacSha256Key: an HMAC-SHA256 key whose inner and outer pad states are hashed once, so
// each later MAC costs two short SHA-256 finishes instead of four compressions plus
// OpenSSL's per-call algorithm lookup. SigV4 uses it for the cached signing key, where the
// only per-request work is HMAC(k_signing, string_to_sign). Also a one-shot Sha256Into that
// reuses a pre-fetched digest. It does not stream, does not verify MACs in constant time
// (callers compare with CRYPTO_memcmp if they need to) and never logs key material.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace crossdock::crypto {

using Digest256 = std::array<unsigned char, 32>;

// SHA-256 of `data` into `out`; same result as Sha256() but without a per-call fetch.
void Sha256Into(std::string_view data, Digest256& out);

class HmacSha256Key {
 public:
  // Any key length (keys longer than the 64-byte block are hashed first, per RFC 2104).
  explicit HmacSha256Key(std::string_view key);
  ~HmacSha256Key();
  HmacSha256Key(const HmacSha256Key&) = delete;
  HmacSha256Key& operator=(const HmacSha256Key&) = delete;

  // HMAC-SHA256(key, data). Thread-safe: the key is immutable after construction.
  void Mac(std::string_view data, Digest256& out) const;
  std::string Mac(std::string_view data) const;  // raw 32 bytes

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace crossdock::crypto
