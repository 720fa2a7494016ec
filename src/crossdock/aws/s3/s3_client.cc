#include "crossdock/aws/s3/s3_client.h"

#include <fmt/format.h>

#include <mutex>
#include <thread>

#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/aws/endpoints.h"
#include "crossdock/aws/errors.h"
#include "crossdock/aws/s3/responses.h"
#include "crossdock/http/curl_transport.h"

namespace crossdock::aws::s3 {
namespace {

bool HasChecksumHeader(const http::Headers& headers) {
  for (const auto& [name, value] : headers) {
    if (name.starts_with("x-amz-checksum-")) return true;
  }
  return false;
}

// A server that does not implement x-amz-checksum-* and says so (instead of ignoring it).
bool RejectsChecksum(const Error& e) {
  return (e.http_status() == 400 || e.http_status() == 501) &&
         (e.aws_code() == "InvalidArgument" || e.aws_code() == "InvalidRequest" ||
          e.aws_code() == "NotImplemented");
}

}  // namespace

S3Options S3Options::FromAccessKey(std::string access_key_id, std::string secret_access_key,
                                   std::string session_token) {
  AwsCredentials c;
  c.access_key_id = std::move(access_key_id);
  c.secret_access_key = std::move(secret_access_key);
  c.session_token = std::move(session_token);
  return FromCredentials(std::make_shared<StaticCredentialsProvider>(std::move(c)));
}

S3Options S3Options::FromCredentials(CredentialsProviderPtr provider) {
  S3Options o;
  o.credentials = std::move(provider);
  return o;
}

Result<S3Options> S3Options::FromAssumedRole(CredentialsProviderPtr source, AssumeRoleOptions role,
                                             std::shared_ptr<http::HttpTransport> transport,
                                             Clock& clock) {
  std::string region = role.region;
  std::string endpoint = role.endpoint_override;
  ASSIGN_OR_RETURN(auto provider, MakeCachedAssumeRole(std::move(source), std::move(role),
                                                       std::move(transport), clock));
  S3Options o = FromCredentials(std::move(provider));
  o.region = region;
  o.endpoint_override = endpoint;
  o.clock = &clock;
  return o;
}

Result<std::shared_ptr<S3Client>> S3Client::Make(S3Options options,
                                                 std::shared_ptr<http::HttpTransport> transport) {
  if (!options.credentials) {
    return Error(ErrorCode::kInvalidArgument,
                 "S3Options.credentials is not set; use S3Options::FromAccessKey or "
                 "FromCredentials",
                 "credentials");
  }
  if (options.region.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "S3Options.region is empty; set the bucket's region (e.g. us-east-1)", "region");
  }
  if (options.concurrency < 1) options.concurrency = 1;
  if (options.part_size < kMinPartSize) options.part_size = kMinPartSize;
  ASSIGN_OR_RETURN(std::string endpoint, S3Endpoint(options.region, options.endpoint_override));
  if (!endpoint.starts_with("http://") && !endpoint.starts_with("https://")) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("endpoint '{}' has no scheme; write it as http://HOST:PORT or "
                             "https://HOST",
                             endpoint),
                 "endpoint_url");
  }
  RequestContext ctx{endpoint, options.region, options.addressing};
  if (!transport) transport = std::make_shared<http::CurlTransport>(options.transport);
  Clock& clock = options.clock != nullptr ? *options.clock : SystemClock::Instance();
  auto aws = std::make_unique<AwsClient>(transport, options.credentials, clock, options.retry);
  bool sign = ShouldSignPayload(options.payload_signing, endpoint);
  return std::shared_ptr<S3Client>(
      new S3Client(std::move(options), std::move(ctx), std::move(transport), std::move(aws), sign));
}

