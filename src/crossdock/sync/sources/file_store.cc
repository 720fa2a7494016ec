#include "crossdock/sync/sources/file_store.h"

#include <algorithm>
#include <filesystem>
#include <thread>

#include "crossdock/sync/streams.h"

namespace crossdock::sync {

bool IsCrossdockFile(const std::string& name) {
  if (name.rfind("_crossdock/", 0) == 0 || name.find("/_crossdock/") != std::string::npos) {
    return true;
  }
  std::string_view base(name);
  size_t slash = base.rfind('/');
  if (slash != std::string_view::npos) base = base.substr(slash + 1);
  return base == "manifest.json" || base.empty() || base[0] == '.';
}

namespace {

namespace fs = std::filesystem;

// An S3 object read through a pipe fed by a download thread. A body cut off by a transport
// error is requested again from the byte where it stopped (up to kMaxResumes times).
class S3ReadStream final : public aws::s3::ByteStream {
 public:
  static constexpr int kMaxResumes = 10;

  S3ReadStream(std::shared_ptr<aws::s3::ScopedBucket> bucket, std::string key) : pipe_(2 << 20) {
    thread_ = std::thread([this, bucket = std::move(bucket), key = std::move(key)] {
      uint64_t offset = 0;
      for (int attempt = 0;; ++attempt) {
        std::optional<aws::s3::ByteRange> range;
        if (offset > 0) range = aws::s3::ByteRange{offset, std::nullopt};
        auto r = bucket->Get(
            key,
            [&](std::string_view chunk) -> Status {
              offset += chunk.size();
              return pipe_.Write(chunk);
            },
            range);
        if (r.ok()) break;
        bool resumable = r.error().retryable() && r.error().code() != ErrorCode::kCancelled;
        if (!resumable || attempt >= kMaxResumes) {
          pipe_.Fail(
              std::move(r).error().WithContext("reading " + bucket->scope().ToString() + key));
          return;
        }
      }
      pipe_.CloseWrite();
    });
  }
  ~S3ReadStream() override {
    pipe_.Fail(Error(ErrorCode::kCancelled, "reader closed"));
    thread_.join();
  }
  Result<size_t> Read(char* buf, size_t size) override { return pipe_.Read(buf, size); }

 private:
  PipeByteStream pipe_;
  std::thread thread_;
};

class S3FileStore final : public FileStore {
 public:
  explicit S3FileStore(std::shared_ptr<aws::s3::ScopedBucket> bucket)
      : bucket_(std::move(bucket)) {}
  std::string Describe() const override { return bucket_->scope().ToString(); }
  Result<std::vector<FileEntry>> List(const std::string& prefix) override {
    ASSIGN_OR_RETURN(auto objects, bucket_->List(prefix));
    std::vector<FileEntry> out;
    for (auto& o : objects) {
      if (!o.key.empty() && o.key.back() == '/') continue;  // folder markers
      out.push_back(FileEntry{o.key, o.size});
    }
    std::sort(out.begin(), out.end(),
              [](const FileEntry& a, const FileEntry& b) { return a.name < b.name; });
    return out;
  }
  Result<std::unique_ptr<aws::s3::ByteStream>> Open(const std::string& name) override {
    RETURN_IF_ERROR(bucket_->Resolve(name));
    return std::unique_ptr<aws::s3::ByteStream>(new S3ReadStream(bucket_, name));
  }

 private:
  std::shared_ptr<aws::s3::ScopedBucket> bucket_;
};

class LocalFileStore final : public FileStore {
 public:
  explicit LocalFileStore(std::string root) : root_(std::move(root)) {}
  std::string Describe() const override { return "local directory " + root_; }
  Result<std::vector<FileEntry>> List(const std::string& prefix) override {
    RETURN_IF_ERROR(aws::s3::ValidateRelativeKey(prefix, true));
    std::vector<FileEntry> out;
    std::error_code ec;
    fs::path base(root_);
    if (!fs::is_directory(base, ec)) {
      return Error(ErrorCode::kNotFound, "directory " + root_ + " does not exist", "source.path");
    }
    for (auto it = fs::recursive_directory_iterator(base, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      std::string rel = fs::relative(it->path(), base, ec).generic_string();
      if (rel.compare(0, prefix.size(), prefix) != 0) continue;
      out.push_back(FileEntry{rel, static_cast<uint64_t>(it->file_size(ec))});
    }
    if (ec) {
      return Error(ErrorCode::kUnavailable, "listing " + root_ + ": " + ec.message(),
                   "source.path");
    }
    std::sort(out.begin(), out.end(),
              [](const FileEntry& a, const FileEntry& b) { return a.name < b.name; });
    return out;
  }
  Result<std::unique_ptr<aws::s3::ByteStream>> Open(const std::string& name) override {
    RETURN_IF_ERROR(aws::s3::ValidateRelativeKey(name));
    ASSIGN_OR_RETURN(auto f, aws::s3::FileByteStream::Open((fs::path(root_) / name).string()));
    return std::unique_ptr<aws::s3::ByteStream>(std::move(f));
  }

 private:
  std::string root_;
};

}  // namespace

std::unique_ptr<FileStore> MakeS3FileStore(std::shared_ptr<aws::s3::ScopedBucket> bucket) {
  return std::make_unique<S3FileStore>(std::move(bucket));
}

std::unique_ptr<FileStore> MakeLocalFileStore(std::string root) {
  return std::make_unique<LocalFileStore>(std::move(root));
}

}  // namespace crossdock::sync
