// FileSetSource: rows of the CSV and JSON Lines files under a prefix of a FileStore (an S3
// connection's bucket/path, or a local directory), read in name order, each decompressed
// by its suffix (.gz, .zst) and parsed by its format (.csv, .jsonl/.ndjson/.json) unless a
// format is forced. Crossdock's own files are skipped: `_crossdock/` staging and
// manifest.json. Every file must have the first file's columns (same names, same order);
// a file that differs is an error naming it. CSV columns are strings; JSON Lines columns
// take their kinds from the first object. A prefix with no data files is kNotFound.
// This is also the second half of "UNLOAD to S3, then read the files" (Redshift source).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crossdock/sync/formats/format.h"
#include "crossdock/sync/sources/file_store.h"
#include "crossdock/sync/sources/source.h"
#include "crossdock/sync/streams.h"

namespace crossdock::sync {

class FileSetSource final : public Source {
 public:
  FileSetSource(std::shared_ptr<FileStore> store, std::string prefix,
                std::optional<Format> format = std::nullopt)
      : store_(std::move(store)), prefix_(std::move(prefix)), format_(format) {}

  std::string Describe() const override;
  Result<Schema> Open() override;
  Result<bool> Next(RowBatch& batch, size_t max_rows) override;
  Status Close() override;

  const std::vector<FileEntry>& files() const { return files_; }

 private:
  Status OpenFile(size_t index, Schema* schema);

  std::shared_ptr<FileStore> store_;
  std::string prefix_;
  std::optional<Format> format_;
  std::vector<FileEntry> files_;
  size_t current_ = 0;
  Schema schema_;
  std::unique_ptr<aws::s3::ByteStream> raw_;
  std::unique_ptr<DecompressingStream> plain_;
  std::unique_ptr<RecordDecoder> decoder_;
};

}  // namespace crossdock::sync
