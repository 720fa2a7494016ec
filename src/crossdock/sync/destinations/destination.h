// Destination: where a sync's files end up, in two phases: stage, then commit (load).
//
// Every destination stages the run's files first (S3: objects under
// `_crossdock/staging/<run>/` inside the connection's prefix or the staging bucket; local:
// a staging folder) and makes them visible only in Commit(): the S3 destination copies them
// to `<path>/<run>/` and writes the manifest last; a warehouse destination (Redshift
// Serverless, Databricks: the next connectors) runs COPY / COPY INTO from the staged files
// inside a transaction. Cleanup() removes the run's staging whatever happened. The engine
// calls, for one run attempt:
//   Prepare(run)            checks that staging can be written (a probe object, deleted)
//                           and clears what an earlier attempt of this run left; writes
//                           nothing else. Errors name the prefix and the missing permission.
//   FindCommitted(run)      the manifest of a commit that already happened (a worker that
//                           took over a dead worker's run must not load it twice)
//   StageFile(run, name)*   a writer for one staged file (bytes streamed, bounded memory)
//   Commit(run, files)      makes the files final. Must be idempotent per run id: after a
//                           crash anywhere inside it, calling it again gives one copy of the
//                           data (S3: the manifest is the commit marker; warehouses: a
//                           load-log row written in the load's own transaction).
//   Cleanup(run)            always, once: deletes staged objects, aborts uploads.
// SweepStaging() runs when a worker starts: it removes staging of runs that are no longer
// active and aborts their unfinished multipart uploads. It lists all of its staging before it
// asks is_active about any run, so that a caller reading the active runs at the first
// question sees every run whose staging the listing found (other workers keep claiming runs
// and creating staging meanwhile). Implementations are used by one run
// at a time but must tolerate other processes using the same prefix for other runs.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crossdock/core/result.h"
#include "crossdock/sync/destinations/manifest.h"
#include "crossdock/sync/formats/compression.h"
#include "crossdock/sync/formats/format.h"
#include "crossdock/sync/value.h"

namespace crossdock::sync {

// What a destination knows about the run it serves.
struct RunInfo {
  std::string sync_id;
  std::string run_id;
  std::string path;  // the sync's output folder inside the destination ("" = the root)
  Format format = Format::kCsv;
  Compression compression = Compression::kZstd;
  Schema schema;                      // set before StageFile
  std::optional<std::string> cursor;  // incremental end cursor, recorded in the manifest
  // Polled during long operations; true stops them with kCancelled.
  std::function<bool()> cancelled;
};

// One staged file as written.
struct StagedFile {
  std::string name;      // "part-00000.csv.zst"
  std::string location;  // "s3://bucket/prefix/_crossdock/staging/run/part-00000.csv.zst"
  uint64_t rows = 0;
  uint64_t bytes = 0;
  std::string sha256;  // hex
};

// Receives one staged file's bytes in order.
class StagedFileWriter {
 public:
  virtual ~StagedFileWriter() = default;
  virtual Status Write(std::string_view bytes) = 0;
  // Completes the file (S3: completes the multipart upload). Returns its location.
  virtual Result<std::string> Finish() = 0;
  // Abandons the file; nothing of it is left behind (S3: the upload is aborted).
  virtual void Abort() = 0;
};

struct CommitResult {
  std::string manifest_location;  // where the manifest (or load record) is
  Manifest manifest;
};

struct SweepReport {
  std::vector<std::string> removed_runs;  // staging folders deleted
  int objects_deleted = 0;
  int uploads_aborted = 0;
};

// The encoding a destination requires of its staged files (warehouses load one format).
struct FileEncoding {
  Format format;
  Compression compression;
};

class Destination {
 public:
  virtual ~Destination() = default;
  virtual std::string Describe() const = 0;
  // Set when the destination loads only one encoding; it then overrides the sync's
  // format and compression options.
  virtual std::optional<FileEncoding> StagingEncoding() const { return std::nullopt; }
  virtual Status Prepare(const RunInfo& run) = 0;
  virtual Result<std::optional<Manifest>> FindCommitted(const RunInfo& run) = 0;
  virtual Result<std::unique_ptr<StagedFileWriter>> StageFile(const RunInfo& run,
                                                              const std::string& name) = 0;
  virtual Result<CommitResult> Commit(const RunInfo& run, const Manifest& manifest) = 0;
  virtual Status Cleanup(const RunInfo& run) = 0;
  // `is_active(run_id)` is true for runs that may still be writing (their staging is kept).
  virtual Result<SweepReport> SweepStaging(
      const std::function<bool(const std::string& run_id)>& is_active) = 0;
};

// "_crossdock/staging/" and the run's folder inside it.
inline constexpr char kStagingRoot[] = "_crossdock/staging/";
inline std::string StagingFolder(const std::string& run_id) { return kStagingRoot + run_id + "/"; }

// "<path>/<run>/" or "<run>/" for the root.
std::string OutputFolder(const RunInfo& run);

}  // namespace crossdock::sync
