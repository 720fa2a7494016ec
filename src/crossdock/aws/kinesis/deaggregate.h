// De-aggregation of Kinesis records written by the Kinesis Producer Library (KPL). The KPL
// packs many user records into one Kinesis record: the 4 magic bytes F3 89 9A C2, a
// protobuf (proto2) AggregatedRecord {partition_key_table = 1, explicit_hash_key_table = 2,
// records = 3 {partition_key_index = 1, explicit_hash_key_index = 2, data = 3, tags = 4}},
// then the 16-byte MD5 of the protobuf bytes. The small protobuf reader here decodes only
// that message (varints and length-delimited fields; unknown fields skipped) and is not a
// general protobuf library.
//
// A record without the magic, or whose MD5 does not match, is not aggregated and is passed
// through as one user record with sub-sequence number 0, as the KPL's own consumers do. A
// record with the magic and a matching MD5 but a malformed message is kDataLoss.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/aws/kinesis/kinesis_types.h"
#include "crossdock/core/result.h"

namespace crossdock::aws::kinesis {

// One user record: the Kinesis record's sequence number plus its index inside it.
struct UserRecord {
  std::string sequence_number;
  uint64_t sub_sequence_number = 0;
  std::string partition_key;
  std::string explicit_hash_key;  // "" when absent
  std::string data;
  TimePoint approximate_arrival{};
  bool aggregated = false;  // true when it came out of a KPL aggregate
};

inline constexpr unsigned char kKplMagic[4] = {0xF3, 0x89, 0x9A, 0xC2};

// True when `data` starts with the magic and ends with the MD5 of the bytes between.
bool IsKplAggregate(std::string_view data);

// Appends the user records of `record` to `out` (one unless it is a KPL aggregate).
Status Deaggregate(const Record& record, std::vector<UserRecord>& out);

// Builds a KPL aggregate of (partition key, data) pairs: for tests and producers of test data.
std::string EncodeKplAggregate(const std::vector<std::pair<std::string, std::string>>& records);

}  // namespace crossdock::aws::kinesis