S3Client::S3Client(S3Options options, RequestContext ctx,
                   std::shared_ptr<http::HttpTransport> transport, std::unique_ptr<AwsClient> aws,
                   bool sign_payload)
    : options_(std::move(options)),
      ctx_(std::move(ctx)),
      transport_(std::move(transport)),
      aws_(std::move(aws)),
      sign_payload_(sign_payload) {}

ChecksumAlgorithm S3Client::effective_checksum() const {
  if (checksum_support_.load() == ChecksumSupport::kUnsupported) return ChecksumAlgorithm::kNone;
  return options_.checksum;
}

Result<http::HttpResponse> S3Client::SendWithChecksum(AwsRequest request) {
  bool had_checksum = HasChecksumHeader(request.http.headers);
  auto response = aws_->Send(request);
  if (!response.ok() && had_checksum && RejectsChecksum(response.error())) {
    checksum_support_.store(ChecksumSupport::kUnsupported);
    std::erase_if(request.http.headers,
                  [](const http::Header& h) { return h.first.starts_with("x-amz-checksum-"); });
    response = aws_->Send(request);
  }
  if (response.ok() && had_checksum) {
    const char* header = ChecksumHeader(options_.checksum);
    if (http::FindHeader(request.http.headers, header)) {  // a body checksum, not the algorithm
      ChecksumSupport expected = ChecksumSupport::kUnknown;
      ChecksumSupport seen =
          response->Header(header) ? ChecksumSupport::kVerified : ChecksumSupport::kIgnored;
      checksum_support_.compare_exchange_strong(expected, seen);
    }
  }
  return response;
}

Result<ListObjectsV2Page> S3Client::ListObjectsV2(std::string_view bucket,
                                                  const ListObjectsV2Params& params) {
  ASSIGN_OR_RETURN(AwsRequest request, BuildListObjectsV2(ctx_, bucket, params));
  ASSIGN_OR_RETURN(http::HttpResponse response, aws_->Send(request));
  auto page = ParseListObjectsV2(response.body);
  if (!page.ok()) return Error(page.error()).WithContext(request.operation);
  return page;
}

Status S3Client::ListObjects(std::string_view bucket, ListObjectsV2Params params,
                             const std::function<Status(const ListObjectsV2Page&)>& on_page) {
  for (;;) {
    ASSIGN_OR_RETURN(ListObjectsV2Page page, ListObjectsV2(bucket, params));
    RETURN_IF_ERROR(on_page(page));
    if (!page.is_truncated) return OkStatus();
    params.continuation_token = page.next_continuation_token;
  }
}

Result<std::vector<ObjectInfo>> S3Client::ListAllObjects(std::string_view bucket,
                                                         std::string_view prefix) {
  std::vector<ObjectInfo> all;
  ListObjectsV2Params params;
  params.prefix = std::string(prefix);
  RETURN_IF_ERROR(ListObjects(bucket, params, [&](const ListObjectsV2Page& page) {
    all.insert(all.end(), page.objects.begin(), page.objects.end());
    return OkStatus();
  }));
  return all;
}

Result<ObjectMetadata> S3Client::HeadObject(std::string_view bucket, std::string_view key) {
  ASSIGN_OR_RETURN(AwsRequest request, BuildHeadObject(ctx_, bucket, key));
  ASSIGN_OR_RETURN(http::HttpResponse response, aws_->Send(request));
  return ParseObjectHeaders(response);
}

Result<ObjectMetadata> S3Client::GetObject(std::string_view bucket, std::string_view key,
                                           const http::BodySink& sink,
                                           std::optional<ByteRange> range,
                                           std::string_view if_match) {
  ASSIGN_OR_RETURN(AwsRequest request, BuildGetObject(ctx_, bucket, key, range, if_match));
  ASSIGN_OR_RETURN(http::HttpResponse response, aws_->Send(request, &sink));
  return ParseObjectHeaders(response);
}

