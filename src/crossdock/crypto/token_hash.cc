#include "crossdock/crypto/token_hash.h"

#include <sodium.h>

#include "crossdock/crypto/random.h"
#include "crossdock/crypto/sha256.h"

namespace crossdock::crypto {

IssuedToken IssueToken() {
  IssuedToken t;
  t.token = "cdx_" + Base64UrlEncode(RandomBytes(32));
  t.hash = HashToken(t.token);
  t.hint = t.token.substr(0, 8) + "…";
  return t;
}

std::string HashToken(std::string_view token) { return Sha256Hex(token); }

bool VerifyToken(std::string_view token, std::string_view expected_hash) {
  return ConstantTimeEquals(HashToken(token), expected_hash);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace crossdock::crypto
