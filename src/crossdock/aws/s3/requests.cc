#include "crossdock/aws/s3/requests.h"

#include <fmt/format.h>

#include "crossdock/aws/s3/checksum.h"

namespace crossdock::aws::s3 {
namespace {

Status CheckBucket(std::string_view bucket) {
  if (bucket.empty() || bucket.find('/') != std::string_view::npos) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("bucket '{}' is not a bucket name; give the name alone, without "
                             "'/' or a path",
                             bucket),
                 "bucket");
  }
  return OkStatus();
}

Status CheckKey(std::string_view bucket, std::string_view key) {
  RETURN_IF_ERROR(CheckBucket(bucket));
  if (key.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("no object key given for bucket '{}'; name the object", bucket),
                 "key");
  }
  if (key.size() > 1024) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("key '{}...' is {} bytes; S3 keys are at most 1,024 bytes",
                             key.substr(0, 40), key.size()),
                 "key");
  }
  return OkStatus();
}

Status CheckUpload(std::string_view bucket, std::string_view key, std::string_view upload_id) {
  RETURN_IF_ERROR(CheckKey(bucket, key));
  if (upload_id.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("no upload id for multipart upload of {}; pass the id "
                             "CreateMultipartUpload returned",
                             S3Uri(bucket, key)),
                 "upload_id");
  }
  return OkStatus();
}

AwsRequest Make(const RequestContext& ctx, std::string method, std::string_view bucket,
                std::string_view key, const QueryParams& query, std::string operation) {
  AwsRequest r;
  r.http.method = std::move(method);
  r.http.url = BuildUrl(ctx.endpoint, ctx.addressing, bucket, key, query);
  r.signing.region = ctx.region;
  r.signing.service = "s3";
  r.signing.s3_rules = true;
  r.operation = fmt::format("{} {}", operation, S3Uri(bucket, key));
  return r;
}

void ApplyDigest(AwsRequest& r, const BodyDigest& digest) {
  if (digest.sha256_hex.empty()) {
    r.signing.unsigned_payload = true;
  } else {
    r.signing.payload_hash = digest.sha256_hex;
  }
  if (digest.algorithm != ChecksumAlgorithm::kNone && !digest.checksum.empty()) {
    r.http.headers.emplace_back(ChecksumHeader(digest.algorithm), digest.checksum);
  }
}

void ApplySse(AwsRequest& r, const PutObjectOptions& options) {
  if (options.sse_kms_key_id.empty()) return;
  r.http.headers.emplace_back("x-amz-server-side-encryption", "aws:kms");
  r.http.headers.emplace_back("x-amz-server-side-encryption-aws-kms-key-id",
                              options.sse_kms_key_id);
}

void ApplyPutOptions(AwsRequest& r, const PutObjectOptions& options) {
  ApplySse(r, options);
  if (!options.content_type.empty())
    r.http.headers.emplace_back("Content-Type", options.content_type);
  for (const auto& [name, value] : options.metadata) {
    r.http.headers.emplace_back("x-amz-meta-" + name, value);
  }
}

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\r':
        out += "&#13;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\t':
        out += "&#9;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string S3Uri(std::string_view bucket, std::string_view key) {
  return fmt::format("s3://{}/{}", bucket, key);
}

const char* ChecksumHeader(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32c:
      return "x-amz-checksum-crc32c";
    case ChecksumAlgorithm::kCrc32:
      return "x-amz-checksum-crc32";
    case ChecksumAlgorithm::kNone:
      break;
  }
  return "";
}

const char* ChecksumAlgorithmName(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32c:
      return "CRC32C";
    case ChecksumAlgorithm::kCrc32:
      return "CRC32";
    case ChecksumAlgorithm::kNone:
      break;
  }
  return "";
}

Result<AwsRequest> BuildListObjectsV2(const RequestContext& ctx, std::string_view bucket,
                                      const ListObjectsV2Params& params) {
  RETURN_IF_ERROR(CheckBucket(bucket));
  QueryParams q = {{"list-type", "2"}, {"encoding-type", "url"}};
  if (!params.prefix.empty()) q.push_back({"prefix", params.prefix});
  if (!params.delimiter.empty()) q.push_back({"delimiter", params.delimiter});
  if (!params.continuation_token.empty()) {
    q.push_back({"continuation-token", params.continuation_token});
  }
  if (!params.start_after.empty()) q.push_back({"start-after", params.start_after});
  if (params.max_keys > 0) q.push_back({"max-keys", std::to_string(params.max_keys)});
  AwsRequest r = Make(ctx, "GET", bucket, "", q, "ListObjectsV2");
  if (!params.prefix.empty()) r.operation += params.prefix;
  return r;
}

Result<AwsRequest> BuildHeadObject(const RequestContext& ctx, std::string_view bucket,
                                   std::string_view key) {
  RETURN_IF_ERROR(CheckKey(bucket, key));
  return Make(ctx, "HEAD", bucket, key, {}, "HeadObject");
}

