#include "crossdock/sync/sources/kinesis_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "crossdock/aws/s3/checksum.h"
#include "crossdock/core/time_format.h"

namespace crossdock::sync {
namespace {

using aws::kinesis::IteratorType;
using aws::kinesis::Shard;
using aws::kinesis::UserRecord;
using json = nlohmann::json;

Error BadCheckpoint(const std::string& why) {
  return Error(ErrorCode::kInvalidArgument,
               "the saved Kinesis checkpoint is not valid (" + why +
                   "); it is written only by crossdock: restore it or reset the sync's cursor",
               "cursor");
}

bool AllDigits(const std::string& s) {
  return !s.empty() && s.size() <= 128 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

size_t RecordBytes(const UserRecord& r) {
  return r.data.size() + r.partition_key.size() + r.sequence_number.size() + 64;
}

}  // namespace

std::string EncodeKinesisCheckpoint(const KinesisCheckpoint& c) {
  json j = {{"v", 1}, {"stream", c.stream}};
  j["shards"] = json::object();
  for (const auto& [shard, seq] : c.shards) j["shards"][shard] = seq;
  j["drained"] = json::array();
  for (const auto& shard : c.drained) j["drained"].push_back(shard);
  if (c.since) j["since"] = FormatIso8601Millis(*c.since);
  return j.dump();
}

Result<KinesisCheckpoint> DecodeKinesisCheckpoint(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return BadCheckpoint("not a JSON object");
  KinesisCheckpoint c;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k == "v") {
      if (*it != 1) return BadCheckpoint("unknown version");
    } else if (k == "stream") {
      if (!it->is_string()) return BadCheckpoint("stream is not a string");
      c.stream = it->get<std::string>();
    } else if (k == "shards") {
      if (!it->is_object()) return BadCheckpoint("shards is not an object");
      for (auto s = it->begin(); s != it->end(); ++s) {
        if (!s->is_string() || !AllDigits(s->get<std::string>())) {
          return BadCheckpoint("shard " + s.key() + " has no sequence number");
        }
        c.shards[s.key()] = s->get<std::string>();
      }
    } else if (k == "drained") {
      if (!it->is_array()) return BadCheckpoint("drained is not an array");
      for (const json& s : *it) {
        if (!s.is_string()) return BadCheckpoint("drained holds a non-string");
        c.drained.insert(s.get<std::string>());
      }
    } else if (k == "since") {
      auto t = it->is_string() ? ParseIso8601(it->get<std::string>())
                               : Result<TimePoint>(Error(ErrorCode::kInvalidArgument, "since"));
      if (!t.ok()) return BadCheckpoint("since is not a time");
      c.since = *t;
    } else {
      return BadCheckpoint("unknown member " + k);
    }
  }
  if (!j.contains("v")) return BadCheckpoint("no version");
  return c;
}

bool ParentsDrained(const Shard& shard, const std::set<std::string>& listed,
                    const std::set<std::string>& drained) {
  for (const std::string* p : {&shard.parent_shard_id, &shard.adjacent_parent_shard_id}) {
    if (!p->empty() && listed.count(*p) && !drained.count(*p)) return false;
  }
  return true;
}

const char* RenderKinesisData(std::string_view payload, bool json_column, std::string* out) {
  out->clear();
  if (!payload.empty() && json::accept(payload)) {
    std::string_view p = payload;
    if (p.substr(0, 3) == "\xEF\xBB\xBF") p.remove_prefix(3);  // a BOM the parser skipped
    out->reserve(p.size());
    bool in_string = false, escaped = false;
    for (char c : p) {
      if (in_string) {
        out->push_back(c);
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          in_string = false;
        }
      } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        out->push_back(c);
        if (c == '"') in_string = true;
      }
    }
    return "json";
  }
  std::string b64 = aws::s3::Base64Encode(payload);
  if (json_column) {
    *out = "\"" + b64 + "\"";  // base64 needs no JSON escaping
  } else {
    *out = std::move(b64);
  }
  return "base64";
}

KinesisSource::KinesisSource(KinesisSourceOptions options)
    : o_(std::move(options)), clock_(o_.clock ? o_.clock : &SystemClock::Instance()) {}

KinesisSource::~KinesisSource() { (void)Close(); }

std::string KinesisSource::Describe() const {
  return "Kinesis stream " + o_.stream_name +
         (o_.client ? " at " + o_.client->endpoint() : std::string());
}

