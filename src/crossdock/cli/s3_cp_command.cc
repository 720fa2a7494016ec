// `crossdock s3 cp SRC DST`: upload (file or '-' for stdin), download (to a file or '-'
// for stdout) and S3-to-S3 copy, of one object or, with --recursive, a directory tree or a
// key prefix, several objects in flight at once.
//
// Large objects go through the multipart uploader (bounded memory, parallel parts, aborted
// on failure) and the ranged parallel downloader; stdin is uploaded as a stream of unknown
// length and stdout written in order. A destination that is a directory, or ends in '/',
// receives the source's base name, as with cp(1) and the aws CLI. Per-object lines
// ("upload: a to s3://b/a") go to stdout unless --quiet or the data itself goes to stdout;
// a progress bar goes to stderr when it is a terminal.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include "crossdock/aws/s3/byte_stream.h"
#include "crossdock/aws/s3/downloader.h"
#include "crossdock/aws/s3/multipart_uploader.h"
#include "crossdock/cli/commands.h"
#include "crossdock/cli/s3_cli.h"

namespace crossdock::cli {
namespace {

namespace fs = std::filesystem;
using aws::s3::S3Client;

std::string BaseName(std::string_view key) {
  size_t slash = key.rfind('/');
  return std::string(slash == std::string_view::npos ? key : key.substr(slash + 1));
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error(ErrorCode::kInternal,
                   fmt::format("writing to stdout failed: {}", std::strerror(errno)));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return OkStatus();
}

// One object to move in a recursive copy.
struct Job {
  std::string from;  // local path or key
  std::string to;    // key or local path
  uint64_t size = 0;
};

// Runs jobs on `workers` threads; prints each failure; returns how many failed.
int RunJobs(const std::vector<Job>& jobs, int workers, const std::function<Status(const Job&)>& run,
            std::string_view command, ProgressBar& bar) {
  std::atomic<size_t> next{0};
  std::atomic<int> failed{0};
  std::mutex out;
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < jobs.size();) {
      Status st = run(jobs[i]);
      if (!st.ok()) {
        ++failed;
        std::lock_guard<std::mutex> lock(out);
        bar.Finish();
        std::cerr << "crossdock s3 " << command << ": " << st.error().ToString() << "\n";
      }
    }
  };
  std::vector<std::thread> threads;
  int n = static_cast<int>(std::min<size_t>(jobs.size(), std::max(1, workers)));
  for (int t = 0; t < n; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  return failed.load();
}

class Cp {
 public:
  Cp(std::shared_ptr<S3Client> client, const S3CliOptions& o) : client_(std::move(client)), o_(o) {}

  int Upload(const S3Arg& src, const S3Arg& dst) {
    aws::s3::UploadOptions up;
    up.put.content_type = o_.content_type;
    if (src.kind == S3Arg::kStdio) {
      if (dst.key.empty() || dst.key.ends_with('/')) {
        return Usage("uploading stdin needs a full key; write s3://BUCKET/KEY", "DST");
      }
      ProgressBar bar(!o_.quiet, 0);
      up.on_progress = bar.Tracker();
      aws::s3::FdByteStream in(STDIN_FILENO, "stdin");
      auto r = aws::s3::MultipartUploader(client_).Upload(dst.bucket, dst.key, in, up);
      bar.Finish();
      if (!r.ok()) return ReportS3Error("cp", r.error());
      Line(fmt::format("upload: - to {}", dst.ToString()));
      return kExitOk;
    }
    std::error_code ec;
    if (fs::is_directory(src.path, ec)) {
      if (!o_.recursive) {
        return Usage(
            fmt::format("'{}' is a directory; add --recursive to upload its files", src.path),
            "SRC");
      }
      std::string prefix = dst.key;
      if (!prefix.empty() && !prefix.ends_with('/')) prefix += '/';
      std::vector<Job> jobs;
      uint64_t total = 0;
      for (auto it = fs::recursive_directory_iterator(src.path, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file()) continue;
        std::string rel = fs::relative(it->path(), src.path).generic_string();
        jobs.push_back({it->path().string(), prefix + rel, it->file_size()});
        total += jobs.back().size;
      }
      if (ec)
        return ReportS3Error("cp", Error(ErrorCode::kInternal, src.path + ": " + ec.message()));
      ProgressBar bar(!o_.quiet, total);
      int failed = RunJobs(
          jobs, client_->options().concurrency,
          [&](const Job& j) -> Status {
            aws::s3::UploadOptions one = up;
            one.on_progress = bar.Tracker();
            RETURN_IF_ERROR(
                aws::s3::MultipartUploader(client_).UploadFile(dst.bucket, j.to, j.from, one));
            Line(fmt::format("upload: {} to s3://{}/{}", j.from, dst.bucket, j.to), &bar);
            return OkStatus();
          },
          "cp", bar);
      bar.Finish();
      return failed == 0 ? kExitOk : kExitFailure;
    }
    std::string key = dst.key;
    if (key.empty() || key.ends_with('/')) key += BaseName(src.path);
    uint64_t size = fs::file_size(src.path, ec);
    ProgressBar bar(!o_.quiet, ec ? 0 : size);
    up.on_progress = bar.Tracker();
    auto r = aws::s3::MultipartUploader(client_).UploadFile(dst.bucket, key, src.path, up);
    bar.Finish();
    if (!r.ok()) return ReportS3Error("cp", r.error());
    Line(fmt::format("upload: {} to s3://{}/{}", src.path, dst.bucket, key));
    return kExitOk;
  }

