#include <fmt/format.h>
#include <unistd.h>

#include <iostream>
#include <mutex>

#include "crossdock/cli/commands.h"
#include "crossdock/cli/s3_cli.h"
#include "crossdock/http/curl_transport.h"

namespace crossdock::cli {

std::string S3Arg::ToString() const {
  switch (kind) {
    case kS3:
      return fmt::format("s3://{}/{}", bucket, key);
    case kStdio:
      return "-";
    case kLocal:
      break;
  }
  return path;
}

Result<S3Arg> ParseS3Arg(std::string_view arg) {
  S3Arg out;
  if (arg == "-") {
    out.kind = S3Arg::kStdio;
    return out;
  }
  if (arg.starts_with("s3://")) {
    arg.remove_prefix(5);
    size_t slash = arg.find('/');
    out.kind = S3Arg::kS3;
    out.bucket = std::string(arg.substr(0, slash));
    if (slash != std::string_view::npos) out.key = std::string(arg.substr(slash + 1));
    if (out.bucket.empty()) {
      return Error(ErrorCode::kInvalidArgument, "s3:// URL has no bucket; write s3://BUCKET/KEY",
                   "url");
    }
    return out;
  }
  if (arg.empty()) {
    return Error(ErrorCode::kInvalidArgument, "empty path; give a file, s3://BUCKET/KEY or -",
                 "path");
  }
  out.path = std::string(arg);
  return out;
}

void AddS3TransferFlags(CLI::App& command, S3CliOptions& options) {
  AddCredentialsFlags(command, options.credentials);
  command.add_flag("--quiet,-q", options.quiet, "No per-object lines and no progress bar");
  command.add_option("--part-size", options.part_size_mib,
                     "Multipart part size in MiB (default 8; raised for objects over 78 GiB)");
  command.add_option("--concurrency", options.concurrency,
                     "Parallel requests per transfer and objects in flight (default 10)");
}

Result<std::shared_ptr<aws::s3::S3Client>> MakeCliS3Client(const S3CliOptions& options) {
  auto transport = std::make_shared<http::CurlTransport>();
  ASSIGN_OR_RETURN(auto provider, MakeCredentialsProvider(options.credentials, transport,
                                                          SystemClock::Instance()));
  ASSIGN_OR_RETURN(std::string region, ResolveRegion(options.credentials));
  aws::s3::S3Options o = aws::s3::S3Options::FromCredentials(provider);
  o.region = region;
  o.endpoint_override = options.credentials.endpoint_url;
  o.concurrency = options.concurrency > 0 ? options.concurrency : 10;
  if (options.part_size_mib > 0) {
    o.part_size = options.part_size_mib * aws::s3::kMiB;
    o.multipart_threshold = o.part_size;
  }
  return aws::s3::S3Client::Make(o, transport);
}

int ReportS3Error(std::string_view command, const Error& error) {
  std::cerr << "crossdock s3 " << command << ": " << error.ToString();
  if (!error.field().empty()) std::cerr << " [field: " << error.field() << "]";
  std::cerr << "\n";
  return error.code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

std::string HumanBytes(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", v, units[u]);
}

ProgressBar::ProgressBar(bool enabled, uint64_t total)
    : enabled_(enabled && ::isatty(STDERR_FILENO) == 1),
      total_(total),
      start_(std::chrono::steady_clock::now()) {
  if (!enabled_) return;
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      Draw(false);
      for (int i = 0; i < 5 && !stop_.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  });
}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::Finish() {
  if (!enabled_ || stop_.exchange(true)) return;
  if (thread_.joinable()) thread_.join();
  std::cerr << "\r\033[K" << std::flush;
}

std::function<void(uint64_t)> ProgressBar::Tracker() {
  auto last = std::make_shared<std::atomic<uint64_t>>(0);
  return [this, last](uint64_t cumulative) {
    uint64_t prev = last->load();
    while (cumulative > prev && !last->compare_exchange_weak(prev, cumulative)) {
    }
    if (cumulative > prev) Add(cumulative - prev);
  };
}

void ProgressBar::Draw(bool) {
  uint64_t done = done_.load();
  uint64_t total = total_.load();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
  std::string line;
  if (total > 0) {
    int width = 30;
    int filled = static_cast<int>(
        width * std::min(1.0, static_cast<double>(done) / static_cast<double>(total)));
    line = fmt::format(
        "[{}{}] {:>3}% {} / {}  {}/s", std::string(filled, '#'), std::string(width - filled, ' '),
        static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(total)),
        HumanBytes(done), HumanBytes(total), HumanBytes(static_cast<uint64_t>(rate)));
  } else {
    line = fmt::format("{}  {}/s", HumanBytes(done), HumanBytes(static_cast<uint64_t>(rate)));
  }
  std::cerr << "\r\033[K" << line << std::flush;
}

}  // namespace crossdock::cli
