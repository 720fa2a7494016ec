// S3Staging: a run's staging area in S3, `_crossdock/staging/<run>/` inside a ScopedBucket
// (the connection's bucket/path, or a warehouse connection's staging bucket). The S3
// destination stages here, and so do the warehouse destinations that load from S3
// (Redshift COPY, Databricks COPY INTO read the staged objects by their s3:// URIs).
//
// Files are streamed into multipart uploads through a bounded pipe: memory per open file is
// the pipe plus part_size x concurrency, whatever the file size. A failed or abandoned file
// aborts its upload. Clear() deletes a run's staged objects and aborts its uploads; Sweep()
// does that for every run that is no longer active. InspectStaging() is the proof tests use:
// no staged objects and no multipart uploads in progress under the scope.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "crossdock/aws/s3/scoped_bucket.h"
#include "crossdock/sync/destinations/destination.h"

namespace crossdock::sync {

struct S3StagingOptions {
  uint64_t part_size = 8 << 20;  // multipart part size of staged files
  int concurrency = 4;           // parts uploaded in parallel per file
  size_t pipe_bytes = 2 << 20;   // bytes buffered between the encoder and the uploader
};

class S3Staging {
 public:
  S3Staging(std::shared_ptr<aws::s3::ScopedBucket> bucket, S3StagingOptions options = {})
      : bucket_(std::move(bucket)), options_(options) {}

  aws::s3::ScopedBucket& bucket() { return *bucket_; }
  const aws::s3::ScopedBucket& bucket() const { return *bucket_; }
  // "s3://bucket/prefix/_crossdock/staging/<run>/<name>".
  std::string Uri(const std::string& run_id, const std::string& name = {}) const;
  // Writes and deletes a probe object in the run's folder: proves PutObject and DeleteObject.
  Status Probe(const std::string& run_id);
  Result<std::unique_ptr<StagedFileWriter>> OpenFile(const std::string& run_id,
                                                     const std::string& name,
                                                     const std::string& content_type,
                                                     std::function<bool()> cancelled);
  // Deletes the run's staged objects and aborts its multipart uploads.
  Status Clear(const std::string& run_id, int* objects_deleted = nullptr,
               int* uploads_aborted = nullptr);
  Result<SweepReport> Sweep(const std::function<bool(const std::string& run_id)>& is_active);

 private:
  std::shared_ptr<aws::s3::ScopedBucket> bucket_;
  S3StagingOptions options_;
};

// What is left under a scope: staged object keys and in-progress multipart uploads
// (ListMultipartUploads over the whole scope).
struct StagingState {
  std::vector<std::string> staged_objects;
  std::vector<aws::s3::MultipartUploadInfo> uploads;
  bool clean() const { return staged_objects.empty() && uploads.empty(); }
};
Result<StagingState> InspectStaging(aws::s3::ScopedBucket& bucket);

}  // namespace crossdock::sync
