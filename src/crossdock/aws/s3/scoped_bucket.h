// ScopedBucket: S3 access confined to a "bucket/path" scope (seed 001: "output/customers"
// confines crossdock to customers/ in bucket output).
//
// Every key the caller passes is relative to the scope's prefix and resolved inside it;
// keys that could name something outside, or mean different things to different readers,
// are rejected before any request: a leading '/', "." or ".." segments, empty segments,
// backslashes, control characters, and percent-encoded forms of any of these (%2e%2e,
// %2f, %5c, also double-encoded %252e) since some tools decode keys before use. The error
// names the key, what is wrong and the fix. Listings return keys relative to the prefix.
// It does not replace IAM: the customer's policy is what really confines the role; this
// keeps crossdock itself from ever asking for more. Thread-safe like S3Client.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/aws/s3/byte_stream.h"
#include "crossdock/aws/s3/downloader.h"
#include "crossdock/aws/s3/multipart_uploader.h"
#include "crossdock/aws/s3/s3_client.h"

namespace crossdock::aws::s3 {

struct BucketScope {
  std::string bucket;
  std::string prefix;  // "" (whole bucket) or ending in '/', e.g. "customers/"

  std::string ToString() const { return "s3://" + bucket + "/" + prefix; }
};

// Parses "bucket" or "bucket/path/to/dir" (an optional "s3://" and trailing '/' allowed).
// kInvalidArgument with field "bucket" for a bad bucket name or a path that is not a clean
// relative path (same rules as keys).
Result<BucketScope> ParseBucketScope(std::string_view spec);

// Checks a key (or key prefix, when allow_empty) relative to a scope; kInvalidArgument
// (field "key") naming the key and the fix. `trailing_slash_ok` allows "dir/".
Status ValidateRelativeKey(std::string_view key, bool allow_empty = false);

class ScopedBucket {
 public:
  ScopedBucket(std::shared_ptr<S3Client> client, BucketScope scope)
      : client_(std::move(client)), scope_(std::move(scope)) {}

  const BucketScope& scope() const { return scope_; }
  S3Client& client() { return *client_; }

  // The full key of a relative key, or the error naming why it is refused.
  Result<std::string> Resolve(std::string_view relative_key) const;
  // The full prefix for a relative prefix ("" allowed: the scope itself).
  Result<std::string> ResolvePrefix(std::string_view relative_prefix) const;
  // A full key from a listing made relative again (it always starts with the prefix).
  std::string Relative(std::string_view full_key) const;

  // Objects under a relative prefix, recursive, keys relative to the scope.
  Result<std::vector<ObjectInfo>> List(std::string_view relative_prefix = {});
  // One page (delimiter "/" lists one level); keys and common prefixes relative.
  Result<ListObjectsV2Page> ListPage(std::string_view relative_prefix,
                                     std::string_view delimiter = "/",
                                     std::string_view continuation_token = {});
  // Whether a key exists, asked the way a path-scoped role may answer: ListObjectsV2 with the
  // key as prefix (s3:ListBucket with s3:prefix inside the path is granted). A GET or HEAD of
  // a missing key answers 403, not 404, to a role without an unconditional s3:ListBucket, so
  // it cannot tell "not there" from "denied". Errors are real failures (denials included).
  Result<bool> Exists(std::string_view key);
  Result<ObjectMetadata> Head(std::string_view key);
  Result<std::string> GetAsString(std::string_view key);
  Result<ObjectMetadata> Get(std::string_view key, const http::BodySink& sink,
                             std::optional<ByteRange> range = {});
  Result<PutObjectResult> Put(std::string_view key, std::string data,
                              const PutObjectOptions& options = {});
  Result<UploadResult> Upload(std::string_view key, ByteStream& in,
                              const UploadOptions& options = {});
  Result<ObjectMetadata> DownloadToFile(std::string_view key, const std::string& path,
                                        const DownloadOptions& options = {});
  Status Delete(std::string_view key);
  // Relative keys; errors keep relative keys too.
  Result<DeleteObjectsResult> DeleteMany(std::span<const std::string> keys);
  // Copy within the scope.
  Result<CopyObjectResult> Copy(std::string_view from_key, std::string_view to_key);

  Result<std::string> CreateMultipartUpload(std::string_view key);
  Status AbortMultipartUpload(std::string_view key, std::string_view upload_id);
  // In-progress uploads under a relative prefix; keys relative.
  Result<std::vector<MultipartUploadInfo>> ListMultipartUploads(
      std::string_view relative_prefix = {});
  Result<std::string> GetBucketLocation();

 private:
  // A denial named with the fix: the IAM action(s) the operation table lists for `api` on
  // this scope's bucket or objects, in the words the connection test uses.
  Error NameGrant(Error error, std::string_view api) const;
  template <typename T>
  Result<T> Named(Result<T> result, std::string_view api) const {
    if (result.ok()) return result;
    return NameGrant(std::move(result).error(), api);
  }

  std::shared_ptr<S3Client> client_;
  BucketScope scope_;
};

}  // namespace crossdock::aws::s3
