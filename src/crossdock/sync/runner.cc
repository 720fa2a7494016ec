#include "crossdock/sync/runner.h"

#include <algorithm>
#include <cstdio>

#include "crossdock/core/hex.h"
#include "crossdock/core/time_format.h"
#include "crossdock/crypto/sha256.h"
#include "crossdock/sync/row_batch.h"

namespace crossdock::sync {
namespace {

// Encoded bytes handed to the compressor at a time: 1 MiB, less for small files so that the
// file size is checked often enough.
size_t EncodeChunk(uint64_t file_size) {
  return static_cast<size_t>(std::clamp<uint64_t>(file_size / 4, 4096, 1 << 20));
}

// Writes the run's files: encodes rows, compresses, splits at file_size, tracks checksums.
class FileSplitter {
 public:
  FileSplitter(Destination& dest, const RunInfo& run, const OutputOptions& o,
               RecordEncoder& encoder, Compressor& compressor, Manifest& manifest)
      : dest_(dest),
        run_(run),
        o_(o),
        encoder_(encoder),
        comp_(compressor),
        m_(manifest),
        chunk_(EncodeChunk(o.file_size)) {}
  ~FileSplitter() { AbortCurrent(); }

  Status AddBatch(const RowBatch& batch) {
    for (size_t r = 0; r < batch.rows(); ++r) {
      if (!writer_) RETURN_IF_ERROR(OpenFile());
      encoder_.EncodeRow(batch, r, &encoded_);
      ++file_rows_;
      if (encoded_.size() >= chunk_) {
        RETURN_IF_ERROR(Flush());
        if (file_bytes_ >= o_.file_size) RETURN_IF_ERROR(CloseFile());
      }
    }
    return OkStatus();
  }

  // Ends the last file. A run without rows still writes one file (a CSV header) so that
  // readers always find the columns.
  Status Finish() {
    if (!writer_ && m_.files.empty()) RETURN_IF_ERROR(OpenFile());
    if (writer_) RETURN_IF_ERROR(CloseFile());
    return OkStatus();
  }

  void AbortCurrent() {
    if (writer_) {
      writer_->Abort();
      writer_.reset();
    }
  }

  uint64_t bytes_written() const { return m_.bytes + file_bytes_; }

 private:
  Status OpenFile() {
    name_ = PartName(m_.files.size(), o_);
    ASSIGN_OR_RETURN(writer_, dest_.StageFile(run_, name_));
    file_rows_ = 0;
    file_bytes_ = 0;
    encoder_.BeginFile(&encoded_);
    return OkStatus();
  }

  Status Flush() {
    compressed_.clear();
    RETURN_IF_ERROR(comp_.Write(encoded_, &compressed_));
    encoded_.clear();
    return Emit();
  }

  Status Emit() {
    if (compressed_.empty()) return OkStatus();
    hasher_.Update(compressed_);
    file_bytes_ += compressed_.size();
    Status st = writer_->Write(compressed_);
    compressed_.clear();
    return st;
  }

  Status CloseFile() {
    compressed_.clear();
    RETURN_IF_ERROR(comp_.Write(encoded_, &compressed_));
    encoded_.clear();
    RETURN_IF_ERROR(comp_.Finish(&compressed_));
    RETURN_IF_ERROR(Emit());
    auto done = writer_->Finish();
    writer_.reset();
    RETURN_IF_ERROR(done);
    m_.files.push_back(ManifestFile{name_, file_rows_, file_bytes_, HexEncode(hasher_.Final())});
    m_.rows += file_rows_;
    m_.bytes += file_bytes_;
    file_rows_ = 0;
    file_bytes_ = 0;
    return OkStatus();
  }

