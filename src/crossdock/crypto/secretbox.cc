#include "crossdock/crypto/secretbox.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crossdock/core/hex.h"
#include "crossdock/crypto/random.h"
#include "crossdock/crypto/sha256.h"

namespace crossdock::crypto {
namespace {

constexpr std::string_view kPrefix = "cdxsb1.";
constexpr std::size_t kKeyIdBytes = 8;
constexpr std::string_view kFix =
    "start crossdock with the master key that was in use when the secret was saved "
    "(--master-key-file or CROSSDOCK_MASTER_KEY), or set the secret again";

std::string KeyId(std::string_view key) {
  std::string label = "crossdock master key id v1";
  label.push_back('\0');
  label.append(key);
  return Sha256(label).substr(0, kKeyIdBytes);
}

Result<std::string> Base64Decode(std::string_view text, int variant) {
  std::string out(text.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, nullptr, variant) != 0) {
    return Error(ErrorCode::kInvalidArgument, "not base64");
  }
  out.resize(len);
  return out;
}

std::string Trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

Status WriteNewKeyFile(const std::string& path, std::string_view encoded) {
  std::filesystem::path p(path);
  std::error_code ec;
  if (p.has_parent_path() && !std::filesystem::exists(p.parent_path(), ec)) {
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) {
      return Error(ErrorCode::kFailedPrecondition,
                   fmt::format("cannot create directory {} for the master key file: {}; create "
                               "it or pass --master-key-file",
                               p.parent_path().string(), ec.message()),
                   "master_key_file");
    }
    ::chmod(p.parent_path().c_str(), 0700);
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Error(errno == EEXIST ? ErrorCode::kAlreadyExists : ErrorCode::kFailedPrecondition,
                 fmt::format("cannot create master key file {}: {}", path, std::strerror(errno)),
                 "master_key_file");
  }
  std::size_t off = 0;
  while (off < encoded.size()) {
    ssize_t n = ::write(fd, encoded.data() + off, encoded.size() - off);
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      ::unlink(path.c_str());
      return Error(ErrorCode::kFailedPrecondition,
                   fmt::format("cannot write master key file {}: {}", path, std::strerror(err)),
                   "master_key_file");
    }
    off += static_cast<std::size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  return OkStatus();
}

}  // namespace

SecretBox::SecretBox(std::string key, std::string key_id)
    : key_(std::move(key)), key_id_(std::move(key_id)) {}

SecretBox::~SecretBox() {
  if (!key_.empty()) sodium_memzero(key_.data(), key_.size());
}

Result<SecretBox> SecretBox::FromKey(std::string_view key) {
  if (sodium_init() < 0) return Error(ErrorCode::kInternal, "libsodium failed to initialise");
  if (key.size() != kMasterKeyBytes) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("master key must be {} bytes, got {}", kMasterKeyBytes, key.size()),
                 "master_key");
  }
  return SecretBox(std::string(key), HexEncode(KeyId(key)));
}

std::string SecretBox::Seal(std::string_view plaintext) const {
  std::string nonce = RandomBytes(crypto_secretbox_NONCEBYTES);
  std::string raw = HexDecode(key_id_).value();
  raw += nonce;
  std::size_t head = raw.size();
  raw.resize(head + crypto_secretbox_MACBYTES + plaintext.size());
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(raw.data() + head),
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        reinterpret_cast<const unsigned char*>(nonce.data()),
                        reinterpret_cast<const unsigned char*>(key_.data()));
  std::string out(kPrefix);
  out += Base64UrlEncode(raw);
  sodium_memzero(raw.data(), raw.size());
  return out;
}

Result<std::string> SecretBox::Open(std::string_view sealed) const {
  if (!IsSealed(sealed)) {
    return Error(ErrorCode::kInvalidArgument,
                 "stored secret is not in a known encrypted format (expected prefix cdxsb1.); "
                 "set the secret again");
  }
  auto raw = Base64Decode(sealed.substr(kPrefix.size()), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  constexpr std::size_t kHead = kKeyIdBytes + crypto_secretbox_NONCEBYTES;
  if (!raw.ok() || raw->size() < kHead + crypto_secretbox_MACBYTES) {
    return Error(ErrorCode::kDataLoss, "stored secret is truncated or damaged; set it again");
  }
  std::string sealed_key_id = HexEncode(raw->substr(0, kKeyIdBytes));
  if (sealed_key_id != key_id_) {
    return Error(ErrorCode::kFailedPrecondition,
                 fmt::format("cannot decrypt a stored secret: it was encrypted under master key "
                             "{} but the loaded master key is {}; {}",
                             sealed_key_id, key_id_, kFix),
                 "master_key");
  }
  std::string plain(raw->size() - kHead - crypto_secretbox_MACBYTES, '\0');
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw->data());
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), bytes + kHead,
                                 raw->size() - kHead, bytes + kKeyIdBytes,
                                 reinterpret_cast<const unsigned char*>(key_.data())) != 0) {
    return Error(ErrorCode::kDataLoss,
                 fmt::format("cannot decrypt a stored secret under master key {}: the "
                             "authentication tag does not verify (the stored value was damaged "
                             "or altered); set the secret again",
                             key_id_));
  }
  return plain;
}

