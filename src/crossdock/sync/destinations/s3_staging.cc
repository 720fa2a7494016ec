#include "crossdock/sync/destinations/s3_staging.h"

#include <set>
#include <thread>

#include "crossdock/sync/streams.h"

namespace crossdock::sync {
namespace {

class S3FileWriter final : public StagedFileWriter {
 public:
  S3FileWriter(std::shared_ptr<aws::s3::ScopedBucket> bucket, std::string key, std::string uri,
               const S3StagingOptions& options, std::string content_type,
               std::function<bool()> cancelled)
      : pipe_(options.pipe_bytes), uri_(std::move(uri)) {
    aws::s3::UploadOptions up;
    up.part_size = options.part_size;
    up.concurrency = options.concurrency;
    up.put.content_type = std::move(content_type);
    up.cancelled = std::move(cancelled);
    thread_ = std::thread([this, bucket = std::move(bucket), key = std::move(key), up] {
      auto r = bucket->Upload(key, pipe_, up);
      if (!r.ok()) {
        pipe_.Fail(r.error());
        status_ = r.error();
      }
    });
  }
  ~S3FileWriter() override { Abort(); }

  Status Write(std::string_view bytes) override { return pipe_.Write(bytes); }

  Result<std::string> Finish() override {
    pipe_.CloseWrite();
    Join();
    RETURN_IF_ERROR(status_);
    return uri_;
  }

  void Abort() override {
    if (!thread_.joinable()) return;
    pipe_.Fail(Error(ErrorCode::kCancelled, "the staged file " + uri_ + " was abandoned"));
    Join();
  }

 private:
  void Join() {
    if (thread_.joinable()) thread_.join();
  }
  PipeByteStream pipe_;
  std::string uri_;
  std::thread thread_;
  Status status_;
};

Error WriteDenied(const Error& e, const aws::s3::ScopedBucket& b, const std::string& where) {
  std::string msg =
      "crossdock may not write to " + b.scope().ToString() + where + " (" + e.message() + ")";
  if (e.code() == ErrorCode::kAccessDenied || e.code() == ErrorCode::kNotFound) {
    msg +=
        "; grant the role s3:PutObject, s3:GetObject, s3:DeleteObject and "
        "s3:AbortMultipartUpload on arn:aws:s3:::" +
        b.scope().bucket + "/" + b.scope().prefix + "* and s3:ListBucket on the bucket";
  }
  return Error(e.code(), msg, "destination").WithAws(e.aws_code(), e.http_status(), e.request_id());
}

}  // namespace

std::string S3Staging::Uri(const std::string& run_id, const std::string& name) const {
  return bucket_->scope().ToString() + StagingFolder(run_id) + name;
}

Status S3Staging::Probe(const std::string& run_id) {
  std::string key = StagingFolder(run_id) + ".crossdock-probe";
  auto put = bucket_->Put(key, "probe");
  if (!put.ok()) return WriteDenied(put.error(), *bucket_, StagingFolder(run_id));
  Status del = bucket_->Delete(key);
  if (!del.ok()) return WriteDenied(del.error(), *bucket_, StagingFolder(run_id));
  return OkStatus();
}

Result<std::unique_ptr<StagedFileWriter>> S3Staging::OpenFile(const std::string& run_id,
                                                              const std::string& name,
                                                              const std::string& content_type,
                                                              std::function<bool()> cancelled) {
  std::string key = StagingFolder(run_id) + name;
  RETURN_IF_ERROR(bucket_->Resolve(key));
  return std::unique_ptr<StagedFileWriter>(new S3FileWriter(
      bucket_, key, Uri(run_id, name), options_, content_type, std::move(cancelled)));
}

Status S3Staging::Clear(const std::string& run_id, int* objects_deleted, int* uploads_aborted) {
  std::string folder = StagingFolder(run_id);
  ASSIGN_OR_RETURN(auto uploads, bucket_->ListMultipartUploads(folder));
  for (const auto& u : uploads) {
    Status st = bucket_->AbortMultipartUpload(u.key, u.upload_id);
    if (!st.ok() && st.error().code() != ErrorCode::kNotFound) return st;
    if (uploads_aborted) ++*uploads_aborted;
  }
  ASSIGN_OR_RETURN(auto objects, bucket_->List(folder));
  std::vector<std::string> keys;
  for (const auto& o : objects) keys.push_back(o.key);
  if (!keys.empty()) {
    ASSIGN_OR_RETURN(auto res, bucket_->DeleteMany(keys));
    if (!res.errors.empty()) {
      return Error(ErrorCode::kAccessDenied,
                   "could not delete staged object " + res.errors[0].key + " (" +
                       res.errors[0].code + "); grant s3:DeleteObject on the prefix",
                   "destination");
    }
    if (objects_deleted) *objects_deleted += static_cast<int>(keys.size());
  }
  return OkStatus();
}

Result<SweepReport> S3Staging::Sweep(
    const std::function<bool(const std::string& run_id)>& is_active) {
  SweepReport report;
  std::set<std::string> runs;
  std::string token;
  do {
    ASSIGN_OR_RETURN(auto page, bucket_->ListPage(kStagingRoot, "/", token));
    for (const auto& p : page.common_prefixes) {
      std::string run = p.substr(std::string(kStagingRoot).size());
      if (!run.empty() && run.back() == '/') run.pop_back();
      if (!run.empty()) runs.insert(run);
    }
    token = page.is_truncated ? page.next_continuation_token : "";
  } while (!token.empty());
  // Uploads whose objects never completed leave no listing entry: find their runs too.
  ASSIGN_OR_RETURN(auto uploads, bucket_->ListMultipartUploads(kStagingRoot));
  for (const auto& u : uploads) {
    std::string rest = u.key.substr(std::string(kStagingRoot).size());
    runs.insert(rest.substr(0, rest.find('/')));
  }
  for (const auto& run : runs) {
    if (is_active(run)) continue;
    RETURN_IF_ERROR(Clear(run, &report.objects_deleted, &report.uploads_aborted));
    report.removed_runs.push_back(run);
  }
  return report;
}

Result<StagingState> InspectStaging(aws::s3::ScopedBucket& bucket) {
  StagingState state;
  ASSIGN_OR_RETURN(auto objects, bucket.List(kStagingRoot));
  for (auto& o : objects) state.staged_objects.push_back(o.key);
  ASSIGN_OR_RETURN(state.uploads, bucket.ListMultipartUploads(""));
  return state;
}

}  // namespace crossdock::sync
