// API tokens: generating them, and the one-way hash under which they are stored.
//
// A token is "cdx_" + 43 URL-safe base64 characters (256 random bits), shown once when it is
// issued. Because it carries that much entropy, a plain SHA-256 is a sound storage hash (no
// salt or slow KDF is needed, unlike for passwords) and lets the server look a presented
// token up by its hash. Comparisons of hashes are constant-time. It does not know about
// organizations or expiry: the store and the REST layer do.
#pragma once

#include <string>
#include <string_view>

namespace crossdock::crypto {

struct IssuedToken {
  std::string token;  // the secret: give it to the caller once, never store or log it
  std::string hash;   // HashToken(token): what the store keeps
  std::string hint;   // "cdx_AbCd…" (prefix + 4 characters) to tell tokens apart in lists
};

IssuedToken IssueToken();

// Lower-case hex SHA-256 of the token (64 characters).
std::string HashToken(std::string_view token);

// True when `token` hashes to `expected_hash`, compared in constant time.
bool VerifyToken(std::string_view token, std::string_view expected_hash);

// Constant-time equality for equal-length inputs; false for different lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace crossdock::crypto
