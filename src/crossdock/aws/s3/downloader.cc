#include "crossdock/aws/s3/downloader.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

namespace crossdock::aws::s3 {
namespace {

Error IoError(std::string_view what, const std::string& path) {
  return Error(ErrorCode::kInternal,
               fmt::format("cannot {} '{}': {}; check the directory exists and is writable", what,
                           path, std::strerror(errno)),
               "path");
}

Status PwriteAll(int fd, std::string_view data, uint64_t offset, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("write", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return OkStatus();
}

}  // namespace

Status Downloader::FetchRange(std::string_view bucket, std::string_view key, uint64_t first,
                              std::optional<uint64_t> last, const std::string& etag,
                              const std::function<Status(uint64_t, std::string_view)>& write,
                              const DownloadOptions& options, ObjectMetadata* meta) {
  uint64_t pos = first;
  http::BodySink sink = [&](std::string_view chunk) -> Status {
    RETURN_IF_ERROR(write(pos, chunk));
    pos += chunk.size();
    return OkStatus();
  };
  for (int resumes = 0;; ++resumes) {
    std::optional<ByteRange> range;
    if (pos > 0 || last) range = ByteRange{pos, last};
    auto got = client_->GetObject(bucket, key, sink, range, etag);
    if (got.ok()) {
      // After a resume the answer covers the rest of the range; its ETag and Content-Range
      // total are the object's all the same.
      if (meta != nullptr) *meta = std::move(got).value();
      return OkStatus();
    }
    const Error& e = got.error();
    bool progressed = pos > first;
    // Only a body cut off after bytes arrived is resumed here; AwsClient already retried
    // the rest. The If-Match guards the version from the first byte on when we know it.
    if (!e.retryable() || !progressed || resumes >= options.max_resumes) return e;
    resumes_.fetch_add(1);
    client_->aws().clock().SleepFor(std::chrono::milliseconds(std::min(50 << resumes, 2000)));
  }
}

Result<ObjectMetadata> Downloader::DownloadToSink(std::string_view bucket, std::string_view key,
                                                  const http::BodySink& sink,
                                                  const DownloadOptions& options) {
  uint64_t part = options.part_size > 0 ? options.part_size : client_->options().part_size;
  std::atomic<uint64_t> received{0};
  auto write = [&](uint64_t, std::string_view chunk) -> Status {
    RETURN_IF_ERROR(sink(chunk));
    uint64_t done = received.fetch_add(chunk.size()) + chunk.size();
    if (options.on_progress) options.on_progress(done);
    return OkStatus();
  };
  // The first part's answer gives the ETag that pins the version for the rest.
  ObjectMetadata meta;
  Status first = FetchRange(bucket, key, 0, part - 1, "", write, options, &meta);
  if (!first.ok()) {
    if (first.error().http_status() != 416) return first.error();
    ASSIGN_OR_RETURN(meta, client_->HeadObject(bucket, key));  // empty object
    if (meta.size != 0) return first.error();
    return meta;
  }
  uint64_t total = meta.total_size.value_or(meta.size);
  if (meta.total_size && total > part) {
    RETURN_IF_ERROR(
        FetchRange(bucket, key, part, std::nullopt, meta.etag, write, options, nullptr));
  }
  meta.size = total;
  meta.content_range.clear();
  return meta;
}

Result<ObjectMetadata> Downloader::DownloadToFile(std::string_view bucket, std::string_view key,
                                                  const std::string& path,
                                                  const DownloadOptions& options) {
  const S3Options& so = client_->options();
  uint64_t part = options.part_size > 0 ? options.part_size : so.part_size;
  int concurrency = std::max(1, options.concurrency > 0 ? options.concurrency : so.concurrency);
  std::string tmp = path + ".crossdock-partial";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("create", tmp);
  auto fail = [&](Error e) -> Error {
    ::close(fd);
    ::unlink(tmp.c_str());
    return e;
  };
  std::atomic<uint64_t> received{0};
  auto write = [&](uint64_t offset, std::string_view chunk) -> Status {
    RETURN_IF_ERROR(PwriteAll(fd, chunk, offset, tmp));
    uint64_t done = received.fetch_add(chunk.size()) + chunk.size();
    if (options.on_progress) options.on_progress(done);
    return OkStatus();
  };

  ObjectMetadata meta;
  Status first = FetchRange(bucket, key, 0, part - 1, "", write, options, &meta);
  if (!first.ok()) {
    if (first.error().http_status() != 416) return fail(first.error());
    auto head = client_->HeadObject(bucket, key);  // 416 on the first range: an empty object
    if (!head.ok() || head->size != 0) return fail(first.error());
    meta = std::move(head).value();
  }
  uint64_t total = meta.total_size.value_or(meta.size);
  if (meta.total_size && total > part) {
    uint64_t ranges = PartCount(total, part);  // range 0 is done
    std::atomic<uint64_t> next{1};
    std::mutex mu;
    std::optional<Error> error;
    auto worker = [&] {
      for (;;) {
        {
          std::lock_guard<std::mutex> lock(mu);
          if (error) return;
        }
        uint64_t i = next.fetch_add(1);
        if (i >= ranges) return;
        uint64_t begin = i * part;
        uint64_t end = std::min(total, begin + part) - 1;
        Status st = FetchRange(bucket, key, begin, end, meta.etag, write, options, nullptr);
        if (!st.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (!error) error = st.error();
          return;
        }
      }
    };
    std::vector<std::thread> threads;
    int n = static_cast<int>(std::min<uint64_t>(concurrency, ranges - 1));
    for (int t = 0; t < n; ++t) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
    if (error) return fail(*error);
  }
  if (received.load() != total) {
    return fail(Error(ErrorCode::kDataLoss,
                      fmt::format("GetObject {}: received {} of {} bytes; retry the download",
                                  S3Uri(bucket, key), received.load(), total)));
  }
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return IoError("close", tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Error e = IoError("rename into", path);
    ::unlink(tmp.c_str());
    return e;
  }
  meta.size = total;
  meta.content_range.clear();
  return meta;
}

}  // namespace crossdock::aws::s3
