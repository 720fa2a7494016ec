#include "crossdock/aws/s3/part_size.h"

#include <fmt/format.h>

#include <algorithm>

namespace crossdock::aws::s3 {

Result<uint64_t> ChoosePartSize(std::optional<uint64_t> object_size, uint64_t preferred) {
  uint64_t part = std::clamp(preferred, kMinPartSize, kMaxPartSize);
  if (!object_size) return part;
  if (*object_size > kMaxObjectSize) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("object of {} bytes exceeds S3's 5 TiB object limit; split it into "
                             "several objects",
                             *object_size),
                 "size");
  }
  uint64_t needed = (*object_size + kMaxParts - 1) / kMaxParts;  // ceil(size / 10,000)
  needed = (needed + kMiB - 1) / kMiB * kMiB;                    // whole MiB
  return std::min(std::max(part, needed), kMaxPartSize);
}

uint64_t PartCount(uint64_t object_size, uint64_t part_size) {
  if (part_size == 0) return 1;
  return std::max<uint64_t>(1, (object_size + part_size - 1) / part_size);
}

}  // namespace crossdock::aws::s3
