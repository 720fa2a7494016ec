// Shared pieces of `crossdock s3 ls|cp|rm`: argument parsing of s3://bucket/key, local
// paths and '-', the S3 client built from the credential flags, a progress bar drawn on
// stderr only when it is a terminal, and error reporting with the exit codes of commands.h.
// Internal to the cli target.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "crossdock/aws/s3/s3_client.h"
#include "crossdock/cli/credentials_options.h"

namespace crossdock::cli {

struct S3CliOptions {
  CredentialsOptions credentials;
  bool recursive = false;
  bool quiet = false;          // no per-object lines and no progress bar
  uint64_t part_size_mib = 0;  // 0: 8 MiB (raised for huge objects)
  int concurrency = 0;         // 0: 10 parallel requests
  std::string content_type;    // uploads only
};

// An argument of cp/ls/rm: "s3://bucket/key", "-" (stdin/stdout) or a local path.
struct S3Arg {
  enum Kind { kS3, kStdio, kLocal } kind = kLocal;
  std::string bucket;  // kS3
  std::string key;     // kS3; may be empty or end with '/'
  std::string path;    // kLocal
  std::string ToString() const;
};
Result<S3Arg> ParseS3Arg(std::string_view arg);

void AddS3TransferFlags(CLI::App& command, S3CliOptions& options);
Result<std::shared_ptr<aws::s3::S3Client>> MakeCliS3Client(const S3CliOptions& options);

// Prints "crossdock s3 CMD: message" on stderr; returns kExitUsage for input errors and
// kExitFailure for remote or I/O failures.
int ReportS3Error(std::string_view command, const Error& error);

// "1.5 MiB", "312 B".
std::string HumanBytes(uint64_t bytes);

// A one-line progress bar on stderr, redrawn a few times per second, shown only when stderr
// is a terminal and not quiet. Add() is thread-safe.
class ProgressBar {
 public:
  ProgressBar(bool enabled, uint64_t total);  // total 0: unknown
  ~ProgressBar();
  void Add(uint64_t bytes) { done_.fetch_add(bytes, std::memory_order_relaxed); }
  void AddTotal(uint64_t bytes) { total_.fetch_add(bytes, std::memory_order_relaxed); }
  // Clears the line; call before printing other output.
  void Finish();
  // A callback for transfers that report cumulative bytes: forwards the increments.
  std::function<void(uint64_t)> Tracker();

 private:
  void Draw(bool final);
  bool enabled_;
  std::atomic<uint64_t> done_{0};
  std::atomic<uint64_t> total_;
  std::atomic<bool> stop_{false};
  std::chrono::steady_clock::time_point start_;
  std::thread thread_;
};

}  // namespace crossdock::cli