  int Download(const S3Arg& src, const S3Arg& dst) {
    aws::s3::Downloader down(client_);
    if (o_.recursive) {
      if (dst.kind == S3Arg::kStdio) return Usage("--recursive cannot write to stdout", "DST");
      std::string prefix = src.key;
      if (!prefix.empty() && !prefix.ends_with('/')) prefix += '/';
      auto objects = client_->ListAllObjects(src.bucket, prefix);
      if (!objects.ok()) return ReportS3Error("cp", objects.error());
      std::vector<Job> jobs;
      uint64_t total = 0;
      for (const auto& obj : *objects) {
        if (obj.key.ends_with('/')) continue;  // folder markers
        std::string rel = obj.key.substr(prefix.size());
        jobs.push_back({obj.key, (fs::path(dst.path) / rel).string(), obj.size});
        total += obj.size;
      }
      ProgressBar bar(!o_.quiet, total);
      int failed = RunJobs(
          jobs, client_->options().concurrency,
          [&](const Job& j) -> Status {
            std::error_code ec;
            fs::create_directories(fs::path(j.to).parent_path(), ec);
            aws::s3::DownloadOptions one;
            one.on_progress = bar.Tracker();
            RETURN_IF_ERROR(down.DownloadToFile(src.bucket, j.from, j.to, one));
            Line(fmt::format("download: s3://{}/{} to {}", src.bucket, j.from, j.to), &bar);
            return OkStatus();
          },
          "cp", bar);
      bar.Finish();
      return failed == 0 ? kExitOk : kExitFailure;
    }
    if (src.key.empty() || src.key.ends_with('/')) {
      return Usage(fmt::format("'{}' names a prefix, not an object; add --recursive or name "
                               "the object",
                               src.ToString()),
                   "SRC");
    }
    ProgressBar bar(!o_.quiet, 0);
    aws::s3::DownloadOptions opts;
    opts.on_progress = bar.Tracker();
    if (dst.kind == S3Arg::kStdio) {
      auto r = down.DownloadToSink(
          src.bucket, src.key,
          [](std::string_view chunk) { return WriteAll(STDOUT_FILENO, chunk); }, opts);
      bar.Finish();
      if (!r.ok()) return ReportS3Error("cp", r.error());
      return kExitOk;
    }
    std::string path = dst.path;
    std::error_code ec;
    if (path.ends_with('/') || fs::is_directory(path, ec)) {
      path = (fs::path(path) / BaseName(src.key)).string();
    }
    auto r = down.DownloadToFile(src.bucket, src.key, path, opts);
    bar.Finish();
    if (!r.ok()) return ReportS3Error("cp", r.error());
    Line(fmt::format("download: {} to {}", src.ToString(), path));
    return kExitOk;
  }

