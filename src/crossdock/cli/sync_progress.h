// The progress line of `crossdock sync run`: rows, bytes written, files, rows/s and MB/s,
// redrawn on stderr a few times per second while stderr is a terminal; silent otherwise.
// Internal to the cli target.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include "crossdock/sync/runner.h"

namespace crossdock::cli {

class SyncProgressLine {
 public:
  explicit SyncProgressLine(bool enabled);
  ~SyncProgressLine();
  void Update(const sync::RunProgress& p);
  void Finish();  // clears the line

 private:
  void Draw();
  bool enabled_;
  std::atomic<uint64_t> rows_{0}, bytes_{0}, files_{0};
  std::atomic<bool> stop_{false};
  std::chrono::steady_clock::time_point start_;
  std::thread thread_;
};

}  // namespace crossdock::cli
