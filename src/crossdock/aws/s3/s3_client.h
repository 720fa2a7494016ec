// S3Client: the S3 operations crossdock performs, each one request built by requests.h,
// signed and retried by AwsClient, its answer parsed by responses.h.
//
// Configured with S3Options (modelled on Arrow's S3Options: every field commented, named
// factories for the usual credential sources). Errors are typed and name the operation, the
// bucket and the key ("HeadObject s3://b/k: the object does not exist"). Retries (5xx,
// SlowDown, transport errors, RequestTimeTooSkewed with clock correction, a 200
// CompleteMultipartUpload whose body is an error) are AwsClient's. Large transfers live in
// multipart_uploader.h and downloader.h; confinement to a "bucket/path" scope in
// scoped_bucket.h. It does not follow cross-region redirects: a bucket in another region is
// a kFailedPrecondition naming the region (DiscoverBucketRegion finds it up front).
// Thread-safe: one client is shared by all transfers to an endpoint.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/aws/aws_client.h"
#include "crossdock/aws/credentials/assume_role_provider.h"
#include "crossdock/aws/credentials/provider.h"
#include "crossdock/aws/s3/addressing.h"
#include "crossdock/aws/s3/part_size.h"
#include "crossdock/aws/s3/payload.h"
#include "crossdock/aws/s3/requests.h"
#include "crossdock/aws/s3/types.h"
#include "crossdock/core/clock.h"
#include "crossdock/http/transport.h"

namespace crossdock::aws::s3 {

struct S3Options {
  // Region requests are signed for, and whose endpoint (s3.REGION.amazonaws.com or its
  // partition's) is used when endpoint_override is empty.
  std::string region = "us-east-1";
  // Endpoint for every request instead of the AWS one, scheme://host[:port] (a local Ceph
  // RGW "http://127.0.0.1:7480", a VPC endpoint). Empty: AWS.
  std::string endpoint_override;
  // Virtual-hosted or path-style URLs; kAuto: path-style for IP/localhost endpoints and
  // bucket names with dots, virtual-hosted otherwise.
  AddressingStyle addressing = AddressingStyle::kAuto;
  // Whether upload bodies are covered by their SHA-256 in SigV4 (see payload.h); kAuto:
  // only over plain http to a non-loopback host.
  PayloadSigning payload_signing = PayloadSigning::kAuto;
  // Checksum sent with every PutObject and UploadPart for S3 to verify; kNone disables.
  ChecksumAlgorithm checksum = ChecksumAlgorithm::kCrc32c;
  // Preferred multipart part size; raised when an object would need more than 10,000 parts.
  uint64_t part_size = kDefaultPartSize;
  // Uploads of at least this many bytes use multipart; smaller ones one PutObject.
  uint64_t multipart_threshold = kDefaultPartSize;
  // Parts uploaded (or ranges downloaded) in parallel per transfer. Upload memory is at most
  // part_size x concurrency, whatever the object size.
  int concurrency = 8;
  // Connect timeout, stall detection, TLS verification of the HTTP transport.
  http::TransportOptions transport;
  // Attempts and backoff of AwsClient's standard retry behaviour.
  RetryOptions retry;
  // SSE-KMS key every PutObject, CreateMultipartUpload and CopyObject asks S3 to encrypt
  // with (PutObjectOptions::sse_kms_key_id overrides it per request). Empty: none sent.
  std::string sse_kms_key_id;
  // Where signing credentials come from (required): static keys, environment, profile, or
  // an assume-role provider behind a cache.
  CredentialsProviderPtr credentials;
  // Time source for signing and backoff; nullptr means the system clock.
  Clock* clock = nullptr;

  // Long-term (or already temporary) keys given directly.
  static S3Options FromAccessKey(std::string access_key_id, std::string secret_access_key,
                                 std::string session_token = {});
  // Any provider, typically an assumed role: CachingProvider(AssumeRoleProvider(...)).
  static S3Options FromCredentials(CredentialsProviderPtr provider);
  // A customer's role assumed with `source` credentials (the vendor's), cached and refreshed
  // ahead of expiry; region and endpoint_override are taken from the role options (STS and
  // S3 on the same endpoint, as with a local RGW). kInvalidArgument names a bad role field.
  static Result<S3Options> FromAssumedRole(CredentialsProviderPtr source, AssumeRoleOptions role,
                                           std::shared_ptr<http::HttpTransport> transport,
                                           Clock& clock);
};

// Whether the server checks the x-amz-checksum-* headers it is sent.
enum class ChecksumSupport {
  kUnknown,      // nothing uploaded yet
  kVerified,     // it echoes the checksum: it verified the bytes
  kIgnored,      // it accepted the request without echoing: it did not check
  kUnsupported,  // it rejected the header; crossdock no longer sends it to this endpoint
};

class S3Client {
 public:
  // Validates the options (credentials set, region or endpoint usable) and builds the client
  // with its own CurlTransport, or with `transport` when given (tests inject one).
  static Result<std::shared_ptr<S3Client>> Make(
      S3Options options, std::shared_ptr<http::HttpTransport> transport = nullptr);