Result<AwsRequest> BuildGetObject(const RequestContext& ctx, std::string_view bucket,
                                  std::string_view key, std::optional<ByteRange> range,
                                  std::string_view if_match) {
  RETURN_IF_ERROR(CheckKey(bucket, key));
  if (range && range->last && *range->last < range->first) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("range {}-{} of {} ends before it starts; give first <= last",
                             range->first, *range->last, S3Uri(bucket, key)),
                 "range");
  }
  AwsRequest r = Make(ctx, "GET", bucket, key, {}, "GetObject");
  if (range) {
    r.http.headers.emplace_back("Range",
                                range->last ? fmt::format("bytes={}-{}", range->first, *range->last)
                                            : fmt::format("bytes={}-", range->first));
  }
  if (!if_match.empty()) r.http.headers.emplace_back("If-Match", std::string(if_match));
  return r;
}

Result<AwsRequest> BuildPutObject(const RequestContext& ctx, std::string_view bucket,
                                  std::string_view key, std::shared_ptr<http::BodySource> body,
                                  const BodyDigest& digest, const PutObjectOptions& options) {
  RETURN_IF_ERROR(CheckKey(bucket, key));
  AwsRequest r = Make(ctx, "PUT", bucket, key, {}, "PutObject");
  r.http.body_source = std::move(body);
  ApplyDigest(r, digest);
  ApplyPutOptions(r, options);
  return r;
}

Result<AwsRequest> BuildDeleteObject(const RequestContext& ctx, std::string_view bucket,
                                     std::string_view key) {
  RETURN_IF_ERROR(CheckKey(bucket, key));
  return Make(ctx, "DELETE", bucket, key, {}, "DeleteObject");
}

Result<AwsRequest> BuildDeleteObjects(const RequestContext& ctx, std::string_view bucket,
                                      std::span<const std::string> keys, bool quiet) {
  RETURN_IF_ERROR(CheckBucket(bucket));
  if (keys.empty() || keys.size() > kMaxDeleteKeys) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("DeleteObjects on {} got {} keys; send 1 to 1,000 per request",
                             S3Uri(bucket), keys.size()),
                 "keys");
  }
  std::string body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Delete "
      "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  if (quiet) body += "<Quiet>true</Quiet>";
  for (const auto& key : keys) {
    if (key.empty()) {
      return Error(
          ErrorCode::kInvalidArgument,
          fmt::format("DeleteObjects on {} was given an empty key; remove it", S3Uri(bucket)),
          "keys");
    }
    body += "<Object><Key>" + XmlEscape(key) + "</Key></Object>";
  }
  body += "</Delete>";
  AwsRequest r = Make(ctx, "POST", bucket, "", {{"delete", "", false}}, "DeleteObjects");
  r.operation += fmt::format(" ({} keys)", keys.size());
  r.http.headers.emplace_back("Content-Type", "application/xml");
  r.http.headers.emplace_back("Content-MD5", Base64Encode(Md5(body)));
  r.http.body = std::move(body);
  return r;
}

Result<AwsRequest> BuildGetBucketLocation(const RequestContext& ctx, std::string_view bucket) {
  RETURN_IF_ERROR(CheckBucket(bucket));
  return Make(ctx, "GET", bucket, "", {{"location", "", false}}, "GetBucketLocation");
}

Result<AwsRequest> BuildHeadBucket(const RequestContext& ctx, std::string_view bucket) {
  RETURN_IF_ERROR(CheckBucket(bucket));
  return Make(ctx, "HEAD", bucket, "", {}, "HeadBucket");
}

Result<AwsRequest> BuildCreateMultipartUpload(const RequestContext& ctx, std::string_view bucket,
                                              std::string_view key, ChecksumAlgorithm checksum,
                                              const PutObjectOptions& options) {
  RETURN_IF_ERROR(CheckKey(bucket, key));
  AwsRequest r = Make(ctx, "POST", bucket, key, {{"uploads", "", false}}, "CreateMultipartUpload");
  if (checksum != ChecksumAlgorithm::kNone) {
    r.http.headers.emplace_back("x-amz-checksum-algorithm", ChecksumAlgorithmName(checksum));
  }
  ApplyPutOptions(r, options);
  return r;
}

Result<AwsRequest> BuildUploadPart(const RequestContext& ctx, std::string_view bucket,
                                   std::string_view key, std::string_view upload_id,
                                   int part_number, std::shared_ptr<http::BodySource> body,
                                   const BodyDigest& digest) {
  RETURN_IF_ERROR(CheckUpload(bucket, key, upload_id));
  if (part_number < 1 || part_number > static_cast<int>(10000)) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("part number {} for {} is outside 1..10,000; use a larger part "
                             "size",
                             part_number, S3Uri(bucket, key)),
                 "part_number");
  }
  AwsRequest r =
      Make(ctx, "PUT", bucket, key,
           {{"partNumber", std::to_string(part_number)}, {"uploadId", std::string(upload_id)}},
           "UploadPart");
  r.operation += fmt::format(" part {}", part_number);
  r.http.body_source = std::move(body);
  ApplyDigest(r, digest);
  return r;
}

