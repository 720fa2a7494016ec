// The checks and file names of a run's output options (runner.h), apart from the runner so
// that the sync spec parser can use them without the runner's dependencies.
#include <cstdio>
#include <string>

#include "crossdock/sync/runner.h"

namespace crossdock::sync {

Status ValidateOutput(const OutputOptions& o) {
  if (o.file_size < 1024 || o.file_size > (5ull << 30)) {
    return Error(ErrorCode::kInvalidArgument,
                 "file_size " + std::to_string(o.file_size) +
                     " is out of range; use 1 KiB to 5 GiB (S3 copies single objects up to 5 GiB)",
                 "output.file_size");
  }
  if (o.batch_rows == 0) {
    return Error(ErrorCode::kInvalidArgument, "batch_rows must be at least 1", "output.batch_rows");
  }
  return ValidateLevel(o.compression, o.compression_level);
}

std::string PartName(size_t index, const OutputOptions& o) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "part-%05zu", index);
  return std::string(buf) + FormatExtension(o.format) + CompressionSuffix(o.compression);
}

}  // namespace crossdock::sync
