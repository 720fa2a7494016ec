#include "crossdock/aws/s3/multipart_uploader.h"

#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "crossdock/aws/s3/checksum.h"
#include "crossdock/core/hex.h"

namespace crossdock::aws::s3 {
namespace {

using Buffer = std::unique_ptr<char[]>;

// The shared state of one multipart upload: a pool of at most `limit` part buffers, a queue
// of filled parts for the workers, the parts completed and the first error.
class UploadState {
 public:
  UploadState(int limit, size_t part_size) : limit_(limit), part_size_(part_size) {}

  // A free buffer, allocating while under the limit; nullptr once the upload failed.
  char* TakeBuffer(int* allocated_peak) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return failed_ || !free_.empty() || allocated_ < limit_; });
    if (failed_) return nullptr;
    if (!free_.empty()) {
      char* b = free_.back();
      free_.pop_back();
      return b;
    }
    owned_.push_back(Buffer(new char[part_size_]));
    ++allocated_;
    if (allocated_ > *allocated_peak) *allocated_peak = allocated_;
    return owned_.back().get();
  }
  void GiveBack(char* buffer) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(buffer);
    cv_.notify_all();
  }

  struct Job {
    int part_number;
    char* buffer;
    size_t size;
  };
  void Push(Job job) {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(job);
    cv_.notify_all();
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    cv_.notify_all();
  }
  // The next job; nullopt when closed and drained, or failed.
  std::optional<Job> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return failed_ || closed_ || !jobs_.empty(); });
    if (failed_ || jobs_.empty()) return std::nullopt;
    Job j = jobs_.front();
    jobs_.pop_front();
    return j;
  }

  void Fail(Error e) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!failed_) {
      failed_ = true;
      error_ = std::move(e);
    }
    cv_.notify_all();
  }
  bool failed() {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_;
  }
  Error error() {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }
  void Done(CompletedPart part) {
    std::lock_guard<std::mutex> lock(mu_);
    size_t index = static_cast<size_t>(part.part_number - 1);
    if (parts_.size() <= index) parts_.resize(index + 1);
    parts_[index] = std::move(part);
  }
  std::vector<CompletedPart> parts() {
    std::lock_guard<std::mutex> lock(mu_);
    return parts_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  const int limit_;
  const size_t part_size_;
  int allocated_ = 0;
  std::vector<Buffer> owned_;
  std::vector<char*> free_;
  std::deque<Job> jobs_;
  bool closed_ = false;
  bool failed_ = false;
  Error error_;
  std::vector<CompletedPart> parts_;
};

}  // namespace

std::string MultipartEtag(std::span<const CompletedPart> parts) {
  std::string digests;
  for (const auto& p : parts) {
    std::string_view hex = p.etag;
    if (hex.size() >= 2 && hex.front() == '"' && hex.back() == '"')
      hex = hex.substr(1, hex.size() - 2);
    auto raw = HexDecode(hex);
    if (!raw.ok() || raw->size() != 16) return "";
    digests += *raw;
  }
  return fmt::format("\"{}-{}\"", HexEncode(Md5(digests)), parts.size());
}

Result<UploadResult> MultipartUploader::UploadFile(std::string_view bucket, std::string_view key,
                                                   const std::string& path, UploadOptions options) {
  ASSIGN_OR_RETURN(auto file, FileByteStream::Open(path));
  options.size_hint = file->size();
  uint64_t threshold = client_->options().multipart_threshold;
  if (file->size() < threshold) {
    // Small file: one PutObject read straight from the file, no part buffer.
    ASSIGN_OR_RETURN(auto body, FileBodySource::Open(path));
    if (body->Size() < threshold) {
      ASSIGN_OR_RETURN(PutObjectResult put, client_->PutObject(bucket, key, body, options.put));
      if (options.on_progress) options.on_progress(body->Size());
      return UploadResult{put.etag, body->Size(), 0, 0, client_->checksum_support()};
    }
  }
  return Upload(bucket, key, *file, options);
}