Result<AwsRequest> BuildCompleteMultipartUpload(const RequestContext& ctx, std::string_view bucket,
                                                std::string_view key, std::string_view upload_id,
                                                std::span<const CompletedPart> parts,
                                                ChecksumAlgorithm checksum) {
  RETURN_IF_ERROR(CheckUpload(bucket, key, upload_id));
  if (parts.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("CompleteMultipartUpload of {} lists no parts; upload at least one",
                             S3Uri(bucket, key)),
                 "parts");
  }
  std::string body = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  int previous = 0;
  for (const auto& p : parts) {
    if (p.part_number <= previous) {
      return Error(ErrorCode::kInvalidArgument,
                   fmt::format("parts of {} are not in ascending order at part {}; sort them",
                               S3Uri(bucket, key), p.part_number),
                   "parts");
    }
    previous = p.part_number;
    body += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag>", p.part_number,
                        XmlEscape(p.etag));
    if (checksum == ChecksumAlgorithm::kCrc32c && !p.checksum.empty()) {
      body += "<ChecksumCRC32C>" + p.checksum + "</ChecksumCRC32C>";
    } else if (checksum == ChecksumAlgorithm::kCrc32 && !p.checksum.empty()) {
      body += "<ChecksumCRC32>" + p.checksum + "</ChecksumCRC32>";
    }
    body += "</Part>";
  }
  body += "</CompleteMultipartUpload>";
  AwsRequest r = Make(ctx, "POST", bucket, key, {{"uploadId", std::string(upload_id)}},
                      "CompleteMultipartUpload");
  r.http.headers.emplace_back("Content-Type", "application/xml");
  r.http.body = std::move(body);
  r.error_may_come_with_200 = true;
  return r;
}

Result<AwsRequest> BuildAbortMultipartUpload(const RequestContext& ctx, std::string_view bucket,
                                             std::string_view key, std::string_view upload_id) {
  RETURN_IF_ERROR(CheckUpload(bucket, key, upload_id));
  return Make(ctx, "DELETE", bucket, key, {{"uploadId", std::string(upload_id)}},
              "AbortMultipartUpload");
}

Result<AwsRequest> BuildListMultipartUploads(const RequestContext& ctx, std::string_view bucket,
                                             const ListMultipartUploadsParams& params) {
  RETURN_IF_ERROR(CheckBucket(bucket));
  QueryParams q = {{"uploads", "", false}};
  if (!params.prefix.empty()) q.push_back({"prefix", params.prefix});
  if (!params.key_marker.empty()) q.push_back({"key-marker", params.key_marker});
  if (!params.upload_id_marker.empty()) q.push_back({"upload-id-marker", params.upload_id_marker});
  if (params.max_uploads > 0) q.push_back({"max-uploads", std::to_string(params.max_uploads)});
  AwsRequest r = Make(ctx, "GET", bucket, "", q, "ListMultipartUploads");
  if (!params.prefix.empty()) r.operation += params.prefix;
  return r;
}

Result<AwsRequest> BuildListParts(const RequestContext& ctx, std::string_view bucket,
                                  std::string_view key, std::string_view upload_id,
                                  int part_number_marker) {
  RETURN_IF_ERROR(CheckUpload(bucket, key, upload_id));
  QueryParams q = {{"uploadId", std::string(upload_id)}};
  if (part_number_marker > 0) {
    q.push_back({"part-number-marker", std::to_string(part_number_marker)});
  }
  return Make(ctx, "GET", bucket, key, q, "ListParts");
}

Result<AwsRequest> BuildCopyObject(const RequestContext& ctx, std::string_view source_bucket,
                                   std::string_view source_key, std::string_view bucket,
                                   std::string_view key, const PutObjectOptions& options) {
  RETURN_IF_ERROR(CheckKey(source_bucket, source_key));
  RETURN_IF_ERROR(CheckKey(bucket, key));
  AwsRequest r = Make(ctx, "PUT", bucket, key, {}, "CopyObject");
  r.operation += " from " + S3Uri(source_bucket, source_key);
  r.http.headers.emplace_back("x-amz-copy-source",
                              UriEncode(source_bucket, false) + "/" + UriEncode(source_key, true));
  // Only the encryption: content type and metadata are copied from the source.
  ApplySse(r, options);
  r.error_may_come_with_200 = true;
  return r;
}

}  // namespace crossdock::aws::s3
