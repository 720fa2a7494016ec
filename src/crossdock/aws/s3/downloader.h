// Downloader: reads an object into a file (parallel ranged GETs) or a sink (sequential), and
// resumes a body cut off by a transport error from the byte where it stopped.
//
// The first GET asks for the first part's range; its Content-Range gives the object size and
// its ETag pins the version: further ranges and resumed reads carry If-Match, so an object
// overwritten mid-download fails with kFailedPrecondition instead of mixing two versions.
// File downloads write into "<path>.crossdock-partial" with pwrite at each range's offset and
// rename it over the target only when every byte arrived. AwsClient retries a request until
// its first byte reaches the sink; after that, this class re-requests the remaining range up
// to max_resumes times with backoff. Memory: curl's buffers only, no part buffers.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "crossdock/aws/s3/s3_client.h"

namespace crossdock::aws::s3 {

struct DownloadOptions {
  uint64_t part_size = 0;  // range size; 0: the client's S3Options::part_size
  int concurrency = 0;     // parallel ranges (files only); 0: the client's
  int max_resumes = 10;    // re-requests of a cut-off body, per range
  // Called (from several threads for files) with the total bytes received so far.
  std::function<void(uint64_t)> on_progress;
};

class Downloader {
 public:
  explicit Downloader(std::shared_ptr<S3Client> client) : client_(std::move(client)) {}

  // Downloads into `path` (replaced atomically on success). Returns the object's metadata.
  Result<ObjectMetadata> DownloadToFile(std::string_view bucket, std::string_view key,
                                        const std::string& path,
                                        const DownloadOptions& options = {});
  // Streams the object in order into sink (stdout, a decompressor...).
  Result<ObjectMetadata> DownloadToSink(std::string_view bucket, std::string_view key,
                                        const http::BodySink& sink,
                                        const DownloadOptions& options = {});
  // Bytes requested again after a cut-off body (for tests and metrics).
  uint64_t resumes() const { return resumes_.load(); }

 private:
  // GETs [first, last] (last unset: to the end) into sink, resuming after transport errors.
  // `etag` (may be empty) is sent as If-Match. Fills `meta` from the first response.
  Status FetchRange(std::string_view bucket, std::string_view key, uint64_t first,
                    std::optional<uint64_t> last, const std::string& etag,
                    const std::function<Status(uint64_t offset, std::string_view)>& write,
                    const DownloadOptions& options, ObjectMetadata* meta);

  std::shared_ptr<S3Client> client_;
  std::atomic<uint64_t> resumes_{0};
};

}  // namespace crossdock::aws::s3
