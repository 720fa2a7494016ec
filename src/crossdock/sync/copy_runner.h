// The engine of a copy run: files moved byte for byte, without decoding, from a FileStore
// prefix (an S3 connection's bucket/path, a local directory) into a Destination, with the
// same guarantees as a row sync (runner.h): each file is staged under its name relative to
// the prefix, `concurrency` files at a time (each streamed through a bounded pipe, so memory
// is per open file, not per byte), then Commit() makes the set final and writes the manifest
// last (bytes and SHA-256 per file; rows are not counted); Cleanup() always runs. Crossdock's
// own files (`_crossdock/`, manifest.json) are not copied. An empty prefix is kNotFound.
// This is `"copy": true` in a sync spec: what `aws s3 sync` does, with a commit.
#pragma once

#include <string>

#include "crossdock/sync/runner.h"
#include "crossdock/sync/sources/file_store.h"

namespace crossdock::sync {

struct CopyOptions {
  int concurrency = 8;           // files copied at once
  size_t chunk_bytes = 1 << 20;  // read size per call
};

Result<RunOutcome> ExecuteCopy(FileStore& source, const std::string& prefix,
                               Destination& destination, RunInfo run,
                               const CopyOptions& options = {}, const RunHooks& hooks = {},
                               const Clock& clock = SystemClock::Instance());

}  // namespace crossdock::sync
