// The Kinesis Data Streams shapes crossdock reads (DescribeStreamSummary, ListShards,
// GetShardIterator, GetRecords), as plain structs named after the service model's members.
// Blobs are raw bytes (the JSON protocol's base64 is undone by the parsers); timestamps are
// TimePoints. Writing to a stream (PutRecord) and enhanced fan-out (SubscribeToShard) are
// deliberately absent: crossdock only reads customers' streams.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crossdock/core/clock.h"

namespace crossdock::aws::kinesis {

inline constexpr const char* kSigningName = "kinesis";
inline constexpr const char* kTargetPrefix = "Kinesis_20131202.";

// DescribeStreamSummary's StreamDescriptionSummary (the members crossdock uses).
struct StreamSummary {
  std::string stream_name;
  std::string stream_arn;
  std::string stream_status;    // CREATING, DELETING, ACTIVE, UPDATING
  std::string encryption_type;  // NONE or KMS
  std::string key_id;           // the KMS key when encryption_type is KMS
  int64_t open_shard_count = 0;
  int64_t retention_period_hours = 0;
};

// A Shard of ListShards. A closed shard has an ending sequence number; children name their
// parents (two for a merge, one for a split).
struct Shard {
  std::string shard_id;
  std::string parent_shard_id;           // "" for a shard the stream was created with
  std::string adjacent_parent_shard_id;  // the second parent of a merge
  std::string starting_hash_key;
  std::string ending_hash_key;
  std::string starting_sequence_number;
  std::string ending_sequence_number;  // "" while the shard is open
  bool open() const { return ending_sequence_number.empty(); }
};

// ListShards' ShardFilter.Type values crossdock sends.
enum class ShardFilterType { kNone, kAtLatest, kAtTrimHorizon, kFromTimestamp };

struct ListShardsParams {
  std::string stream_name;
  ShardFilterType filter = ShardFilterType::kNone;
  std::optional<TimePoint> filter_timestamp;  // for kFromTimestamp
  int max_results = 1000;                     // 1..10000 per page
};

enum class IteratorType {
  kTrimHorizon,
  kLatest,
  kAtTimestamp,
  kAtSequenceNumber,
  kAfterSequenceNumber
};
const char* IteratorTypeName(IteratorType type);

struct ShardIteratorParams {
  std::string stream_name;
  std::string shard_id;
  IteratorType type = IteratorType::kTrimHorizon;
  std::string sequence_number;         // for kAtSequenceNumber / kAfterSequenceNumber
  std::optional<TimePoint> timestamp;  // for kAtTimestamp
};

// A Kinesis record as GetRecords returns it (data still possibly KPL-aggregated).
struct Record {
  std::string sequence_number;
  std::string partition_key;
  std::string data;  // raw bytes
  TimePoint approximate_arrival{};
  std::string encryption_type;
};

struct ChildShard {
  std::string shard_id;
  std::vector<std::string> parent_shards;
};

struct GetRecordsResult {
  std::vector<Record> records;
  std::string next_shard_iterator;  // "" once a closed shard has been read to its end
  int64_t millis_behind_latest = 0;
  std::vector<ChildShard> child_shards;  // when the shard is closed and fully read
};

// Kinesis sequence numbers are decimal strings of up to 128 bits: compare by length, then
// digit by digit. Negative when a < b.
int CompareSequenceNumbers(const std::string& a, const std::string& b);

}  // namespace crossdock::aws::kinesis