Result<std::string> S3Client::GetObjectAsString(std::string_view bucket, std::string_view key) {
  std::string out;
  http::BodySink sink = [&](std::string_view chunk) {
    out.append(chunk);
    return OkStatus();
  };
  // A retry after a partial body starts over, so collect into a fresh string each attempt.
  for (int attempt = 0;; ++attempt) {
    out.clear();
    auto meta = GetObject(bucket, key, sink);
    if (meta.ok()) return out;
    if (!meta.error().retryable() || attempt >= options_.retry.max_attempts) return meta.error();
  }
}

PutObjectOptions S3Client::WithEncryption(const PutObjectOptions& options) const {
  PutObjectOptions out = options;
  if (out.sse_kms_key_id.empty()) out.sse_kms_key_id = options_.sse_kms_key_id;
  return out;
}

Result<PutObjectResult> S3Client::PutObject(std::string_view bucket, std::string_view key,
                                            std::shared_ptr<http::BodySource> body,
                                            const PutObjectOptions& options) {
  ASSIGN_OR_RETURN(BodyDigest digest, DigestSource(*body, effective_checksum(), sign_payload_));
  ASSIGN_OR_RETURN(AwsRequest request, BuildPutObject(ctx_, bucket, key, std::move(body), digest,
                                                      WithEncryption(options)));
  ASSIGN_OR_RETURN(http::HttpResponse response, SendWithChecksum(std::move(request)));
  PutObjectResult out;
  out.etag = response.Header("ETag").value_or("");
  out.checksum_verified = digest.algorithm != ChecksumAlgorithm::kNone &&
                          response.Header(ChecksumHeader(digest.algorithm)).has_value();
  return out;
}

Result<PutObjectResult> S3Client::PutObject(std::string_view bucket, std::string_view key,
                                            std::string data, const PutObjectOptions& options) {
  auto shared = std::make_shared<const std::string>(std::move(data));
  return PutObject(bucket, key, std::make_shared<http::StringBodySource>(shared), options);
}

Status S3Client::DeleteObject(std::string_view bucket, std::string_view key) {
  ASSIGN_OR_RETURN(AwsRequest request, BuildDeleteObject(ctx_, bucket, key));
  RETURN_IF_ERROR(aws_->Send(request));
  return OkStatus();
}

Result<DeleteObjectsResult> S3Client::DeleteObjects(std::string_view bucket,
                                                    std::span<const std::string> keys) {
  DeleteObjectsResult all;
  for (size_t start = 0; start < keys.size(); start += kMaxDeleteKeys) {
    auto batch = keys.subspan(start, std::min(kMaxDeleteKeys, keys.size() - start));
    ASSIGN_OR_RETURN(AwsRequest request, BuildDeleteObjects(ctx_, bucket, batch, true));
    auto sent = aws_->Send(request);
    if (!sent.ok() && sent.error().code() == ErrorCode::kAccessDenied) {
      // Ceph RGW checks s3:DeleteObject for the whole request on the bucket, so a role
      // allowed only under a prefix is refused there; AWS checks each key. Delete one by
      // one and report per key, as AWS would.
      RETURN_IF_ERROR(DeleteEach(bucket, batch, all));
      continue;
    }
    ASSIGN_OR_RETURN(http::HttpResponse response, std::move(sent));
    auto parsed = ParseDeleteObjects(response.body);
    if (!parsed.ok()) return Error(parsed.error()).WithContext(request.operation);
    // Quiet mode lists only failures: every other key of the batch was deleted.
    std::vector<std::string> failed;
    for (const auto& e : parsed->errors) failed.push_back(e.key);
    std::sort(failed.begin(), failed.end());
    for (const auto& k : batch) {
      if (!std::binary_search(failed.begin(), failed.end(), k)) all.deleted.push_back(k);
    }
    all.errors.insert(all.errors.end(), parsed->errors.begin(), parsed->errors.end());
  }
  return all;
}