  Destination& dest_;
  const RunInfo& run_;
  const OutputOptions& o_;
  RecordEncoder& encoder_;
  Compressor& comp_;
  Manifest& m_;
  const size_t chunk_;
  std::unique_ptr<StagedFileWriter> writer_;
  std::string name_;
  std::string encoded_;
  std::string compressed_;
  crypto::Sha256Hasher hasher_;
  uint64_t file_rows_ = 0;
  uint64_t file_bytes_ = 0;
};

Result<RunOutcome> Pump(Source& source, Destination& dest, RunInfo& run,
                        const OutputOptions& output, const RunHooks& hooks, const Clock& clock) {
  ASSIGN_OR_RETURN(Schema schema, source.Open());
  if (schema.empty()) {
    return Error(ErrorCode::kInvalidArgument, source.Describe() + " has no columns", "source");
  }
  run.schema = schema;
  run.cursor = source.EndCursor();
  RETURN_IF_ERROR(dest.Prepare(run));

  ASSIGN_OR_RETURN(auto earlier, EarlierCommit(dest, run));
  if (earlier) return std::move(*earlier);

  Manifest m;
  m.sync_id = run.sync_id;
  m.run_id = run.run_id;
  m.format = output.format;
  m.compression = output.compression;
  m.columns = schema;
  m.cursor = run.cursor;

  auto encoder = MakeEncoder(output.format, schema);
  ASSIGN_OR_RETURN(auto compressor, MakeCompressor(output.compression, output.compression_level));
  FileSplitter splitter(dest, run, output, *encoder, *compressor, m);
  RowBatch batch(schema.size());
  RunProgress progress;
  for (;;) {
    if (hooks.cancelled && hooks.cancelled()) {
      return Error(ErrorCode::kCancelled, "the run was cancelled");
    }
    batch.Clear();
    ASSIGN_OR_RETURN(bool more, source.Next(batch, output.batch_rows));
    if (!more) break;
    RETURN_IF_ERROR(splitter.AddBatch(batch));
    progress.rows += batch.rows();
    progress.bytes = splitter.bytes_written();
    progress.files = m.files.size();
    if (hooks.on_progress) hooks.on_progress(progress);
  }
  // Read again now that every row is read: a source whose cursor moves as it reads (Kinesis
  // shard positions) reports where this run ended; the cursor commits with the manifest.
  m.cursor = source.EndCursor();
  run.cursor = m.cursor;
  RETURN_IF_ERROR(splitter.Finish());
  progress.bytes = m.bytes;
  progress.files = m.files.size();
  if (hooks.on_progress) hooks.on_progress(progress);
  if (hooks.cancelled && hooks.cancelled()) {
    return Error(ErrorCode::kCancelled, "the run was cancelled");
  }
  return CommitRun(dest, run, std::move(m), hooks, clock);
}

}  // namespace

Result<std::optional<RunOutcome>> EarlierCommit(Destination& destination, const RunInfo& run) {
  ASSIGN_OR_RETURN(auto committed, destination.FindCommitted(run));
  if (!committed) return std::optional<RunOutcome>();
  RunOutcome outcome;
  outcome.manifest = std::move(*committed);
  outcome.already_committed = true;
  return std::optional<RunOutcome>(std::move(outcome));
}

Result<RunOutcome> CommitRun(Destination& destination, const RunInfo& run, Manifest manifest,
                             const RunHooks& hooks, const Clock& clock) {
  if (hooks.before_commit) RETURN_IF_ERROR(hooks.before_commit());
  manifest.created_at = FormatIso8601(clock.Now());
  ASSIGN_OR_RETURN(CommitResult c, destination.Commit(run, manifest));
  RunOutcome outcome;
  outcome.manifest = std::move(c.manifest);
  outcome.manifest_location = std::move(c.manifest_location);
  return outcome;
}

Result<RunOutcome> ExecuteRun(Source& source, Destination& destination, RunInfo run,
                              const OutputOptions& output, const RunHooks& hooks,
                              const Clock& clock) {
  RETURN_IF_ERROR(ValidateOutput(output));
  if (!run.cancelled) run.cancelled = hooks.cancelled;
  OutputOptions staged = output;
  if (auto encoding = destination.StagingEncoding()) {
    staged.format = encoding->format;
    staged.compression = encoding->compression;
    staged.compression_level = 0;
    run.format = encoding->format;
    run.compression = encoding->compression;
  }
  auto result = Pump(source, destination, run, staged, hooks, clock);
  Status closed = source.Close();
  Status cleaned = destination.Cleanup(run);
  if (!result.ok()) return result;
  (void)closed;
  if (!cleaned.ok()) {
    // The data is committed; leftover staging is swept by the next worker start.
    result->warning = "staging cleanup failed: " + cleaned.error().ToString();
  }
  return result;
}

}  // namespace crossdock::sync