bool IsSealed(std::string_view text) { return text.substr(0, kPrefix.size()) == kPrefix; }

Result<std::string> DecodeMasterKey(std::string_view text, std::string_view source) {
  std::string t = Trim(text);
  std::string key;
  if (t.size() == 2 * kMasterKeyBytes) {
    auto hex = HexDecode(t);
    if (hex.ok()) key = *hex;
  }
  if (key.empty()) {
    for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
                        sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
      auto b = Base64Decode(t, variant);
      if (b.ok() && b->size() == kMasterKeyBytes) {
        key = *b;
        break;
      }
    }
  }
  if (key.size() != kMasterKeyBytes) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("the master key in {} is not 32 bytes written as 64 hex characters "
                             "or base64; generate one with `head -c 32 /dev/urandom | base64`",
                             source),
                 "master_key");
  }
  return key;
}

std::string EncodeMasterKey(std::string_view key) {
  std::string out(sodium_base64_ENCODED_LEN(key.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(key.data()),
                    key.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::char_traits<char>::length(out.c_str()));
  out.push_back('\n');
  return out;
}

Result<MasterKey> LoadMasterKey(const MasterKeyOptions& options) {
  if (sodium_init() < 0) return Error(ErrorCode::kInternal, "libsodium failed to initialise");
  if (!options.env_value.empty()) {
    const std::string source = "environment variable CROSSDOCK_MASTER_KEY";
    ASSIGN_OR_RETURN(std::string key, DecodeMasterKey(options.env_value, source));
    ASSIGN_OR_RETURN(SecretBox box, SecretBox::FromKey(key));
    sodium_memzero(key.data(), key.size());
    return MasterKey{std::move(box), source, false};
  }
  if (options.file_path.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "no master key: set CROSSDOCK_MASTER_KEY or pass --master-key-file PATH",
                 "master_key_file");
  }
  const std::string& path = options.file_path;
  const std::string source = "file " + path;
  bool created = false;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT || !options.create_if_missing) {
      return Error(ErrorCode::kFailedPrecondition,
                   fmt::format("cannot read master key file {}: {}; pass --master-key-file with "
                               "the path of the key used so far",
                               path, std::strerror(errno)),
                   "master_key_file");
    }
    std::string fresh = RandomBytes(kMasterKeyBytes);
    Status written = WriteNewKeyFile(path, EncodeMasterKey(fresh));
    sodium_memzero(fresh.data(), fresh.size());
    // Another process may have created it between stat and open: read theirs.
    if (!written.ok() && written.error().code() != ErrorCode::kAlreadyExists) {
      return written.error();
    }
    created = written.ok();
    if (::stat(path.c_str(), &st) != 0) {
      return Error(ErrorCode::kFailedPrecondition,
                   fmt::format("master key file {} vanished after creation", path),
                   "master_key_file");
    }
  }
  if ((st.st_mode & 077) != 0) {
    return Error(ErrorCode::kFailedPrecondition,
                 fmt::format("master key file {} is readable by group or others (mode {:04o}); "
                             "run `chmod 600 {}`",
                             path, st.st_mode & 07777, path),
                 "master_key_file");
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  if (!in.good() && !in.eof()) {
    return Error(ErrorCode::kFailedPrecondition,
                 fmt::format("cannot read master key file {}", path), "master_key_file");
  }
  std::string text = buf.str();
  auto key = DecodeMasterKey(text, source);
  sodium_memzero(text.data(), text.size());
  if (!key.ok()) return key.error();
  auto box = SecretBox::FromKey(*key);
  sodium_memzero(key->data(), key->size());
  if (!box.ok()) return box.error();
  return MasterKey{std::move(*box), source, created};
}

}  // namespace crossdock::crypto