Status S3Client::DeleteEach(std::string_view bucket, std::span<const std::string> keys,
                            DeleteObjectsResult& out) {
  std::mutex mu;
  std::atomic<size_t> next{0};
  std::optional<Error> fatal;
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < keys.size();) {
      Status st = DeleteObject(bucket, keys[i]);
      std::lock_guard<std::mutex> lock(mu);
      if (st.ok()) {
        out.deleted.push_back(keys[i]);
      } else if (!st.error().aws_code().empty()) {
        out.errors.push_back(DeleteError{keys[i], st.error().aws_code(), st.error().message()});
      } else if (!fatal) {
        fatal = st.error();  // not an answer about this key (transport, credentials)
      }
    }
  };
  std::vector<std::thread> threads;
  int n = static_cast<int>(std::min<size_t>(keys.size(), options_.concurrency));
  for (int t = 0; t < n; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  if (fatal) return *fatal;
  return OkStatus();
}

Result<CopyObjectResult> S3Client::CopyObject(std::string_view source_bucket,
                                              std::string_view source_key, std::string_view bucket,
                                              std::string_view key) {
  ASSIGN_OR_RETURN(AwsRequest request, BuildCopyObject(ctx_, source_bucket, source_key, bucket, key,
                                                       WithEncryption({})));
  ASSIGN_OR_RETURN(http::HttpResponse response, aws_->Send(request));
  auto parsed = ParseCopyObject(response.body);
  if (!parsed.ok()) return Error(parsed.error()).WithContext(request.operation);
  return parsed;
}

Result<std::string> S3Client::GetBucketLocation(std::string_view bucket) {
  ASSIGN_OR_RETURN(AwsRequest request, BuildGetBucketLocation(ctx_, bucket));
  ASSIGN_OR_RETURN(http::HttpResponse response, aws_->Send(request));
  auto parsed = ParseBucketLocation(response.body);
  if (!parsed.ok()) return Error(parsed.error()).WithContext(request.operation);
  return parsed;
}

Result<std::string> S3Client::DiscoverBucketRegion(std::string_view bucket) {
  // Sent once, outside AwsClient, because the answer we want may come with a 301 or 400
  // (signed for the wrong region) whose x-amz-bucket-region header AwsClient would drop.
  ASSIGN_OR_RETURN(AwsRequest request, BuildHeadBucket(ctx_, bucket));
  ASSIGN_OR_RETURN(AwsCredentials creds, options_.credentials->GetCredentials());
  http::HttpRequest http = request.http;
  request.signing.time = aws_->clock().Now() + aws_->clock_skew();
  RETURN_IF_ERROR(sigv4::SignRequest(http, creds, request.signing));
  auto response = transport_->Send(http);
  if (response.ok()) {
    if (auto region = response->Header("x-amz-bucket-region"); region && !region->empty()) {
      return *region;
    }
    if (response->status < 200 || response->status >= 300) {
      return MakeAwsError(*response, request.operation);
    }
  }
  return GetBucketLocation(bucket);
}

Result<std::string> S3Client::CreateMultipartUpload(std::string_view bucket, std::string_view key,
                                                    const PutObjectOptions& options) {
  ASSIGN_OR_RETURN(
      AwsRequest request,
      BuildCreateMultipartUpload(ctx_, bucket, key, effective_checksum(), WithEncryption(options)));
  std::string operation = request.operation;
  ASSIGN_OR_RETURN(http::HttpResponse response, SendWithChecksum(std::move(request)));
  auto id = ParseCreateMultipartUpload(response.body);
  if (!id.ok()) return Error(id.error()).WithContext(operation);
  return id;
}

