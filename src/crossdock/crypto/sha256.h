// SHA-256 and HMAC-SHA256 over OpenSSL 3's EVP interfaces: the hashes SigV4 and payload
// checksums need. One-shot functions for small inputs and an incremental Sha256Hasher for
// streamed bodies. Outputs are raw 32-byte strings; use HexEncode for the hex form.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace crossdock::crypto {

std::string Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);

class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(std::string_view data);
  std::string Final();  // raw digest; the hasher is reset afterwards

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace crossdock::crypto
