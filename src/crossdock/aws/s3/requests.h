// Pure request builders, one per S3 operation: (context, parameters) -> an unsigned AwsRequest
// with method, URL, headers, body, signing configuration and the operation named for errors
// ("PutObject s3://bucket/key"). No I/O, no clock, no credentials: AwsClient signs and sends.
//
// Payload signing is decided by the caller through BodyDigest: a SHA-256 signs the body, an
// empty one sends UNSIGNED-PAYLOAD. Small XML bodies built here (DeleteObjects,
// CompleteMultipartUpload) are always signed with their hash. DeleteObjects carries
// Content-MD5, which S3 requires for it. Builders validate what S3 would reject anyway (empty
// key, part numbers outside 1..10,000, more than 1,000 keys per DeleteObjects) and return
// kInvalidArgument naming the field.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "crossdock/aws/aws_client.h"
#include "crossdock/aws/s3/addressing.h"
#include "crossdock/aws/s3/types.h"
#include "crossdock/core/result.h"
#include "crossdock/http/transport.h"

namespace crossdock::aws::s3 {

inline constexpr size_t kMaxDeleteKeys = 1000;

// Where requests go and how they are addressed and signed.
struct RequestContext {
  std::string endpoint;  // scheme://host[:port], no trailing slash
  std::string region;    // signing region
  AddressingStyle addressing = AddressingStyle::kAuto;
};

// "s3://bucket/key" for messages.
std::string S3Uri(std::string_view bucket, std::string_view key = {});
// Header name for a checksum algorithm ("x-amz-checksum-crc32c"); "" for kNone.
const char* ChecksumHeader(ChecksumAlgorithm algorithm);
// Value of x-amz-checksum-algorithm ("CRC32C"); "" for kNone.
const char* ChecksumAlgorithmName(ChecksumAlgorithm algorithm);

Result<AwsRequest> BuildListObjectsV2(const RequestContext& ctx, std::string_view bucket,
                                      const ListObjectsV2Params& params);
Result<AwsRequest> BuildHeadObject(const RequestContext& ctx, std::string_view bucket,
                                   std::string_view key);
// `if_match`: an ETag the object must still have (used when resuming a download).
Result<AwsRequest> BuildGetObject(const RequestContext& ctx, std::string_view bucket,
                                  std::string_view key, std::optional<ByteRange> range = {},
                                  std::string_view if_match = {});
Result<AwsRequest> BuildPutObject(const RequestContext& ctx, std::string_view bucket,
                                  std::string_view key, std::shared_ptr<http::BodySource> body,
                                  const BodyDigest& digest, const PutObjectOptions& options = {});
Result<AwsRequest> BuildDeleteObject(const RequestContext& ctx, std::string_view bucket,
                                     std::string_view key);
// At most 1,000 keys (kMaxDeleteKeys); quiet mode lists only the failures in the answer.
Result<AwsRequest> BuildDeleteObjects(const RequestContext& ctx, std::string_view bucket,
                                      std::span<const std::string> keys, bool quiet = true);
Result<AwsRequest> BuildGetBucketLocation(const RequestContext& ctx, std::string_view bucket);
Result<AwsRequest> BuildHeadBucket(const RequestContext& ctx, std::string_view bucket);
Result<AwsRequest> BuildCreateMultipartUpload(const RequestContext& ctx, std::string_view bucket,
                                              std::string_view key,
                                              ChecksumAlgorithm checksum = ChecksumAlgorithm::kNone,
                                              const PutObjectOptions& options = {});
Result<AwsRequest> BuildUploadPart(const RequestContext& ctx, std::string_view bucket,
                                   std::string_view key, std::string_view upload_id,
                                   int part_number, std::shared_ptr<http::BodySource> body,
                                   const BodyDigest& digest);
// Parts must be in ascending part-number order (S3 rejects others with InvalidPartOrder).
Result<AwsRequest> BuildCompleteMultipartUpload(const RequestContext& ctx, std::string_view bucket,
                                                std::string_view key, std::string_view upload_id,
                                                std::span<const CompletedPart> parts,
                                                ChecksumAlgorithm checksum);
Result<AwsRequest> BuildAbortMultipartUpload(const RequestContext& ctx, std::string_view bucket,
                                             std::string_view key, std::string_view upload_id);
Result<AwsRequest> BuildListMultipartUploads(const RequestContext& ctx, std::string_view bucket,
                                             const ListMultipartUploadsParams& params);
Result<AwsRequest> BuildListParts(const RequestContext& ctx, std::string_view bucket,
                                  std::string_view key, std::string_view upload_id,
                                  int part_number_marker = 0);
// Server-side copy of an object up to 5 GiB (x-amz-copy-source); may fail with 200. Of
// `options` only sse_kms_key_id is sent (the copy's encryption).
Result<AwsRequest> BuildCopyObject(const RequestContext& ctx, std::string_view source_bucket,
                                   std::string_view source_key, std::string_view bucket,
                                   std::string_view key, const PutObjectOptions& options = {});

}  // namespace crossdock::aws::s3
