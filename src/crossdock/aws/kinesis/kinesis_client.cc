#include "crossdock/aws/kinesis/kinesis_client.h"

#include <fmt/format.h>

#include <algorithm>

#include "crossdock/aws/endpoints.h"
#include "crossdock/aws/json_protocol.h"
#include "crossdock/aws/kinesis/kinesis_messages.h"

namespace crossdock::aws::kinesis {

Result<KinesisClient> KinesisClient::Create(std::shared_ptr<AwsClient> client,
                                            KinesisOptions options) {
  if (options.region.empty()) options.region = "us-east-1";
  ASSIGN_OR_RETURN(std::string endpoint,
                   ServiceEndpoint(kSigningName, options.region, options.endpoint_override));
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  return KinesisClient(std::move(client), std::move(options), std::move(endpoint));
}

Result<std::string> KinesisClient::Call(std::string_view operation, std::string body,
                                        std::string_view what) const {
  AwsRequest request = MakeJsonRequest(
      endpoint_, options_.region, kSigningName, std::string(kTargetPrefix) + std::string(operation),
      std::move(body), fmt::format("Kinesis {} {}", operation, what));
  std::chrono::milliseconds delay = options_.throttle_delay;
  for (int round = 0;; ++round) {
    auto response = client_->Send(request);
    if (response.ok()) return std::move(response->body);
    Error error = std::move(response).error();
    if (error.code() != ErrorCode::kThrottled || round >= options_.throttle_retries) {
      if (error.code() == ErrorCode::kThrottled) {
        return Error(ErrorCode::kThrottled,
                     error.message() +
                         " (still throttled after backing off: the shard's read quota of 5 "
                         "GetRecords calls and 2 MB per second is shared with other "
                         "consumers; run fewer consumers or add shards)",
                     error.field())
            .WithAws(error.aws_code(), error.http_status(), error.request_id());
      }
      return error;
    }
    client_->clock().SleepFor(delay);
    delay = std::min(options_.throttle_max, delay * 2);
  }
}

Result<StreamSummary> KinesisClient::DescribeStreamSummary(std::string_view stream_name) const {
  ASSIGN_OR_RETURN(std::string request, BuildDescribeStreamSummaryBody(stream_name));
  ASSIGN_OR_RETURN(std::string body, Call("DescribeStreamSummary", std::move(request),
                                          fmt::format("stream {}", stream_name)));
  return ParseDescribeStreamSummaryResponse(body);
}

Result<std::vector<Shard>> KinesisClient::ListShards(const ListShardsParams& params) const {
  std::vector<Shard> out;
  std::string token;
  for (int pages = 0; pages < 100000; ++pages) {
    ASSIGN_OR_RETURN(std::string request, BuildListShardsBody(params, token));
    ASSIGN_OR_RETURN(std::string body, Call("ListShards", std::move(request),
                                            fmt::format("stream {}", params.stream_name)));
    ASSIGN_OR_RETURN(ShardPage page, ParseListShardsResponse(body));
    for (auto& s : page.shards) out.push_back(std::move(s));
    if (page.next_token.empty()) return out;
    if (page.next_token == token) {
      return Error(ErrorCode::kInternal, "ListShards returned the same NextToken twice");
    }
    token = std::move(page.next_token);
  }
  return Error(ErrorCode::kInternal, "ListShards did not end after 100000 pages");
}

Result<std::string> KinesisClient::GetShardIterator(const ShardIteratorParams& params) const {
  ASSIGN_OR_RETURN(std::string request, BuildGetShardIteratorBody(params));
  ASSIGN_OR_RETURN(std::string body,
                   Call("GetShardIterator", std::move(request),
                        fmt::format("stream {} shard {} {}", params.stream_name, params.shard_id,
                                    IteratorTypeName(params.type))));
  return ParseGetShardIteratorResponse(body);
}

Result<GetRecordsResult> KinesisClient::GetRecords(std::string_view shard_iterator,
                                                   int limit) const {
  ASSIGN_OR_RETURN(std::string request, BuildGetRecordsBody(shard_iterator, limit));
  ASSIGN_OR_RETURN(std::string body, Call("GetRecords", std::move(request), ""));
  return ParseGetRecordsResponse(body);
}

Status ShardReader::Open() {
  ShardIteratorParams params = start_;
  if (!last_sequence_number_.empty()) {
    params.type = IteratorType::kAfterSequenceNumber;
    params.sequence_number = last_sequence_number_;
    params.timestamp.reset();
  }
  ++opens_;
  ASSIGN_OR_RETURN(iterator_, client_.GetShardIterator(params));
  return OkStatus();
}

Result<GetRecordsResult> ShardReader::Next(int limit) {
  if (finished_) {
    return Error(ErrorCode::kFailedPrecondition,
                 fmt::format("shard {} has been read to its end", start_.shard_id));
  }
  if (iterator_.empty()) RETURN_IF_ERROR(Open());
  auto result = client_.GetRecords(iterator_, limit);
  if (!result.ok() && result.error().aws_code() == "ExpiredIteratorException") {
    RETURN_IF_ERROR(Open());
    result = client_.GetRecords(iterator_, limit);
  }
  if (!result.ok()) return std::move(result).error();
  if (!result->records.empty()) last_sequence_number_ = result->records.back().sequence_number;
  iterator_ = result->next_shard_iterator;
  if (iterator_.empty()) finished_ = true;
  return result;
}

}  // namespace crossdock::aws::kinesis
