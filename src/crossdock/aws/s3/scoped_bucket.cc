#include "crossdock/aws/s3/scoped_bucket.h"

#include <fmt/format.h>

#include "crossdock/aws/endpoints.h"
#include "crossdock/aws/s3/addressing.h"
#include "crossdock/iam/operations.h"

namespace crossdock::aws::s3 {
namespace {

constexpr const char* kFix =
    "use a plain relative key such as \"reports/2024/day.csv\": segments separated by single "
    "'/', none of them \".\" or \"..\", no leading '/', no backslashes or percent-encoded "
    "separators";

// The first reason `form` is not a clean relative key, or "" when it is.
std::string Problem(std::string_view form) {
  for (char c : form) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return fmt::format("it contains control character 0x{:02x}", u);
    if (c == '\\') return "it contains a backslash, which some tools treat as '/'";
  }
  if (form.starts_with('/')) return "it starts with '/' (an absolute path)";
  size_t start = 0;
  while (start <= form.size()) {
    size_t slash = form.find('/', start);
    bool last = slash == std::string_view::npos;
    std::string_view seg = form.substr(start, last ? std::string_view::npos : slash - start);
    if (seg == "..") return "it contains a \"..\" segment that would leave the prefix";
    if (seg == ".") return "it contains a \".\" segment";
    if (seg.empty() && !last) return "it contains an empty segment (\"//\")";
    if (last) break;
    start = slash + 1;
  }
  return "";
}

Error Refuse(std::string_view key, std::string_view problem, std::string_view decoded = {}) {
  std::string what = decoded.empty() ? std::string(problem)
                                     : fmt::format("its percent-decoded form \"{}\" is unsafe: {}",
                                                   decoded, problem);
  return Error(ErrorCode::kInvalidArgument,
               fmt::format("key \"{}\" is refused: {}; {}", key, what, kFix), "key");
}

}  // namespace

Status ValidateRelativeKey(std::string_view key, bool allow_empty) {
  if (key.empty()) {
    if (allow_empty) return OkStatus();
    return Error(ErrorCode::kInvalidArgument,
                 "no key given; name the object relative to the scope's prefix", "key");
  }
  if (std::string p = Problem(key); !p.empty()) return Refuse(key, p);
  // Tools and proxies may decode keys (once or twice) before using them: each decoded form
  // must be as clean as the key itself.
  std::string form(key);
  for (int round = 0; round < 3 && form.find('%') != std::string::npos; ++round) {
    auto decoded = UriDecode(form);
    if (!decoded.ok() || *decoded == form) break;  // a literal '%' is harmless
    form = std::move(decoded).value();
    if (std::string p = Problem(form); !p.empty()) return Refuse(key, p, form);
  }
  return OkStatus();
}

Result<BucketScope> ParseBucketScope(std::string_view spec) {
  std::string_view s = spec;
  if (s.starts_with("s3://")) s.remove_prefix(5);
  size_t slash = s.find('/');
  BucketScope scope;
  scope.bucket = std::string(s.substr(0, slash));
  if (auto st = ValidateBucketName(scope.bucket); !st.ok()) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("bucket \"{}\": {}", spec, st.error().message()), "bucket");
  }
  if (slash == std::string_view::npos) return scope;
  std::string_view path = s.substr(slash + 1);
  while (path.ends_with('/')) path.remove_suffix(1);
  if (path.empty()) return scope;
  if (auto st = ValidateRelativeKey(path); !st.ok()) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("bucket path in \"{}\" is not valid: {}", spec, st.error().message()),
                 "bucket");
  }
  scope.prefix = std::string(path) + "/";
  return scope;
}

Result<std::string> ScopedBucket::Resolve(std::string_view relative_key) const {
  if (auto st = ValidateRelativeKey(relative_key); !st.ok()) {
    return Error(st.error()).WithContext(scope_.ToString());
  }
  return scope_.prefix + std::string(relative_key);
}

Result<std::string> ScopedBucket::ResolvePrefix(std::string_view relative_prefix) const {
  if (auto st = ValidateRelativeKey(relative_prefix, true); !st.ok()) {
    return Error(st.error()).WithContext(scope_.ToString());
  }
  return scope_.prefix + std::string(relative_prefix);
}

std::string ScopedBucket::Relative(std::string_view full_key) const {
  if (full_key.starts_with(scope_.prefix)) full_key.remove_prefix(scope_.prefix.size());
  return std::string(full_key);
}

Error ScopedBucket::NameGrant(Error error, std::string_view api) const {
  const iam::OperationDef* op = iam::FindOperation(api);
  if (error.code() != ErrorCode::kAccessDenied || op == nullptr) return error;
  auto partition = PartitionForRegion(client_->options().region);
  std::string arn =
      "arn:" + (partition.ok() ? partition->id : std::string("aws")) + ":s3:::" + scope_.bucket;
  std::string fixes;
  for (const iam::Requirement& r : op->requirements) {
    std::string resource =
        r.resource == iam::ResourceKind::kBucket ? arn : arn + "/" + scope_.prefix + "*";
    fixes += " " + iam::GrantFix(r.action, resource);
  }
  Error named(error.code(), error.message() + "." + fixes, error.field());
  return std::move(named).WithAws(error.aws_code(), error.http_status(), error.request_id());
}

Result<std::vector<ObjectInfo>> ScopedBucket::List(std::string_view relative_prefix) {
  ASSIGN_OR_RETURN(std::string prefix, ResolvePrefix(relative_prefix));
  ASSIGN_OR_RETURN(auto objects,
                   Named(client_->ListAllObjects(scope_.bucket, prefix), "s3:ListObjectsV2"));
  for (auto& o : objects) o.key = Relative(o.key);
  return objects;
}

