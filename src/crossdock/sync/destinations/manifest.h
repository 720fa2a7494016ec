// The manifest: the JSON document a run writes last, next to its output files, listing
// every file with its rows, bytes and SHA-256. Readers take the set of files a manifest
// lists, never a listing of the folder, so they see a complete run or none. It also records
// the columns, the format and the incremental cursor the run read up to, which lets a worker
// that takes over a run find out that its commit already happened.
//
// {"version": 1, "sync_id": "...", "run_id": "...", "created_at": "2024-05-01T12:00:00Z",
//  "format": "csv", "compression": "zstd", "rows": 10, "bytes": 123,
//  "columns": [{"name": "id", "type": "integer", "source_type": "bigint"}],
//  "files": [{"name": "part-00000.csv.zst", "rows": 10, "bytes": 123, "sha256": "..."}],
//  "cursor": "41"}          (cursor only for incremental runs with new rows)
// A copy run ("copy": true in the spec) writes "mode": "copy" instead of format and
// compression, no columns, and rows 0: its files are the source's bytes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crossdock/core/result.h"
#include "crossdock/sync/formats/compression.h"
#include "crossdock/sync/formats/format.h"
#include "crossdock/sync/value.h"

namespace crossdock::sync {

inline constexpr char kManifestName[] = "manifest.json";

struct ManifestFile {
  std::string name;  // relative to the manifest's folder
  uint64_t rows = 0;
  uint64_t bytes = 0;
  std::string sha256;  // hex of the file's bytes as stored (compressed)
};

struct Manifest {
  std::string sync_id;
  std::string run_id;
  std::string created_at;
  Format format = Format::kCsv;
  Compression compression = Compression::kZstd;
  Schema columns;
  std::vector<ManifestFile> files;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  std::optional<std::string> cursor;
  bool copy = false;  // a byte-for-byte copy run
};

std::string ManifestToJson(const Manifest& m);
// kDataLoss naming what is wrong for a document that is not a manifest.
Result<Manifest> ParseManifest(std::string_view json);

}  // namespace crossdock::sync