Result<Schema> KinesisSource::Open() {
  if (!o_.client) return Error(ErrorCode::kInternal, "Kinesis source without a client");
  if (o_.checkpoint) {
    ASSIGN_OR_RETURN(committed_, DecodeKinesisCheckpoint(*o_.checkpoint));
    if (!committed_.stream.empty() && committed_.stream != o_.stream_name) {
      return Error(ErrorCode::kFailedPrecondition,
                   "the saved checkpoint is for stream " + committed_.stream + ", not " +
                       o_.stream_name + "; reset the sync's cursor to read the new stream",
                   "cursor");
    }
  }
  t0_ = clock_->Now();
  if (o_.checkpoint) {
    since_ = committed_.since;
  } else if (o_.start.kind == KinesisStart::Kind::kLatest) {
    since_ = t0_;
  } else if (o_.start.kind == KinesisStart::Kind::kAtTimestamp) {
    since_ = o_.start.at;
  }
  aws::kinesis::ListShardsParams params;
  params.stream_name = o_.stream_name;
  auto listed = o_.client->ListShards(params);
  if (!listed.ok()) {
    return std::move(listed).error().WithContext("listing the shards of Kinesis stream " +
                                                 o_.stream_name);
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (Shard& s : *listed) {
    listed_.insert(s.shard_id);
    ShardState st;
    st.shard = std::move(s);
    if (committed_.drained.count(st.shard.shard_id)) {
      st.drained = true;
      drained_.insert(st.shard.shard_id);
    }
    if (auto it = committed_.shards.find(st.shard.shard_id); it != committed_.shards.end()) {
      st.position = it->second;
    }
    shards_.push_back(std::move(st));
  }
  QueueReadyLocked();
  size_t pending = 0;
  for (const auto& s : shards_) pending += s.drained ? 0 : 1;
  size_t threads =
      std::min<size_t>(std::max(1, o_.max_parallel_shards), std::max<size_t>(1, pending));
  if (ready_.empty()) finished_ = true;
  for (size_t t = 0; t < threads && !finished_; ++t) {
    threads_.emplace_back([this] { ReaderLoop(); });
  }
  return Schema{
      {"stream", ValueKind::kString, "kinesis stream"},
      {"shard_id", ValueKind::kString, "kinesis shard"},
      {"partition_key", ValueKind::kString, "kinesis partition key"},
      {"sequence_number", ValueKind::kString, "kinesis sequence number"},
      {"sub_sequence_number", ValueKind::kInteger, "bigint"},
      {"approximate_arrival", ValueKind::kTimestamp, "timestamptz"},
      {"data_encoding", ValueKind::kString, "text"},
      {"data", o_.json_data ? ValueKind::kJson : ValueKind::kString, "kinesis data"},
  };
}

void KinesisSource::QueueReadyLocked() {
  for (size_t i = 0; i < shards_.size(); ++i) {
    ShardState& s = shards_[i];
    if (s.drained || s.queued) continue;
    if (!ParentsDrained(s.shard, listed_, drained_)) continue;
    s.queued = true;
    ready_.push_back(i);
  }
}

void KinesisSource::ReaderLoop() {
  for (;;) {
    size_t index = 0;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stop_ || finished_ || !ready_.empty(); });
      if (stop_ || finished_) return;
      index = ready_.front();
      ready_.pop_front();
      ++active_;
      read_order_.push_back(shards_[index].shard.shard_id);
    }
    Status st = ReadShard(index);
    std::lock_guard<std::mutex> lock(mu_);
    --active_;
    if (!st.ok()) {
      if (!error_) error_ = std::move(st).error();
      stop_ = true;
    } else if (shards_[index].drained) {
      drained_.insert(shards_[index].shard.shard_id);
      QueueReadyLocked();  // its children, once their other parent is drained too
    }
    if (ready_.empty() && active_ == 0) finished_ = true;
    cv_.notify_all();
  }
}