Result<ListObjectsV2Page> ScopedBucket::ListPage(std::string_view relative_prefix,
                                                 std::string_view delimiter,
                                                 std::string_view continuation_token) {
  ASSIGN_OR_RETURN(std::string prefix, ResolvePrefix(relative_prefix));
  ListObjectsV2Params params;
  params.prefix = prefix;
  params.delimiter = std::string(delimiter);
  params.continuation_token = std::string(continuation_token);
  ASSIGN_OR_RETURN(ListObjectsV2Page page,
                   Named(client_->ListObjectsV2(scope_.bucket, params), "s3:ListObjectsV2"));
  for (auto& o : page.objects) o.key = Relative(o.key);
  for (auto& p : page.common_prefixes) p = Relative(p);
  return page;
}

Result<bool> ScopedBucket::Exists(std::string_view key) {
  ASSIGN_OR_RETURN(std::string full, Resolve(key));
  ListObjectsV2Params params;
  params.prefix = full;
  params.max_keys = 1;  // the key itself sorts first among the keys it prefixes
  ASSIGN_OR_RETURN(ListObjectsV2Page page,
                   Named(client_->ListObjectsV2(scope_.bucket, params), "s3:ListObjectsV2"));
  return !page.objects.empty() && page.objects.front().key == full;
}

Result<ObjectMetadata> ScopedBucket::Head(std::string_view key) {
  ASSIGN_OR_RETURN(std::string full, Resolve(key));
  return Named(client_->HeadObject(scope_.bucket, full), "s3:HeadObject");
}

Result<std::string> ScopedBucket::GetAsString(std::string_view key) {
  ASSIGN_OR_RETURN(std::string full, Resolve(key));
  return Named(client_->GetObjectAsString(scope_.bucket, full), "s3:GetObject");
}

Result<ObjectMetadata> ScopedBucket::Get(std::string_view key, const http::BodySink& sink,
                                         std::optional<ByteRange> range) {
  ASSIGN_OR_RETURN(std::string full, Resolve(key));
  return Named(client_->GetObject(scope_.bucket, full, sink, range), "s3:GetObject");
}

Result<PutObjectResult> ScopedBucket::Put(std::string_view key, std::string data,
                                          const PutObjectOptions& options) {
  ASSIGN_OR_RETURN(std::string full, Resolve(key));
  return Named(client_->PutObject(scope_.bucket, full, std::move(data), options), "s3:PutObject");
}

Result<UploadResult> ScopedBucket::Upload(std::string_view key, ByteStream& in,
                                          const UploadOptions& options) {
  ASSIGN_OR_RETURN(std::string full, Resolve(key));
  return Named(MultipartUploader(client_).Upload(scope_.bucket, full, in, options), "s3:PutObject");
}

Result<ObjectMetadata> ScopedBucket::DownloadToFile(std::string_view key, const std::string& path,
                                                    const DownloadOptions& options) {
  ASSIGN_OR_RETURN(std::string full, Resolve(key));
  return Named(Downloader(client_).DownloadToFile(scope_.bucket, full, path, options),
               "s3:GetObject");
}

Status ScopedBucket::Delete(std::string_view key) {
  ASSIGN_OR_RETURN(std::string full, Resolve(key));
  return Named(client_->DeleteObject(scope_.bucket, full), "s3:DeleteObject");
}

Result<DeleteObjectsResult> ScopedBucket::DeleteMany(std::span<const std::string> keys) {
  std::vector<std::string> full;
  full.reserve(keys.size());
  for (const auto& k : keys) {
    ASSIGN_OR_RETURN(std::string f, Resolve(k));
    full.push_back(std::move(f));
  }
  ASSIGN_OR_RETURN(DeleteObjectsResult result,
                   Named(client_->DeleteObjects(scope_.bucket, full), "s3:DeleteObjects"));
  for (auto& k : result.deleted) k = Relative(k);
  for (auto& e : result.errors) e.key = Relative(e.key);
  return result;
}

Result<CopyObjectResult> ScopedBucket::Copy(std::string_view from_key, std::string_view to_key) {
  ASSIGN_OR_RETURN(std::string from, Resolve(from_key));
  ASSIGN_OR_RETURN(std::string to, Resolve(to_key));
  return Named(client_->CopyObject(scope_.bucket, from, scope_.bucket, to), "s3:CopyObject");
}

Result<std::string> ScopedBucket::CreateMultipartUpload(std::string_view key) {
  ASSIGN_OR_RETURN(std::string full, Resolve(key));
  return Named(client_->CreateMultipartUpload(scope_.bucket, full), "s3:CreateMultipartUpload");
}

Status ScopedBucket::AbortMultipartUpload(std::string_view key, std::string_view upload_id) {
  ASSIGN_OR_RETURN(std::string full, Resolve(key));
  return Named(client_->AbortMultipartUpload(scope_.bucket, full, upload_id),
               "s3:AbortMultipartUpload");
}

Result<std::vector<MultipartUploadInfo>> ScopedBucket::ListMultipartUploads(
    std::string_view relative_prefix) {
  ASSIGN_OR_RETURN(std::string prefix, ResolvePrefix(relative_prefix));
  ASSIGN_OR_RETURN(auto uploads, Named(client_->ListAllMultipartUploads(scope_.bucket, prefix),
                                       "s3:ListMultipartUploads"));
  for (auto& u : uploads) u.key = Relative(u.key);
  return uploads;
}

Result<std::string> ScopedBucket::GetBucketLocation() {
  return Named(client_->GetBucketLocation(scope_.bucket), "s3:GetBucketLocation");
}

}  // namespace crossdock::aws::s3
