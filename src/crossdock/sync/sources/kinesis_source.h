// KinesisSource: the records of a Kinesis data stream as rows, one bounded run at a time.
// Open() lists the shards and notes the time T0; a bounded pool of threads (at most
// max_parallel_shards) reads the shards, each from its committed position, and hands the
// records to Next() through a queue bounded in bytes. A shard is read until an empty page at
// the tip (MillisBehindLatest 0), its end (a closed shard: it becomes drained), or a record
// that arrived after T0, so a run ends at the tip it saw when it started and records put
// meanwhile wait for the next run. KPL aggregates are split into their user records.
//
// Resharding: a shard whose parent (or merge's adjacent parent) is still listed is read only
// once every such parent is drained, in this run or an earlier one, so a key's records come
// in order across a split or a merge. Parents that aged out of the stream no longer hold it.
//
// The checkpoint (EndCursor(), the engine saves it only when the run commits, in the same
// transaction as its success) holds every shard's last consumed sequence number, the drained
// shards still listed, and for "latest" / "at_timestamp" starts the instant before which
// records are skipped in shards without a position. Shards are read AFTER_SEQUENCE_NUMBER of
// their position, else from TRIM_HORIZON (skipping records older than that instant: kinesalite
// hangs on AT_TIMESTAMP past a shard's last record, so AT_TIMESTAMP iterators are not used).
// A failed or killed run commits nothing and the next one re-reads from the last commit: each
// record lands in exactly one committed run. Not done here: enhanced fan-out, writes.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "crossdock/aws/kinesis/deaggregate.h"
#include "crossdock/aws/kinesis/kinesis_client.h"
#include "crossdock/core/clock.h"
#include "crossdock/sync/sources/source.h"

namespace crossdock::sync {

// Where shards without a committed position start (spec: "start").
struct KinesisStart {
  enum class Kind { kTrimHorizon, kLatest, kAtTimestamp };
  Kind kind = Kind::kTrimHorizon;
  TimePoint at{};  // kAtTimestamp
};

// The cursor of a Kinesis sync, as JSON:
//   {"v":1,"stream":"clicks","shards":{"shardId-000000000000":"4959..."},
//    "drained":["shardId-000000000002"],"since":"2024-05-01T00:00:00.000Z"}
struct KinesisCheckpoint {
  std::string stream;
  std::map<std::string, std::string> shards;  // shard id -> last consumed sequence number
  std::set<std::string> drained;              // closed shards read to their end
  std::optional<TimePoint> since;             // records before it are skipped (see above)
};
std::string EncodeKinesisCheckpoint(const KinesisCheckpoint& c);
// kInvalidArgument (field "cursor") when the text is not a checkpoint this source wrote.
Result<KinesisCheckpoint> DecodeKinesisCheckpoint(std::string_view text);

// True when `shard` may be read: each of its parents is either no longer listed or drained.
bool ParentsDrained(const aws::kinesis::Shard& shard, const std::set<std::string>& listed,
                    const std::set<std::string>& drained);

// The data column: a payload that is a JSON document (UTF-8 JSON text, any value) is written
// compacted (whitespace outside strings removed, digits kept); anything else as standard
// base64, quoted as a JSON string when `json_column` (JSON Lines: the column is JSON). Returns
// "json" or "base64" (the data_encoding column).
const char* RenderKinesisData(std::string_view payload, bool json_column, std::string* out);

struct KinesisSourceOptions {
  std::shared_ptr<const aws::kinesis::KinesisClient> client;
  std::string stream_name;
  KinesisStart start;                     // for a sync without a checkpoint
  std::optional<std::string> checkpoint;  // the last committed cursor
  int max_parallel_shards = 8;
  int records_per_call = 10000;  // GetRecords Limit
  // The data column is JSON (JSON Lines and the warehouses' staging), else text (CSV).
  bool json_data = true;
  size_t max_buffered_bytes = 32u << 20;  // records read ahead of Next(), all shards
  // Wait after an empty page of a shard that is still behind the tip.
  std::chrono::milliseconds empty_page_delay{200};
  const Clock* clock = nullptr;  // T0; null: the system clock
};

class KinesisSource final : public Source {
 public:
  explicit KinesisSource(KinesisSourceOptions options);
  ~KinesisSource() override;

  std::string Describe() const override;
  Result<Schema> Open() override;
  Result<bool> Next(RowBatch& batch, size_t max_rows) override;
  // The checkpoint after everything Next() returned (read it once Next() returned false).
  std::optional<std::string> EndCursor() const override;
  Status Close() override;

  // For tests: the order in which shards were started.
  std::vector<std::string> read_order() const;

 private:
  struct ShardState {
    aws::kinesis::Shard shard;
    std::string position;  // last consumed sequence number ("" = none)
    bool drained = false;
    bool queued = false;  // handed to a reader (or waiting in ready_)
  };
  struct Chunk {
    size_t shard = 0;
    std::vector<aws::kinesis::UserRecord> records;
    size_t bytes = 0;
  };

  void ReaderLoop();
  Status ReadShard(size_t index);
  // Queues a page's records and moves the shard's position; waits while the queue is full.
  bool Deliver(size_t index, Chunk chunk, const std::string& position);
  void Fail(Error e);
  void QueueReadyLocked();
  void AddRow(RowBatch& batch, const Chunk& chunk, size_t i);

  KinesisSourceOptions o_;
  const Clock* clock_;
  TimePoint t0_{};
  std::optional<TimePoint> since_;
  KinesisCheckpoint committed_;

  mutable std::mutex mu_;
  std::condition_variable cv_;  // ready_, queue_, active_, finished_, stop_
  std::vector<ShardState> shards_;
  std::set<std::string> listed_;
  std::set<std::string> drained_;
  std::deque<size_t> ready_;
  std::vector<std::string> read_order_;
  int active_ = 0;
  std::deque<Chunk> queue_;
  size_t queued_bytes_ = 0;
  bool finished_ = false;
  bool stop_ = false;
  std::optional<Error> error_;
  std::vector<std::thread> threads_;

  // Next()'s own chunk being turned into rows.
  std::optional<Chunk> current_;
  size_t current_index_ = 0;
  std::string data_buf_;
};

}  // namespace crossdock::sync
