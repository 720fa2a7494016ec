// Value types of the S3 API as crossdock uses it: what the request builders take and the
// response parsers return. Plain structs, no behaviour. Field names follow the S3 API
// reference (ListObjectsV2's Contents, ListMultipartUploads' Upload, ...); sizes are bytes,
// timestamps are kept as the ISO 8601 strings S3 sends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace crossdock::aws::s3 {

// One object of a listing (ListObjectsV2 <Contents>).
struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  std::string etag;  // with its quotes, as S3 sends it
  std::string last_modified;
  std::string storage_class;
};

struct ListObjectsV2Params {
  std::string prefix;
  std::string delimiter;           // usually "/" for one level, "" for recursive
  std::string continuation_token;  // from the previous page
  std::string start_after;
  int max_keys = 0;  // 0: server default (1,000)
};

struct ListObjectsV2Page {
  std::vector<ObjectInfo> objects;
  std::vector<std::string> common_prefixes;  // "dir/" entries when a delimiter is set
  bool is_truncated = false;
  std::string next_continuation_token;
};

// What HeadObject and GetObject report about an object.
struct ObjectMetadata {
  uint64_t size = 0;  // Content-Length (of the range for ranged GETs)
  std::string etag;
  std::string last_modified;
  std::string content_type;
  std::string content_range;                                       // ranged GETs only
  std::optional<uint64_t> total_size;                              // from Content-Range
  std::vector<std::pair<std::string, std::string>> user_metadata;  // x-amz-meta-* (lower-case)
  std::string server_side_encryption{};  // x-amz-server-side-encryption: AES256, aws:kms or ""
  std::string sse_kms_key_id{};          // x-amz-server-side-encryption-aws-kms-key-id
};

// Inclusive byte range "bytes=first-last"; last unset means to the end.
struct ByteRange {
  uint64_t first = 0;
  std::optional<uint64_t> last;
};

// Checksums S3 can verify per request (x-amz-checksum-*).
enum class ChecksumAlgorithm { kNone, kCrc32c, kCrc32 };

// What a builder needs to know about a body it will not read: its SHA-256 for SigV4 (empty:
// sign UNSIGNED-PAYLOAD) and its checksum for S3 to verify (base64; empty: none).
struct BodyDigest {
  std::string sha256_hex;
  ChecksumAlgorithm algorithm = ChecksumAlgorithm::kNone;
  std::string checksum;
};

struct PutObjectOptions {
  std::string content_type;  // empty: S3 default (binary/octet-stream)
  std::vector<std::pair<std::string, std::string>> metadata;  // sent as x-amz-meta-NAME
  // SSE-KMS: the KMS key (ARN, id or alias) S3 encrypts the object with, sent as
  // x-amz-server-side-encryption: aws:kms and x-amz-server-side-encryption-aws-kms-key-id.
  // Empty: the client's S3Options::sse_kms_key_id, else the bucket's default encryption.
  std::string sse_kms_key_id{};
};

struct PutObjectResult {
  std::string etag;
  bool checksum_verified = false;  // the server echoed the checksum header
};

struct CompletedPart {
  int part_number = 0;
  std::string etag;
  std::string checksum;  // base64 CRC; listed in CompleteMultipartUpload when not empty
  uint64_t size = 0;
};

struct CompleteMultipartResult {
  std::string etag;  // may be empty: Ceph RGW sends <ETag></ETag>
  std::string location;
};

struct MultipartUploadInfo {
  std::string key;
  std::string upload_id;
  std::string initiated;
};

struct ListMultipartUploadsParams {
  std::string prefix;
  std::string key_marker;
  std::string upload_id_marker;
  int max_uploads = 0;
};

struct ListMultipartUploadsPage {
  std::vector<MultipartUploadInfo> uploads;
  bool is_truncated = false;
  std::string next_key_marker;
  std::string next_upload_id_marker;
};

struct PartInfo {
  int part_number = 0;
  uint64_t size = 0;
  std::string etag;
};

struct ListPartsPage {
  std::vector<PartInfo> parts;
  bool is_truncated = false;
  int next_part_number_marker = 0;
};

// One key DeleteObjects could not delete, with S3's code (AccessDenied, ...).
struct DeleteError {
  std::string key;
  std::string code;
  std::string message;
};

struct DeleteObjectsResult {
  std::vector<std::string> deleted;
  std::vector<DeleteError> errors;
};

struct CopyObjectResult {
  std::string etag;
  std::string last_modified;
};

}  // namespace crossdock::aws::s3
