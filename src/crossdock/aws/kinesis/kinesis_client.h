// KinesisClient: the reading half of Kinesis Data Streams over AwsClient (SigV4 "kinesis",
// JSON 1.1, X-Amz-Target "Kinesis_20131202.<Op>"): DescribeStreamSummary, ListShards (every
// page), GetShardIterator and GetRecords. Throttling answers (ProvisionedThroughputExceeded-
// Exception, LimitExceededException: kThrottled in the AWS error table) are retried by
// AwsClient and then, because a shard's read quota is per second, again here with a longer
// capped exponential backoff on the AwsClient's clock.
//
// ShardReader reads one shard from a starting position; when an iterator expires (they live
// five minutes) it re-opens the shard AFTER_SEQUENCE_NUMBER of the last record it returned,
// so no record is lost or repeated. Streams are named by name (the role's own account); no
// writes, no enhanced fan-out. KinesisClient is thread-safe; a ShardReader is not.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/aws/aws_client.h"
#include "crossdock/aws/kinesis/kinesis_types.h"
#include "crossdock/core/result.h"

namespace crossdock::aws::kinesis {

struct KinesisOptions {
  std::string region = "us-east-1";  // the stream's region: endpoint and signing scope
  std::string endpoint_override;     // e.g. http://127.0.0.1:4567; empty = regional endpoint
  int throttle_retries = 6;          // extra rounds after AwsClient gave up on kThrottled
  std::chrono::milliseconds throttle_delay{250};  // first extra backoff
  std::chrono::milliseconds throttle_max{8000};   // cap of one extra backoff
};

class KinesisClient {
 public:
  // kInvalidArgument when the region is malformed and there is no endpoint override.
  static Result<KinesisClient> Create(std::shared_ptr<AwsClient> client, KinesisOptions options);

  Result<StreamSummary> DescribeStreamSummary(std::string_view stream_name) const;
  // Every shard (all pages, NextToken followed); with a filter, only those it admits.
  Result<std::vector<Shard>> ListShards(const ListShardsParams& params) const;
  Result<std::string> GetShardIterator(const ShardIteratorParams& params) const;
  // One GetRecords call (limit 1..10000). kFailedPrecondition with AWS code
  // ExpiredIteratorException when the iterator is older than five minutes.
  Result<GetRecordsResult> GetRecords(std::string_view shard_iterator, int limit = 10000) const;

  const std::string& endpoint() const { return endpoint_; }
  const KinesisOptions& options() const { return options_; }

 private:
  KinesisClient(std::shared_ptr<AwsClient> client, KinesisOptions options, std::string endpoint)
      : client_(std::move(client)), options_(std::move(options)), endpoint_(std::move(endpoint)) {}

  Result<std::string> Call(std::string_view operation, std::string body,
                           std::string_view what) const;

  std::shared_ptr<AwsClient> client_;
  KinesisOptions options_;
  std::string endpoint_;
};

// Reads one shard in order. The first Next() opens an iterator at `start`; later calls follow
// NextShardIterator. finished() turns true when a closed shard has been read to its end.
class ShardReader {
 public:
  ShardReader(const KinesisClient& client, ShardIteratorParams start)
      : client_(client), start_(std::move(start)) {}

  // One GetRecords page (possibly empty). Re-opens the shard once per call when the iterator
  // expired. kFailedPrecondition when called after finished().
  Result<GetRecordsResult> Next(int limit = 10000);

  bool finished() const { return finished_; }
  // The sequence number of the last record returned, or "" before the first.
  const std::string& last_sequence_number() const { return last_sequence_number_; }
  const std::string& shard_id() const { return start_.shard_id; }
  // GetShardIterator calls made (the first open and each re-open), for tests.
  int opens() const { return opens_; }
  // Drops the current iterator as if it had expired (for tests of the re-open path).
  void ForgetIterator() { iterator_.clear(); }

 private:
  Status Open();

  const KinesisClient& client_;
  ShardIteratorParams start_;
  std::string iterator_;
  std::string last_sequence_number_;
  bool finished_ = false;
  int opens_ = 0;
};

}  // namespace crossdock::aws::kinesis
