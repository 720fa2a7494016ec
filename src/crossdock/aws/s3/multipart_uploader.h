// MultipartUploader: uploads a stream or a file to one S3 object with bounded memory.
//
// The stream is read into part buffers of one size (ChoosePartSize: the configured size,
// raised so that a known size fits in 10,000 parts); at most `concurrency` buffers exist at
// once, so memory is part_size x concurrency whatever the stream length, which need not be
// known. A stream shorter than the multipart threshold goes up in one PutObject. Parts are
// uploaded by `concurrency` threads, each with its checksum header (see payload.h); AwsClient
// retries each part. Any failure (a part that keeps failing, the stream erroring mid-way, a
// cancellation, CompleteMultipartUpload failing) stops reading, waits for parts in flight and
// aborts the upload, so no parts are left behind; the error says so and names the upload id
// if even the abort failed. A CompleteMultipartUpload whose retry finds the upload gone
// (the first attempt succeeded but its answer was lost) is confirmed with HeadObject: the
// object must have the ETag S3 derives from exactly our parts. One case it cannot clean:
// a CreateMultipartUpload whose answer is lost after S3 created the upload leaves an empty
// upload (no parts) whose id never reached us; callers that own a prefix sweep it with
// ListMultipartUploads (the sync engine does at start), or a lifecycle rule does.
// Thread-safe to use one uploader for several uploads at once.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "crossdock/aws/s3/byte_stream.h"
#include "crossdock/aws/s3/s3_client.h"

namespace crossdock::aws::s3 {

struct UploadOptions {
  PutObjectOptions put;  // content type and user metadata of the object
  // Part size; 0: the client's S3Options::part_size. Raised as needed for a known size.
  uint64_t part_size = 0;
  // Parallel parts; 0: the client's S3Options::concurrency.
  int concurrency = 0;
  // The stream's length when known (files), for the part size; unknown streams use the
  // part size as is and fail past 10,000 parts.
  std::optional<uint64_t> size_hint;
  // Called from worker threads with the total bytes acknowledged by S3 so far.
  std::function<void(uint64_t)> on_progress;
  // Polled between parts; returning true aborts the upload with kCancelled.
  std::function<bool()> cancelled;
};

struct UploadResult {
  std::string etag;        // may be empty (Ceph RGW's CompleteMultipartUpload)
  uint64_t size = 0;       // bytes uploaded
  int parts = 0;           // 0 for a single PutObject
  uint64_t part_size = 0;  // the part size used (multipart only)
  ChecksumSupport checksums = ChecksumSupport::kUnknown;
};

// The ETag S3 gives a multipart object: "MD5(concatenated binary part MD5s)-N"; "" when a
// part ETag is not a plain MD5 (SSE-KMS, some S3-compatible servers).
std::string MultipartEtag(std::span<const CompletedPart> parts);

class MultipartUploader {
 public:
  explicit MultipartUploader(std::shared_ptr<S3Client> client) : client_(std::move(client)) {}

  Result<UploadResult> Upload(std::string_view bucket, std::string_view key, ByteStream& in,
                              const UploadOptions& options = {});
  // A local file (its size picks the part size).
  Result<UploadResult> UploadFile(std::string_view bucket, std::string_view key,
                                  const std::string& path, UploadOptions options = {});

  // High-water mark of part buffers allocated at once by this uploader, for tests.
  int peak_buffers() const { return peak_buffers_.load(); }

 private:
  std::shared_ptr<S3Client> client_;
  std::atomic<int> peak_buffers_{0};
};

}  // namespace crossdock::aws::s3
