// Secrets at rest: libsodium's crypto_secretbox (XSalsa20-Poly1305) under one 32-byte
// master key, and loading or creating that key.
//
// A sealed value is text, safe for any TEXT column: "cdxsb1." + base64url(key id (8 bytes) ||
// nonce (24 random bytes) || ciphertext with its 16-byte tag). The version prefix lets a later
// format coexist; the key id (a hash of the key, never the key) lets Open tell "this was
// sealed under another master key" (the fix: start with the original key) apart from "the
// bytes were damaged" (kDataLoss). The master key comes from CROSSDOCK_MASTER_KEY (64 hex
// characters or base64 of 32 bytes) or from a key file in the same encoding; a missing file
// is created with mode 0600 on first start. Keys are never logged or printed; only key ids.
// It does not do key rotation (re-sealing under a new key) yet.
#pragma once

#include <string>
#include <string_view>

#include "crossdock/core/result.h"

namespace crossdock::crypto {

inline constexpr std::size_t kMasterKeyBytes = 32;

// Seals and opens secrets under one master key. Thread-safe; copyable (copies the key).
class SecretBox {
 public:
  // `key` must be exactly 32 raw bytes (kInvalidArgument otherwise).
  static Result<SecretBox> FromKey(std::string_view key);
  ~SecretBox();
  SecretBox(const SecretBox&) = default;
  SecretBox& operator=(const SecretBox&) = default;
  SecretBox(SecretBox&&) = default;
  SecretBox& operator=(SecretBox&&) = default;

  // 16 hex characters identifying the key (SHA-256 of a label and the key, truncated).
  const std::string& key_id() const { return key_id_; }

  // A fresh random nonce every call: sealing the same plaintext twice gives different text.
  std::string Seal(std::string_view plaintext) const;
  // Errors: kInvalidArgument for text that is not a sealed value; kFailedPrecondition when it
  // was sealed under another master key (message names both key ids and the fix);
  // kDataLoss when the authentication tag does not verify.
  Result<std::string> Open(std::string_view sealed) const;

 private:
  SecretBox(std::string key, std::string key_id);
  std::string key_;
  std::string key_id_;
};

// True when `text` looks like a sealed value (has the version prefix).
bool IsSealed(std::string_view text);

// Where the master key comes from. The environment value wins over the file.
struct MasterKeyOptions {
  // Contents of CROSSDOCK_MASTER_KEY (hex or base64 of 32 bytes); empty when unset.
  std::string env_value;
  // Path of the key file (--master-key-file, CROSSDOCK_MASTER_KEY_FILE or the default).
  std::string file_path;
  // Create the file (mode 0600, parent directories 0700) with a random key when missing.
  bool create_if_missing = true;
};

struct MasterKey {
  SecretBox box;
  std::string source;    // "environment variable CROSSDOCK_MASTER_KEY" or "file PATH"
  bool created = false;  // true when this call generated the key file
};

// Loads (or creates) the master key. Errors name the source and the fix: a malformed value,
// a key file readable by group or others (chmod 600), an unreadable or missing file.
Result<MasterKey> LoadMasterKey(const MasterKeyOptions& options);

// Decodes a key written as 64 hex characters or base64 (standard or URL-safe) of 32 bytes,
// surrounding whitespace ignored. Errors never echo the input.
Result<std::string> DecodeMasterKey(std::string_view text, std::string_view source);

// The text form written to new key files: standard base64 of `key` and a newline.
std::string EncodeMasterKey(std::string_view key);

}  // namespace crossdock::crypto