Result<UploadResult> MultipartUploader::Upload(std::string_view bucket, std::string_view key,
                                               ByteStream& in, const UploadOptions& options) {
  const S3Options& so = client_->options();
  ASSIGN_OR_RETURN(
      uint64_t part_size,
      ChoosePartSize(options.size_hint, options.part_size > 0 ? options.part_size : so.part_size));
  int concurrency = std::max(1, options.concurrency > 0 ? options.concurrency : so.concurrency);
  if (options.size_hint) {
    concurrency =
        static_cast<int>(std::min<uint64_t>(concurrency, PartCount(*options.size_hint, part_size)));
  }
  const std::string uri = S3Uri(bucket, key);

  UploadState state(concurrency, part_size);
  int peak = 0;
  char* first = state.TakeBuffer(&peak);
  auto first_read = ReadFull(in, first, part_size);
  if (!first_read.ok()) {
    return Error(first_read.error()).WithContext(fmt::format("upload to {}", uri));
  }
  size_t first_size = *first_read;
  uint64_t threshold = std::max<uint64_t>(so.multipart_threshold, 1);

  // Short stream: one PutObject. A stream that filled the first part may be longer.
  if (first_size < part_size && first_size < threshold) {
    peak_buffers_.store(std::max(peak_buffers_.load(), peak));
    if (options.cancelled && options.cancelled()) {
      return Error(ErrorCode::kCancelled, fmt::format("upload to {} was cancelled", uri));
    }
    auto body = std::make_shared<BytesBodySource>(std::string_view(first, first_size));
    ASSIGN_OR_RETURN(PutObjectResult put, client_->PutObject(bucket, key, body, options.put));
    if (options.on_progress) options.on_progress(first_size);
    return UploadResult{put.etag, first_size, 0, 0, client_->checksum_support()};
  }

  ASSIGN_OR_RETURN(std::string upload_id, client_->CreateMultipartUpload(bucket, key, options.put));
  std::atomic<uint64_t> acknowledged{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < concurrency; ++i) {
    workers.emplace_back([&] {
      while (auto job = state.Pop()) {
        auto part = client_->UploadPart(bucket, key, upload_id, job->part_number,
                                        std::string_view(job->buffer, job->size));
        state.GiveBack(job->buffer);
        if (!part.ok()) {
          state.Fail(std::move(part).error());
          return;
        }
        uint64_t done = acknowledged.fetch_add(part->size) + part->size;
        state.Done(std::move(part).value());
        if (options.on_progress) options.on_progress(done);
      }
    });
  }

  // The producer: this thread reads parts in order and queues them.
  uint64_t total = first_size;
  int part_number = 1;
  state.Push({part_number, first, first_size});
  bool more = first_size == part_size;
  while (more && !state.failed()) {
    if (options.cancelled && options.cancelled()) {
      state.Fail(Error(ErrorCode::kCancelled, "the upload was cancelled"));
      break;
    }
    char* buffer = state.TakeBuffer(&peak);
    if (buffer == nullptr) break;
    auto n = ReadFull(in, buffer, part_size);
    if (!n.ok()) {
      state.GiveBack(buffer);
      state.Fail(Error(n.error()).WithContext(fmt::format("reading the source at byte {}", total)));
      break;
    }
    if (*n == 0) {
      state.GiveBack(buffer);
      break;
    }
    if (part_number + 1 > static_cast<int>(kMaxParts)) {
      state.GiveBack(buffer);
      state.Fail(Error(ErrorCode::kInvalidArgument,
                       fmt::format("the stream is longer than 10,000 parts of {} bytes; pass "
                                   "its size or a larger part size",
                                   part_size),
                       "part_size"));
      break;
    }
    total += *n;
    more = *n == part_size;
    state.Push({++part_number, buffer, *n});
  }
  state.Close();
  for (auto& w : workers) w.join();
  peak_buffers_.store(std::max(peak_buffers_.load(), peak));

  Status outcome = OkStatus();
  CompleteMultipartResult complete;
  if (state.failed()) {
    outcome = state.error();
  } else {
    std::vector<CompletedPart> parts = state.parts();
    auto done = client_->CompleteMultipartUpload(bucket, key, upload_id, parts);
    if (done.ok()) {
      complete = std::move(done).value();
    } else if (done.error().code() == ErrorCode::kNotFound) {
      // NoSuchUpload on a retry: the first attempt may have completed the upload. The
      // object is ours if its ETag is the one S3 derives from exactly these parts.
      auto head = client_->HeadObject(bucket, key);
      if (head.ok() && head->size == total && head->etag == MultipartEtag(parts)) {
        complete.etag = head->etag;
      } else {
        outcome = done.error();
      }
    } else {
      outcome = done.error();
    }
  }
  if (!outcome.ok()) {
    Error cause = std::move(outcome).error();
    // Parts in flight have finished (workers joined), so the abort leaves nothing behind.
    Status aborted = client_->AbortMultipartUpload(bucket, key, upload_id);
    if (!aborted.ok() && aborted.error().code() != ErrorCode::kNotFound) {
      return Error(cause.code(),
                   fmt::format("upload to {} failed: {}; aborting multipart upload {} also "
                               "failed ({}): abort it with AbortMultipartUpload or a lifecycle "
                               "rule",
                               uri, cause.message(), upload_id, aborted.error().message()))
          .WithAws(cause.aws_code(), cause.http_status(), cause.request_id());
    }
    return Error(cause.code(), fmt::format("upload to {} failed and was aborted (no parts "
                                           "left): {}",
                                           uri, cause.message()))
        .WithAws(cause.aws_code(), cause.http_status(), cause.request_id());
  }
  if (complete.etag.empty()) {
    // Ceph RGW answers <ETag></ETag>; HeadObject has the real one.
    if (auto head = client_->HeadObject(bucket, key); head.ok()) complete.etag = head->etag;
  }
  return UploadResult{complete.etag, total, part_number, part_size, client_->checksum_support()};
}

}  // namespace crossdock::aws::s3
