// Cryptographically secure randomness from libsodium (randombytes_buf): raw bytes, and the
// text forms crossdock uses for identifiers and tokens.
//
// Every function initialises libsodium on first use and is thread-safe. Nothing here is
// seedable or replayable on purpose: callers that need reproducible values in tests inject
// their own values rather than a fake generator. It does not produce External IDs (see
// connect/external_id.h, which builds on RandomBytes) and it never logs what it returns.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace crossdock::crypto {

// `n` bytes from the operating system's CSPRNG (getrandom(2) through libsodium).
std::string RandomBytes(std::size_t n);

// Lower-case RFC 4648 base32 without padding ("a-z2-7"): 5 bits per character.
std::string Base32Encode(std::string_view bytes);

// URL-safe base64 without padding ("A-Za-z0-9-_"): 6 bits per character.
std::string Base64UrlEncode(std::string_view bytes);
// The inverse; std::nullopt when `text` is not URL-safe base64 without padding.
std::optional<std::string> Base64UrlDecode(std::string_view text);

// A resource identifier: `prefix` + "_" + 26 base32 characters (128 random bits), e.g.
// "conn_3k5tq...". Unique for all practical purposes; not secret.
std::string RandomId(std::string_view prefix);

}  // namespace crossdock::crypto
