// FileStore: a place files are read from, an S3 connection's bucket/path or a local
// directory, listed and opened by names relative to its root. The file sources read through
// it, and so will the Redshift UNLOAD source (its unloaded files are in S3 staging).
//
// S3 reads stream the object through a bounded pipe from a download thread (resuming a
// body cut off mid-way, see aws/s3/downloader.h), so an open file costs a pipe buffer, not
// the object. Names follow the ScopedBucket key rules on both kinds of store.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "crossdock/aws/s3/byte_stream.h"
#include "crossdock/aws/s3/scoped_bucket.h"
#include "crossdock/core/result.h"

namespace crossdock::sync {

struct FileEntry {
  std::string name;  // relative to the store's root
  uint64_t size = 0;
};

class FileStore {
 public:
  virtual ~FileStore() = default;
  virtual std::string Describe() const = 0;
  // Files under a relative prefix (recursive), sorted by name.
  virtual Result<std::vector<FileEntry>> List(const std::string& prefix) = 0;
  virtual Result<std::unique_ptr<aws::s3::ByteStream>> Open(const std::string& name) = 0;
};

// Crossdock's own files, never read as data: anything under `_crossdock/` (staging) and
// manifests, plus hidden files and folder markers.
bool IsCrossdockFile(const std::string& name);

std::unique_ptr<FileStore> MakeS3FileStore(std::shared_ptr<aws::s3::ScopedBucket> bucket);
std::unique_ptr<FileStore> MakeLocalFileStore(std::string root);

}  // namespace crossdock::sync
