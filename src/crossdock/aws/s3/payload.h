// Request bodies for S3 uploads and what is computed over them before sending.
//
// What crossdock signs (PayloadSigning): SigV4 can cover the body with its SHA-256 or send
// UNSIGNED-PAYLOAD. Hashing costs a full pass over every byte, so, as the AWS SDKs do for S3,
// kAuto signs UNSIGNED-PAYLOAD where something else protects the bytes in flight: over https
// (TLS authenticates and integrity-protects them) and to loopback endpoints (no network to
// tamper with). Over plain http to any other host it signs the SHA-256, because nothing else
// would stop an on-path rewrite. Independently, each body carries a CRC32C (or CRC32)
// checksum header so that S3 rejects corrupted bytes; servers that do not implement
// x-amz-checksum-* (Ceph RGW before 19) ignore it, which the client detects (no echo) and
// reports, and one that rejects it is retried without (see S3Client).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "crossdock/aws/s3/types.h"
#include "crossdock/core/result.h"
#include "crossdock/http/transport.h"

namespace crossdock::aws::s3 {

enum class PayloadSigning {
  kAuto,    // UNSIGNED-PAYLOAD over https and to loopback; SHA-256 over plain http elsewhere
  kAlways,  // always the body's SHA-256 (one extra pass over every byte)
  kNever,   // always UNSIGNED-PAYLOAD (rely on TLS and the checksum header)
};

// Whether bodies sent to `endpoint` are covered by their SHA-256 under `policy`.
bool ShouldSignPayload(PayloadSigning policy, std::string_view endpoint);

// Digest of bytes in memory: SHA-256 hex when sign_payload, checksum when algorithm is set.
BodyDigest DigestBytes(std::string_view bytes, ChecksumAlgorithm algorithm, bool sign_payload);
// The same over a BodySource, read once and rewound.
Result<BodyDigest> DigestSource(http::BodySource& source, ChecksumAlgorithm algorithm,
                                bool sign_payload);

// A BodySource over bytes owned elsewhere (a part buffer); the owner keeps them alive and
// unchanged until the request is done.
class BytesBodySource final : public http::BodySource {
 public:
  explicit BytesBodySource(std::string_view bytes) : bytes_(bytes) {}
  Result<size_t> Read(char* buf, size_t size) override;
  Status Rewind() override {
    pos_ = 0;
    return OkStatus();
  }
  uint64_t Size() const override { return bytes_.size(); }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

// A BodySource over a range of a file opened by path (pread, so several can share a file).
class FileBodySource final : public http::BodySource {
 public:
  // Opens `path`; kNotFound / kAccessDenied naming the path when it cannot.
  static Result<std::shared_ptr<FileBodySource>> Open(const std::string& path, uint64_t offset = 0,
                                                      std::optional<uint64_t> length = {});
  ~FileBodySource() override;
  Result<size_t> Read(char* buf, size_t size) override;
  Status Rewind() override {
    pos_ = 0;
    return OkStatus();
  }
  uint64_t Size() const override { return length_; }

 private:
  FileBodySource(int fd, std::string path, uint64_t offset, uint64_t length)
      : fd_(fd), path_(std::move(path)), offset_(offset), length_(length) {}
  int fd_;
  std::string path_;
  uint64_t offset_;
  uint64_t length_;
  uint64_t pos_ = 0;
};

}  // namespace crossdock::aws::s3