Status KinesisSource::ReadShard(size_t index) {
  aws::kinesis::ShardIteratorParams start;
  std::string position;
  {
    std::lock_guard<std::mutex> lock(mu_);
    start.shard_id = shards_[index].shard.shard_id;
    position = shards_[index].position;
  }
  start.stream_name = o_.stream_name;
  if (!position.empty()) {
    start.type = IteratorType::kAfterSequenceNumber;
    start.sequence_number = position;
  } else {
    start.type = IteratorType::kTrimHorizon;
  }
  bool skipping = position.empty() && since_.has_value();
  aws::kinesis::ShardReader reader(*o_.client, start);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return OkStatus();
    }
    auto page = reader.Next(o_.records_per_call);
    if (!page.ok()) {
      return std::move(page).error().WithContext("reading shard " + start.shard_id +
                                                 " of Kinesis stream " + o_.stream_name);
    }
    Chunk chunk;
    chunk.shard = index;
    bool at_bound = false;
    for (const aws::kinesis::Record& r : page->records) {
      if (r.approximate_arrival > t0_) {
        at_bound = true;  // put after this run started: the next run's
        break;
      }
      position = r.sequence_number;
      if (skipping && r.approximate_arrival < *since_) continue;
      skipping = false;
      size_t before = chunk.records.size();
      Status st = aws::kinesis::Deaggregate(r, chunk.records);
      if (!st.ok()) {
        return std::move(st).error().WithContext("record " + r.sequence_number + " of shard " +
                                                 start.shard_id);
      }
      for (size_t i = before; i < chunk.records.size(); ++i) {
        chunk.bytes += RecordBytes(chunk.records[i]);
      }
    }
    if (!Deliver(index, std::move(chunk), position)) return OkStatus();  // stopped
    if (at_bound) return OkStatus();
    if (reader.finished()) {
      std::lock_guard<std::mutex> lock(mu_);
      shards_[index].drained = true;
      return OkStatus();
    }
    if (page->records.empty()) {
      if (page->millis_behind_latest == 0) return OkStatus();  // at the tip
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, o_.empty_page_delay, [&] { return stop_; });
    }
  }
}

bool KinesisSource::Deliver(size_t index, Chunk chunk, const std::string& position) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!chunk.records.empty()) {
    cv_.wait(lock, [&] {
      return stop_ || queue_.empty() || queued_bytes_ + chunk.bytes <= o_.max_buffered_bytes;
    });
    if (stop_) return false;
    queued_bytes_ += chunk.bytes;
    queue_.push_back(std::move(chunk));
  }
  // The engine reads the cursor only after Next() returned false, when every queued record
  // has been written: the position may move as the records are queued.
  shards_[index].position = position;
  cv_.notify_all();
  return !stop_;
}

void KinesisSource::AddRow(RowBatch& batch, const Chunk& chunk, size_t i) {
  const UserRecord& r = chunk.records[i];
  batch.Add(o_.stream_name);
  batch.Add(shards_[chunk.shard].shard.shard_id);  // immutable after Open()
  batch.Add(r.partition_key);
  batch.Add(r.sequence_number);
  batch.Add(std::to_string(r.sub_sequence_number));
  batch.Add(FormatIso8601Millis(r.approximate_arrival));
  batch.Add(RenderKinesisData(r.data, o_.json_data, &data_buf_));
  batch.Add(data_buf_);
  batch.EndRow();
}

Result<bool> KinesisSource::Next(RowBatch& batch, size_t max_rows) {
  size_t added = 0;
  while (added < max_rows) {
    if (!current_ || current_index_ >= current_->records.size()) {
      std::unique_lock<std::mutex> lock(mu_);
      current_.reset();
      // Rows already in the batch go out first rather than waiting for a slow shard.
      if (added > 0 && queue_.empty() && !error_) break;
      cv_.wait(lock, [&] { return error_ || !queue_.empty() || finished_ || stop_; });
      if (error_) return *error_;
      if (queue_.empty()) {
        if (stop_) return Error(ErrorCode::kCancelled, "the Kinesis source was closed");
        break;  // finished
      }
      current_ = std::move(queue_.front());
      queue_.pop_front();
      queued_bytes_ -= current_->bytes;
      current_index_ = 0;
      cv_.notify_all();
    }
    AddRow(batch, *current_, current_index_++);
    ++added;
  }
  return added > 0;
}

std::optional<std::string> KinesisSource::EndCursor() const {
  std::lock_guard<std::mutex> lock(mu_);
  KinesisCheckpoint c;
  c.stream = o_.stream_name;
  c.since = since_;
  for (const ShardState& s : shards_) {  // shards no longer listed are dropped
    if (s.drained) {
      c.drained.insert(s.shard.shard_id);
    } else if (!s.position.empty()) {
      c.shards[s.shard.shard_id] = s.position;
    }
  }
  return EncodeKinesisCheckpoint(c);
}

Status KinesisSource::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  return OkStatus();
}

std::vector<std::string> KinesisSource::read_order() const {
  std::lock_guard<std::mutex> lock(mu_);
  return read_order_;
}

}  // namespace crossdock::sync
