#include "crossdock/crypto/hmac_sha256_key.h"

#include <openssl/evp.h>

#include <cstring>
#include <new>

namespace crossdock::crypto {
namespace {

constexpr size_t kBlockSize = 64;

// SHA-256 fetched once for the process; EVP_sha256() would look it up on every call.
const EVP_MD* Sha256Md() {
  static EVP_MD* md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) throw std::bad_alloc();
    return fetched;
  }();
  return md;
}

// A per-thread scratch context, so a MAC allocates nothing but OpenSSL's own copy.
EVP_MD_CTX* ScratchContext() {
  struct Holder {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Holder() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Holder holder;
  if (holder.ctx == nullptr) throw std::bad_alloc();
  return holder.ctx;
}

}  // namespace

void Sha256Into(std::string_view data, Digest256& out) {
  EVP_MD_CTX* ctx = ScratchContext();
  unsigned int len = 0;
  EVP_DigestInit_ex(ctx, Sha256Md(), nullptr);
  EVP_DigestUpdate(ctx, data.data(), data.size());
  EVP_DigestFinal_ex(ctx, out.data(), &len);
}

struct HmacSha256Key::State {
  EVP_MD_CTX* inner = EVP_MD_CTX_new();
  EVP_MD_CTX* outer = EVP_MD_CTX_new();
  ~State() {
    EVP_MD_CTX_free(inner);
    EVP_MD_CTX_free(outer);
  }
};

HmacSha256Key::HmacSha256Key(std::string_view key) : state_(std::make_unique<State>()) {
  if (state_->inner == nullptr || state_->outer == nullptr) throw std::bad_alloc();
  unsigned char block[kBlockSize] = {};
  if (key.size() > kBlockSize) {
    Digest256 hashed;
    Sha256Into(key, hashed);
    std::memcpy(block, hashed.data(), hashed.size());
  } else {
    std::memcpy(block, key.data(), key.size());
  }
  unsigned char pad[kBlockSize];
  for (size_t i = 0; i < kBlockSize; ++i) pad[i] = block[i] ^ 0x36;
  EVP_DigestInit_ex(state_->inner, Sha256Md(), nullptr);
  EVP_DigestUpdate(state_->inner, pad, kBlockSize);
  for (size_t i = 0; i < kBlockSize; ++i) pad[i] = block[i] ^ 0x5c;
  EVP_DigestInit_ex(state_->outer, Sha256Md(), nullptr);
  EVP_DigestUpdate(state_->outer, pad, kBlockSize);
  OPENSSL_cleanse(block, sizeof(block));
  OPENSSL_cleanse(pad, sizeof(pad));
}

HmacSha256Key::~HmacSha256Key() = default;

void HmacSha256Key::Mac(std::string_view data, Digest256& out) const {
  EVP_MD_CTX* ctx = ScratchContext();
  unsigned int len = 0;
  Digest256 inner_digest;
  EVP_MD_CTX_copy_ex(ctx, state_->inner);
  EVP_DigestUpdate(ctx, data.data(), data.size());
  EVP_DigestFinal_ex(ctx, inner_digest.data(), &len);
  EVP_MD_CTX_copy_ex(ctx, state_->outer);
  EVP_DigestUpdate(ctx, inner_digest.data(), inner_digest.size());
  EVP_DigestFinal_ex(ctx, out.data(), &len);
}

std::string HmacSha256Key::Mac(std::string_view data) const {
  Digest256 out;
  Mac(data, out);
  return std::string(reinterpret_cast<const char*>(out.data()), out.size());
}

}  // namespace crossdock::crypto
