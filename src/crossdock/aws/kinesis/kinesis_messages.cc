#include "crossdock/aws/kinesis/kinesis_messages.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "crossdock/aws/json_protocol.h"

namespace crossdock::aws::kinesis {
namespace {

using nlohmann::json;

double EpochSeconds(TimePoint t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  return static_cast<double>(ms) / 1000.0;
}

Status RequireStream(std::string_view stream_name) {
  if (stream_name.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "stream_name is empty: give the stream ARN "
                 "(arn:aws:kinesis:REGION:ACCOUNT:stream/NAME)",
                 "stream_arn");
  }
  return OkStatus();
}

Result<std::string> RequiredString(const json& obj, const char* name, std::string_view what) {
  ASSIGN_OR_RETURN(std::string v, StringMember(obj, name, what));
  if (v.empty()) {
    return Error(ErrorCode::kInternal,
                 fmt::format("{}: the answer lacks the required member {}", what, name));
  }
  return v;
}

}  // namespace

const char* IteratorTypeName(IteratorType type) {
  switch (type) {
    case IteratorType::kTrimHorizon:
      return "TRIM_HORIZON";
    case IteratorType::kLatest:
      return "LATEST";
    case IteratorType::kAtTimestamp:
      return "AT_TIMESTAMP";
    case IteratorType::kAtSequenceNumber:
      return "AT_SEQUENCE_NUMBER";
    case IteratorType::kAfterSequenceNumber:
      return "AFTER_SEQUENCE_NUMBER";
  }
  return "TRIM_HORIZON";
}

int CompareSequenceNumbers(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

Result<std::string> BuildDescribeStreamSummaryBody(std::string_view stream_name) {
  RETURN_IF_ERROR(RequireStream(stream_name));
  return json{{"StreamName", stream_name}}.dump();
}

Result<std::string> BuildListShardsBody(const ListShardsParams& params,
                                        std::string_view next_token) {
  if (params.max_results < 1 || params.max_results > 10000) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("ListShards MaxResults {} is outside 1..10000", params.max_results),
                 "max_results");
  }
  json j = {{"MaxResults", params.max_results}};
  if (!next_token.empty()) {
    j["NextToken"] = next_token;
    return j.dump();
  }
  RETURN_IF_ERROR(RequireStream(params.stream_name));
  j["StreamName"] = params.stream_name;
  switch (params.filter) {
    case ShardFilterType::kNone:
      break;
    case ShardFilterType::kAtLatest:
      j["ShardFilter"] = {{"Type", "AT_LATEST"}};
      break;
    case ShardFilterType::kAtTrimHorizon:
      j["ShardFilter"] = {{"Type", "AT_TRIM_HORIZON"}};
      break;
    case ShardFilterType::kFromTimestamp:
      if (!params.filter_timestamp) {
        return Error(ErrorCode::kInvalidArgument, "ShardFilter FROM_TIMESTAMP needs a timestamp",
                     "timestamp");
      }
      j["ShardFilter"] = {{"Type", "FROM_TIMESTAMP"},
                          {"Timestamp", EpochSeconds(*params.filter_timestamp)}};
      break;
  }
  return j.dump();
}

Result<std::string> BuildGetShardIteratorBody(const ShardIteratorParams& params) {
  RETURN_IF_ERROR(RequireStream(params.stream_name));
  if (params.shard_id.empty()) {
    return Error(ErrorCode::kInvalidArgument, "GetShardIterator needs a shard id", "shard_id");
  }
  json j = {{"StreamName", params.stream_name},
            {"ShardId", params.shard_id},
            {"ShardIteratorType", IteratorTypeName(params.type)}};
  if (params.type == IteratorType::kAtSequenceNumber ||
      params.type == IteratorType::kAfterSequenceNumber) {
    if (params.sequence_number.empty()) {
      return Error(
          ErrorCode::kInvalidArgument,
          fmt::format("{} needs a starting sequence number", IteratorTypeName(params.type)),
          "sequence_number");
    }
    j["StartingSequenceNumber"] = params.sequence_number;
  }
  if (params.type == IteratorType::kAtTimestamp) {
    if (!params.timestamp) {
      return Error(ErrorCode::kInvalidArgument,
                   "AT_TIMESTAMP needs a timestamp (RFC 3339, e.g. 2026-01-01T00:00:00Z)",
                   "timestamp");
    }
    j["Timestamp"] = EpochSeconds(*params.timestamp);
  }
  return j.dump();
}

Result<std::string> BuildGetRecordsBody(std::string_view shard_iterator, int limit) {
  if (shard_iterator.empty()) {
    return Error(ErrorCode::kInvalidArgument, "GetRecords needs a shard iterator",
                 "shard_iterator");
  }
  if (limit < 1 || limit > 10000) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("GetRecords Limit {} is outside 1..10000", limit), "limit");
  }
  return json{{"ShardIterator", shard_iterator}, {"Limit", limit}}.dump();
}

