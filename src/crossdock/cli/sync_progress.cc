#include "crossdock/cli/sync_progress.h"

#include <unistd.h>

#include <cstdio>

namespace crossdock::cli {

SyncProgressLine::SyncProgressLine(bool enabled)
    : enabled_(enabled && ::isatty(STDERR_FILENO)), start_(std::chrono::steady_clock::now()) {
  if (!enabled_) return;
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      Draw();
      for (int i = 0; i < 5 && !stop_.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  });
}

SyncProgressLine::~SyncProgressLine() { Finish(); }

void SyncProgressLine::Update(const sync::RunProgress& p) {
  rows_.store(p.rows);
  bytes_.store(p.bytes);
  files_.store(p.files);
}

void SyncProgressLine::Draw() {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (secs <= 0) secs = 1e-3;
  uint64_t rows = rows_.load(), bytes = bytes_.load();
  std::fprintf(stderr, "\r\033[K%llu rows  %.1f MB  %llu files  %.0f rows/s  %.1f MB/s  %.0fs",
               static_cast<unsigned long long>(rows), bytes / 1e6,
               static_cast<unsigned long long>(files_.load()), rows / secs, bytes / 1e6 / secs,
               secs);
  std::fflush(stderr);
}

void SyncProgressLine::Finish() {
  if (!enabled_ || stop_.exchange(true)) return;
  if (thread_.joinable()) thread_.join();
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

}  // namespace crossdock::cli
