// Multipart part-size arithmetic, as pure functions (no I/O, tested without a network).
//
// S3's limits: at most 10,000 parts, each part at least 5 MiB except the last and at most
// 5 GiB, objects at most 5 TiB. ChoosePartSize picks the smallest size that is at least the
// configured default and fits the object in 10,000 parts, rounded up to a whole MiB. For a
// stream of unknown length the default is used, which caps the object at default x 10,000
// (80 GB at 8 MiB); callers that know a bound pass it as the size.
#pragma once

#include <cstdint>
#include <optional>

#include "crossdock/core/result.h"

namespace crossdock::aws::s3 {

inline constexpr uint64_t kMiB = 1024 * 1024;
inline constexpr uint64_t kMinPartSize = 5 * kMiB;
inline constexpr uint64_t kMaxPartSize = 5 * 1024 * kMiB;
inline constexpr uint64_t kMaxParts = 10000;
inline constexpr uint64_t kMaxObjectSize = 5 * 1024 * 1024 * kMiB;  // 5 TiB
inline constexpr uint64_t kDefaultPartSize = 8 * kMiB;

// The part size for an object of `object_size` bytes (nullopt: unknown length).
// `preferred` below 5 MiB is raised to 5 MiB. kInvalidArgument (field "size") when the object
// exceeds 5 TiB.
Result<uint64_t> ChoosePartSize(std::optional<uint64_t> object_size,
                                uint64_t preferred = kDefaultPartSize);

// Number of parts an object of `object_size` bytes splits into at `part_size` (at least 1).
uint64_t PartCount(uint64_t object_size, uint64_t part_size);

}  // namespace crossdock::aws::s3
