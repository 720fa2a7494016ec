// Pure request builders and response parsers for the four Kinesis Data Streams operations
// crossdock calls, shaped by the service model (Kinesis_20131202, JSON 1.1). No I/O: the
// client in kinesis_client.h sends what these build. Builders check what the service would
// reject (an empty stream name, a missing sequence number or timestamp) and name the field.
#pragma once

#include <string>
#include <string_view>

#include "crossdock/aws/kinesis/kinesis_types.h"
#include "crossdock/core/result.h"

namespace crossdock::aws::kinesis {

Result<std::string> BuildDescribeStreamSummaryBody(std::string_view stream_name);
// One ListShards page. With a next token the service forbids StreamName and ShardFilter, so
// only the token is sent.
Result<std::string> BuildListShardsBody(const ListShardsParams& params,
                                        std::string_view next_token);
Result<std::string> BuildGetShardIteratorBody(const ShardIteratorParams& params);
Result<std::string> BuildGetRecordsBody(std::string_view shard_iterator, int limit);

Result<StreamSummary> ParseDescribeStreamSummaryResponse(std::string_view body);
struct ShardPage {
  std::vector<Shard> shards;
  std::string next_token;
};
Result<ShardPage> ParseListShardsResponse(std::string_view body);
Result<std::string> ParseGetShardIteratorResponse(std::string_view body);
Result<GetRecordsResult> ParseGetRecordsResponse(std::string_view body);

}  // namespace crossdock::aws::kinesis
