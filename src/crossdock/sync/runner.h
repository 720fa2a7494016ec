// The engine of one run attempt: rows from a Source, encoded (formats/), compressed, split
// into files of a configured size and staged in a Destination, then committed with a
// manifest. It knows nothing of the job tables: the job layer (jobs/) claims runs, calls
// ExecuteRun, and records the outcome and the cursor in the store.
//
// Order, so that bad input writes nothing: source.Open() (table, types, query), then
// destination.Prepare() (write probe), then FindCommitted() (a commit that already happened
// is returned as is, without reading the source again), then the rows, then the source's
// EndCursor() (read again after the last row, for the manifest), then hooks.before_commit (the job
// layer checks it still owns the run), then Commit(). Close() and Cleanup() always run, on success,
// failure and cancellation alike; the current staged file is aborted on failure. Memory: one batch
// (batch_rows rows), one encode buffer and one compressed chunk, plus the destination's upload
// buffers; independent of the row count.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "crossdock/core/clock.h"
#include "crossdock/sync/destinations/destination.h"
#include "crossdock/sync/formats/compression.h"
#include "crossdock/sync/formats/format.h"
#include "crossdock/sync/sources/source.h"

namespace crossdock::sync {

struct OutputOptions {
  Format format = Format::kCsv;
  Compression compression = Compression::kZstd;
  int compression_level = 0;  // 0: the codec's default (zstd 3, gzip 6)
  // A new file starts once the current one has this many (compressed) bytes.
  uint64_t file_size = 256ull << 20;
  size_t batch_rows = 4096;  // rows pulled from the source at a time
};

// Checks ranges (file_size 1 KiB to 5 GiB: the S3 CopyObject limit); field names the option.
Status ValidateOutput(const OutputOptions& o);

struct RunProgress {
  uint64_t rows = 0;
  uint64_t bytes = 0;  // bytes of files written so far (compressed)
  uint64_t files = 0;
};

struct RunHooks {
  // Called after every batch (from the run's thread).
  std::function<void(const RunProgress&)> on_progress;
  // Polled between batches and by uploads; true cancels the run (kCancelled).
  std::function<bool()> cancelled;
  // Called right before Commit(); an error (the run was taken over) stops the run.
  std::function<Status()> before_commit;
};

struct RunOutcome {
  Manifest manifest;
  std::string manifest_location;
  bool already_committed = false;  // an earlier attempt had committed; nothing was read
  // Set when the run committed but removing its staging failed (the next worker start
  // sweeps it); the run still counts as committed.
  std::string warning;
};

Result<RunOutcome> ExecuteRun(Source& source, Destination& destination, RunInfo run,
                              const OutputOptions& output, const RunHooks& hooks = {},
                              const Clock& clock = SystemClock::Instance());

// Shared by row runs and copy runs (copy_runner.h): the outcome of a commit of this run that
// already happened (a worker that took over a run must not write it twice), or nullopt.
Result<std::optional<RunOutcome>> EarlierCommit(Destination& destination, const RunInfo& run);
// hooks.before_commit, then the manifest's creation time, then Commit().
Result<RunOutcome> CommitRun(Destination& destination, const RunInfo& run, Manifest manifest,
                             const RunHooks& hooks, const Clock& clock);

// "part-00000.csv.zst".
std::string PartName(size_t index, const OutputOptions& o);

}  // namespace crossdock::sync