Result<StreamSummary> ParseDescribeStreamSummaryResponse(std::string_view body) {
  constexpr std::string_view kWhat = "DescribeStreamSummary";
  ASSIGN_OR_RETURN(json j, ParseJsonObject(body, kWhat));
  auto it = j.find("StreamDescriptionSummary");
  if (it == j.end() || !it->is_object()) {
    return Error(ErrorCode::kInternal, "DescribeStreamSummary: no StreamDescriptionSummary");
  }
  StreamSummary s;
  ASSIGN_OR_RETURN(s.stream_name, RequiredString(*it, "StreamName", kWhat));
  ASSIGN_OR_RETURN(s.stream_arn, StringMember(*it, "StreamARN", kWhat));
  ASSIGN_OR_RETURN(s.stream_status, RequiredString(*it, "StreamStatus", kWhat));
  ASSIGN_OR_RETURN(s.encryption_type, StringMember(*it, "EncryptionType", kWhat));
  ASSIGN_OR_RETURN(s.key_id, StringMember(*it, "KeyId", kWhat));
  ASSIGN_OR_RETURN(s.open_shard_count, IntMember(*it, "OpenShardCount", kWhat));
  ASSIGN_OR_RETURN(s.retention_period_hours, IntMember(*it, "RetentionPeriodHours", kWhat));
  return s;
}

Result<ShardPage> ParseListShardsResponse(std::string_view body) {
  constexpr std::string_view kWhat = "ListShards";
  ASSIGN_OR_RETURN(json j, ParseJsonObject(body, kWhat));
  ShardPage page;
  ASSIGN_OR_RETURN(page.next_token, StringMember(j, "NextToken", kWhat));
  auto it = j.find("Shards");
  if (it == j.end() || it->is_null()) return page;
  if (!it->is_array()) return Error(ErrorCode::kInternal, "ListShards: Shards is not a list");
  for (const json& s : *it) {
    if (!s.is_object()) return Error(ErrorCode::kInternal, "ListShards: a shard is not an object");
    Shard shard;
    ASSIGN_OR_RETURN(shard.shard_id, RequiredString(s, "ShardId", kWhat));
    ASSIGN_OR_RETURN(shard.parent_shard_id, StringMember(s, "ParentShardId", kWhat));
    ASSIGN_OR_RETURN(shard.adjacent_parent_shard_id,
                     StringMember(s, "AdjacentParentShardId", kWhat));
    if (auto h = s.find("HashKeyRange"); h != s.end() && h->is_object()) {
      ASSIGN_OR_RETURN(shard.starting_hash_key, StringMember(*h, "StartingHashKey", kWhat));
      ASSIGN_OR_RETURN(shard.ending_hash_key, StringMember(*h, "EndingHashKey", kWhat));
    }
    if (auto r = s.find("SequenceNumberRange"); r != s.end() && r->is_object()) {
      ASSIGN_OR_RETURN(shard.starting_sequence_number,
                       StringMember(*r, "StartingSequenceNumber", kWhat));
      ASSIGN_OR_RETURN(shard.ending_sequence_number,
                       StringMember(*r, "EndingSequenceNumber", kWhat));
    }
    page.shards.push_back(std::move(shard));
  }
  return page;
}

Result<std::string> ParseGetShardIteratorResponse(std::string_view body) {
  ASSIGN_OR_RETURN(json j, ParseJsonObject(body, "GetShardIterator"));
  return RequiredString(j, "ShardIterator", "GetShardIterator");
}

Result<GetRecordsResult> ParseGetRecordsResponse(std::string_view body) {
  constexpr std::string_view kWhat = "GetRecords";
  ASSIGN_OR_RETURN(json j, ParseJsonObject(body, kWhat));
  GetRecordsResult out;
  ASSIGN_OR_RETURN(out.next_shard_iterator, StringMember(j, "NextShardIterator", kWhat));
  ASSIGN_OR_RETURN(out.millis_behind_latest, IntMember(j, "MillisBehindLatest", kWhat));
  if (auto it = j.find("Records"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return Error(ErrorCode::kInternal, "GetRecords: Records is not a list");
    out.records.reserve(it->size());
    for (const json& r : *it) {
      if (!r.is_object())
        return Error(ErrorCode::kInternal, "GetRecords: a record is not an object");
      Record rec;
      ASSIGN_OR_RETURN(rec.sequence_number, RequiredString(r, "SequenceNumber", kWhat));
      ASSIGN_OR_RETURN(rec.partition_key, StringMember(r, "PartitionKey", kWhat));
      ASSIGN_OR_RETURN(rec.encryption_type, StringMember(r, "EncryptionType", kWhat));
      ASSIGN_OR_RETURN(std::string data64, StringMember(r, "Data", kWhat));
      ASSIGN_OR_RETURN(rec.data, DecodeBase64(data64));
      if (auto t = r.find("ApproximateArrivalTimestamp"); t != r.end() && t->is_number()) {
        rec.approximate_arrival = EpochSecondsToTime(t->get<double>());
      }
      out.records.push_back(std::move(rec));
    }
  }
  if (auto it = j.find("ChildShards"); it != j.end() && it->is_array()) {
    for (const json& c : *it) {
      if (!c.is_object()) continue;
      ChildShard child;
      ASSIGN_OR_RETURN(child.shard_id, StringMember(c, "ShardId", kWhat));
      if (auto p = c.find("ParentShards"); p != c.end() && p->is_array()) {
        for (const json& id : *p) {
          if (id.is_string()) child.parent_shards.push_back(id.get<std::string>());
        }
      }
      out.child_shards.push_back(std::move(child));
    }
  }
  return out;
}

}  // namespace crossdock::aws::kinesis