  const S3Options& options() const { return options_; }
  const RequestContext& context() const { return ctx_; }
  AwsClient& aws() { return *aws_; }
  ChecksumSupport checksum_support() const { return checksum_support_.load(); }
  // The checksum to send now: options().checksum unless the server rejected it.
  ChecksumAlgorithm effective_checksum() const;
  bool sign_payload() const { return sign_payload_; }

  // One page of ListObjectsV2.
  Result<ListObjectsV2Page> ListObjectsV2(std::string_view bucket,
                                          const ListObjectsV2Params& params);
  // Every page, calling on_page for each (stop early by returning an error).
  Status ListObjects(std::string_view bucket, ListObjectsV2Params params,
                     const std::function<Status(const ListObjectsV2Page&)>& on_page);
  // All objects under a prefix (recursive), in key order.
  Result<std::vector<ObjectInfo>> ListAllObjects(std::string_view bucket, std::string_view prefix);

  Result<ObjectMetadata> HeadObject(std::string_view bucket, std::string_view key);
  // Streams the object (or range) into sink; returns the response's metadata. A transport
  // error after bytes reached the sink is returned (the Downloader resumes such reads).
  Result<ObjectMetadata> GetObject(std::string_view bucket, std::string_view key,
                                   const http::BodySink& sink, std::optional<ByteRange> range = {},
                                   std::string_view if_match = {});
  // Small objects only: the whole body in memory.
  Result<std::string> GetObjectAsString(std::string_view bucket, std::string_view key);

  // One PutObject streamed from body (read once for the checksum, once to send).
  Result<PutObjectResult> PutObject(std::string_view bucket, std::string_view key,
                                    std::shared_ptr<http::BodySource> body,
                                    const PutObjectOptions& options = {});
  Result<PutObjectResult> PutObject(std::string_view bucket, std::string_view key, std::string data,
                                    const PutObjectOptions& options = {});
  Status DeleteObject(std::string_view bucket, std::string_view key);
  // Deletes in batches of 1,000; keys S3 refused are in errors (AccessDenied per key...).
  // A batch refused as a whole with AccessDenied (Ceph RGW checks the bucket, not each
  // key) is retried key by key so errors are still per key. Another request-level failure
  // returns an Error; batches already sent stay deleted.
  Result<DeleteObjectsResult> DeleteObjects(std::string_view bucket,
                                            std::span<const std::string> keys);
  Result<CopyObjectResult> CopyObject(std::string_view source_bucket, std::string_view source_key,
                                      std::string_view bucket, std::string_view key);

  // The bucket's region from GetBucketLocation.
  Result<std::string> GetBucketLocation(std::string_view bucket);
  // The bucket's region from HeadBucket's x-amz-bucket-region header, which S3 sends even
  // when the request was signed for another region (falls back to GetBucketLocation when the
  // server sends no such header, as Ceph RGW).
  Result<std::string> DiscoverBucketRegion(std::string_view bucket);

  Result<std::string> CreateMultipartUpload(std::string_view bucket, std::string_view key,
                                            const PutObjectOptions& options = {});
  // Uploads one part from bytes the caller keeps alive until this returns.
  Result<CompletedPart> UploadPart(std::string_view bucket, std::string_view key,
                                   std::string_view upload_id, int part_number,
                                   std::string_view bytes);
  Result<CompleteMultipartResult> CompleteMultipartUpload(std::string_view bucket,
                                                          std::string_view key,
                                                          std::string_view upload_id,
                                                          std::span<const CompletedPart> parts);
  Status AbortMultipartUpload(std::string_view bucket, std::string_view key,
                              std::string_view upload_id);
  Result<ListMultipartUploadsPage> ListMultipartUploads(std::string_view bucket,
                                                        const ListMultipartUploadsParams& params);
  // Every in-progress upload under prefix (all pages).
  Result<std::vector<MultipartUploadInfo>> ListAllMultipartUploads(std::string_view bucket,
                                                                   std::string_view prefix);
  // Every part uploaded so far (all pages).
  Result<std::vector<PartInfo>> ListParts(std::string_view bucket, std::string_view key,
                                          std::string_view upload_id);

 private:
  S3Client(S3Options options, RequestContext ctx, std::shared_ptr<http::HttpTransport> transport,
           std::unique_ptr<AwsClient> aws, bool sign_payload);
  // DeleteObject per key, `concurrency` at a time; per-key refusals go to out.errors.
  Status DeleteEach(std::string_view bucket, std::span<const std::string> keys,
                    DeleteObjectsResult& out);
  // Sends a request carrying a checksum header; records whether the server verified it and
  // retries once without it if the server rejects the header.
  Result<http::HttpResponse> SendWithChecksum(AwsRequest request);
  // `options` with S3Options::sse_kms_key_id filled in when it names no key itself.
  PutObjectOptions WithEncryption(const PutObjectOptions& options) const;

  S3Options options_;
  RequestContext ctx_;
  std::shared_ptr<http::HttpTransport> transport_;
  std::unique_ptr<AwsClient> aws_;
  bool sign_payload_;
  std::atomic<ChecksumSupport> checksum_support_{ChecksumSupport::kUnknown};
};

}  // namespace crossdock::aws::s3