  int Copy(const S3Arg& src, const S3Arg& dst) {
    if (o_.recursive) {
      std::string prefix = src.key;
      if (!prefix.empty() && !prefix.ends_with('/')) prefix += '/';
      std::string to_prefix = dst.key;
      if (!to_prefix.empty() && !to_prefix.ends_with('/')) to_prefix += '/';
      auto objects = client_->ListAllObjects(src.bucket, prefix);
      if (!objects.ok()) return ReportS3Error("cp", objects.error());
      std::vector<Job> jobs;
      for (const auto& obj : *objects) {
        jobs.push_back({obj.key, to_prefix + obj.key.substr(prefix.size()), obj.size});
      }
      ProgressBar bar(false, 0);
      int failed = RunJobs(
          jobs, client_->options().concurrency,
          [&](const Job& j) -> Status {
            RETURN_IF_ERROR(client_->CopyObject(src.bucket, j.from, dst.bucket, j.to));
            Line(fmt::format("copy: s3://{}/{} to s3://{}/{}", src.bucket, j.from, dst.bucket,
                             j.to));
            return OkStatus();
          },
          "cp", bar);
      return failed == 0 ? kExitOk : kExitFailure;
    }
    if (src.key.empty() || src.key.ends_with('/')) {
      return Usage(
          fmt::format("'{}' names a prefix; add --recursive or name the object", src.ToString()),
          "SRC");
    }
    std::string key = dst.key;
    if (key.empty() || key.ends_with('/')) key += BaseName(src.key);
    auto r = client_->CopyObject(src.bucket, src.key, dst.bucket, key);
    if (!r.ok()) return ReportS3Error("cp", r.error());
    Line(fmt::format("copy: {} to s3://{}/{}", src.ToString(), dst.bucket, key));
    return kExitOk;
  }

 private:
  int Usage(std::string message, const char* field) {
    return ReportS3Error("cp", Error(ErrorCode::kInvalidArgument, std::move(message), field));
  }
  void Line(const std::string& line, ProgressBar* bar = nullptr) {
    if (o_.quiet) return;
    std::lock_guard<std::mutex> lock(out_);
    if (bar != nullptr && ::isatty(STDERR_FILENO) == 1) std::cerr << "\r\033[K";
    std::cout << line << "\n";
  }

  std::shared_ptr<S3Client> client_;
  const S3CliOptions& o_;
  std::mutex out_;
};

int RunCp(const std::string& src_text, const std::string& dst_text, const S3CliOptions& o) {
  auto src = ParseS3Arg(src_text);
  if (!src.ok()) return ReportS3Error("cp", src.error());
  auto dst = ParseS3Arg(dst_text);
  if (!dst.ok()) return ReportS3Error("cp", dst.error());
  if (src->kind != S3Arg::kS3 && dst->kind != S3Arg::kS3) {
    return ReportS3Error("cp",
                         Error(ErrorCode::kInvalidArgument,
                               "neither SRC nor DST is an s3:// URL; one of them must be", "SRC"));
  }
  auto client = MakeCliS3Client(o);
  if (!client.ok()) return ReportS3Error("cp", client.error());
  Cp cp(*client, o);
  if (dst->kind == S3Arg::kS3 && src->kind != S3Arg::kS3) return cp.Upload(*src, *dst);
  if (src->kind == S3Arg::kS3 && dst->kind != S3Arg::kS3) {
    // Data on stdout: keep stdout for the bytes only.
    S3CliOptions quiet = o;
    if (dst->kind == S3Arg::kStdio) quiet.quiet = true;
    Cp out(*client, quiet);
    return out.Download(*src, *dst);
  }
  return cp.Copy(*src, *dst);
}

}  // namespace

void AddS3CpCommand(CLI::App& s3) {
  auto opts = std::make_shared<S3CliOptions>();
  auto src = std::make_shared<std::string>();
  auto dst = std::make_shared<std::string>();
  CLI::App* cp = s3.add_subcommand(
      "cp", "Copy a file, stdin (-) or an object to a file, stdout (-) or an object");
  cp->add_option("SRC", *src, "local path, - (stdin) or s3://BUCKET/KEY")->required();
  cp->add_option("DST", *dst, "local path, - (stdout) or s3://BUCKET/KEY")->required();
  cp->add_flag("--recursive,-r", opts->recursive, "Copy a directory tree or a key prefix");
  cp->add_option("--content-type", opts->content_type, "Content-Type of uploaded objects");
  AddS3TransferFlags(*cp, *opts);
  cp->callback([=] { ExitWith(RunCp(*src, *dst, *opts)); });
}

}  // namespace crossdock::cli