Result<CompletedPart> S3Client::UploadPart(std::string_view bucket, std::string_view key,
                                           std::string_view upload_id, int part_number,
                                           std::string_view bytes) {
  BodyDigest digest = DigestBytes(bytes, effective_checksum(), sign_payload_);
  ASSIGN_OR_RETURN(AwsRequest request,
                   BuildUploadPart(ctx_, bucket, key, upload_id, part_number,
                                   std::make_shared<BytesBodySource>(bytes), digest));
  std::string operation = request.operation;
  ASSIGN_OR_RETURN(http::HttpResponse response, SendWithChecksum(std::move(request)));
  CompletedPart part;
  part.part_number = part_number;
  part.etag = response.Header("ETag").value_or("");
  part.checksum = digest.checksum;
  part.size = bytes.size();
  if (part.etag.empty()) {
    return Error(ErrorCode::kInternal,
                 fmt::format("{}: the server returned no ETag for the part", operation));
  }
  return part;
}

Result<CompleteMultipartResult> S3Client::CompleteMultipartUpload(
    std::string_view bucket, std::string_view key, std::string_view upload_id,
    std::span<const CompletedPart> parts) {
  // Part checksums are listed only when the server verifies them; one that ignores the
  // headers may not know the elements either.
  ChecksumAlgorithm listed = checksum_support_.load() == ChecksumSupport::kVerified
                                 ? options_.checksum
                                 : ChecksumAlgorithm::kNone;
  ASSIGN_OR_RETURN(AwsRequest request,
                   BuildCompleteMultipartUpload(ctx_, bucket, key, upload_id, parts, listed));
  ASSIGN_OR_RETURN(http::HttpResponse response, aws_->Send(request));
  auto parsed = ParseCompleteMultipartUpload(response.body);
  if (!parsed.ok()) return Error(parsed.error()).WithContext(request.operation);
  return parsed;
}

Status S3Client::AbortMultipartUpload(std::string_view bucket, std::string_view key,
                                      std::string_view upload_id) {
  ASSIGN_OR_RETURN(AwsRequest request, BuildAbortMultipartUpload(ctx_, bucket, key, upload_id));
  RETURN_IF_ERROR(aws_->Send(request));
  return OkStatus();
}

Result<ListMultipartUploadsPage> S3Client::ListMultipartUploads(
    std::string_view bucket, const ListMultipartUploadsParams& params) {
  ASSIGN_OR_RETURN(AwsRequest request, BuildListMultipartUploads(ctx_, bucket, params));
  ASSIGN_OR_RETURN(http::HttpResponse response, aws_->Send(request));
  auto parsed = ParseListMultipartUploads(response.body);
  if (!parsed.ok()) return Error(parsed.error()).WithContext(request.operation);
  return parsed;
}

Result<std::vector<MultipartUploadInfo>> S3Client::ListAllMultipartUploads(
    std::string_view bucket, std::string_view prefix) {
  std::vector<MultipartUploadInfo> all;
  ListMultipartUploadsParams params;
  params.prefix = std::string(prefix);
  for (;;) {
    ASSIGN_OR_RETURN(ListMultipartUploadsPage page, ListMultipartUploads(bucket, params));
    all.insert(all.end(), page.uploads.begin(), page.uploads.end());
    if (!page.is_truncated || page.next_key_marker.empty()) return all;
    params.key_marker = page.next_key_marker;
    params.upload_id_marker = page.next_upload_id_marker;
  }
}

Result<std::vector<PartInfo>> S3Client::ListParts(std::string_view bucket, std::string_view key,
                                                  std::string_view upload_id) {
  std::vector<PartInfo> all;
  int marker = 0;
  for (;;) {
    ASSIGN_OR_RETURN(AwsRequest request, BuildListParts(ctx_, bucket, key, upload_id, marker));
    ASSIGN_OR_RETURN(http::HttpResponse response, aws_->Send(request));
    auto parsed = ParseListParts(response.body);
    if (!parsed.ok()) return Error(parsed.error()).WithContext(request.operation);
    all.insert(all.end(), parsed->parts.begin(), parsed->parts.end());
    if (!parsed->is_truncated || parsed->next_part_number_marker <= marker) return all;
    marker = parsed->next_part_number_marker;
  }
}

}  // namespace crossdock::aws::s3
