#include "crossdock/aws/s3/payload.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "crossdock/aws/s3/addressing.h"
#include "crossdock/aws/s3/checksum.h"
#include "crossdock/core/hex.h"
#include "crossdock/crypto/sha256.h"

namespace crossdock::aws::s3 {
namespace {

uint32_t UpdateCrc(ChecksumAlgorithm algorithm, std::string_view data, uint32_t crc) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32c:
      return Crc32c(data, crc);
    case ChecksumAlgorithm::kCrc32:
      return Crc32(data, crc);
    case ChecksumAlgorithm::kNone:
      break;
  }
  return crc;
}

Error FileError(int err, const std::string& path, std::string_view what) {
  ErrorCode code = err == ENOENT                   ? ErrorCode::kNotFound
                   : err == EACCES || err == EPERM ? ErrorCode::kAccessDenied
                                                   : ErrorCode::kInternal;
  return Error(code,
               fmt::format("cannot {} '{}': {}; check the path and its permissions", what, path,
                           std::strerror(err)),
               "path");
}

}  // namespace

bool ShouldSignPayload(PayloadSigning policy, std::string_view endpoint) {
  switch (policy) {
    case PayloadSigning::kAlways:
      return true;
    case PayloadSigning::kNever:
      return false;
    case PayloadSigning::kAuto:
      break;
  }
  if (endpoint.starts_with("https://")) return false;
  std::string host = EndpointHost(endpoint);
  bool loopback = host == "localhost" || host.starts_with("127.") || host == "[::1]";
  return !loopback;
}

BodyDigest DigestBytes(std::string_view bytes, ChecksumAlgorithm algorithm, bool sign_payload) {
  BodyDigest d;
  d.algorithm = algorithm;
  if (algorithm != ChecksumAlgorithm::kNone) {
    d.checksum = ChecksumHeaderValue(UpdateCrc(algorithm, bytes, 0));
  }
  if (sign_payload) d.sha256_hex = crypto::Sha256Hex(bytes);
  return d;
}

Result<BodyDigest> DigestSource(http::BodySource& source, ChecksumAlgorithm algorithm,
                                bool sign_payload) {
  BodyDigest d;
  d.algorithm = algorithm;
  if (algorithm == ChecksumAlgorithm::kNone && !sign_payload) return d;
  RETURN_IF_ERROR(source.Rewind());
  crypto::Sha256Hasher hasher;
  uint32_t crc = 0;
  std::string buf(256 * 1024, '\0');
  for (;;) {
    ASSIGN_OR_RETURN(size_t n, source.Read(buf.data(), buf.size()));
    if (n == 0) break;
    std::string_view chunk(buf.data(), n);
    crc = UpdateCrc(algorithm, chunk, crc);
    if (sign_payload) hasher.Update(chunk);
  }
  RETURN_IF_ERROR(source.Rewind());
  if (algorithm != ChecksumAlgorithm::kNone) d.checksum = ChecksumHeaderValue(crc);
  if (sign_payload) d.sha256_hex = HexEncode(hasher.Final());
  return d;
}

Result<size_t> BytesBodySource::Read(char* buf, size_t size) {
  size_t n = std::min(size, bytes_.size() - pos_);
  std::memcpy(buf, bytes_.data() + pos_, n);
  pos_ += n;
  return n;
}

Result<std::shared_ptr<FileBodySource>> FileBodySource::Open(const std::string& path,
                                                             uint64_t offset,
                                                             std::optional<uint64_t> length) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileError(errno, path, "open");
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return FileError(err, path, "stat");
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (offset > size) offset = size;
  uint64_t len = length ? std::min(*length, size - offset) : size - offset;
  return std::shared_ptr<FileBodySource>(new FileBodySource(fd, path, offset, len));
}

FileBodySource::~FileBodySource() { ::close(fd_); }

Result<size_t> FileBodySource::Read(char* buf, size_t size) {
  size_t want = static_cast<size_t>(std::min<uint64_t>(size, length_ - pos_));
  if (want == 0) return size_t{0};
  ssize_t n;
  do {
    n = ::pread(fd_, buf, want, static_cast<off_t>(offset_ + pos_));
  } while (n < 0 && errno == EINTR);
  if (n < 0) return FileError(errno, path_, "read");
  if (n == 0) {
    return Error(ErrorCode::kDataLoss,
                 fmt::format("'{}' shrank while being uploaded (ended at offset {}); do not "
                             "modify files during an upload",
                             path_, offset_ + pos_),
                 "path");
  }
  pos_ += static_cast<uint64_t>(n);
  return static_cast<size_t>(n);
}

}  // namespace crossdock::aws::s3
