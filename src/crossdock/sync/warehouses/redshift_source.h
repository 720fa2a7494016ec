// RedshiftSource: rows of a Redshift Serverless table or query, read one of two ways.
//
// Both first learn the columns from the Data API (`SELECT * FROM (query) LIMIT 0`, whose
// column metadata gives Redshift's type names) and map them to value kinds
// (MapRedshiftType). Then:
// - Data API (default): ExecuteStatement, wait, and GetStatementResult page by page; one
//   page in memory at a time. Suited to small and medium results.
// - "Unload data to S3" (the connection's unload option, seed 004): UNLOAD the query into
//   `_crossdock/staging/<run>/unload/` of the unload bucket/path with the connection's
//   IAM role, in Redshift's escaped text format (warehouse_sql.h), zstd-compressed, then
//   stream the files back (bounded memory) and delete them in Close(), whatever happened.
//   A retried run first clears what an earlier attempt of it left there.
// Values reach the engine in value.h's canonical text (t/f -> true/false, timestamps in
// ISO 8601 with 'Z' for timestamptz). Incremental reads first ask for the cursor column's
// new end, then read (saved cursor, end] only.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crossdock/aws/s3/scoped_bucket.h"
#include "crossdock/sync/sources/copy_text.h"
#include "crossdock/sync/sources/file_store.h"
#include "crossdock/sync/sources/source.h"
#include "crossdock/sync/streams.h"
#include "crossdock/sync/warehouses/redshift_target.h"

namespace crossdock::sync::warehouse {

struct RedshiftSourceOptions {
  RedshiftTarget target;
  std::string table;  // "schema.table" or "table", or:
  std::string query;  // a SELECT
  bool unload = false;
  std::shared_ptr<aws::s3::ScopedBucket> unload_bucket;  // with unload
  std::string unload_region;                             // "" = the workgroup's
  std::string run_id;                                    // names the unload folder
  // Incremental: only rows whose cursor column is past the saved cursor (warehouse_sql.h).
  std::string cursor_column;
  std::optional<std::string> cursor_after;
};

struct RedshiftColumnMapping {
  Column column;
  PgConversion conversion = PgConversion::kAsIs;
};
// From Data API column metadata: int2/int4/int8 -> integer; numeric -> numeric (with its
// precision and scale); float4/float8 -> float; bool; timestamp, timestamptz; date;
// super/json -> json; everything else (varchar, char, time, geometry, varbyte ...) -> string.
RedshiftColumnMapping MapRedshiftType(const aws::redshift::ColumnMetadata& meta);

// Splits one record of Redshift's escaped text (without its final LF) at unescaped
// delimiters into `batch`, NULL for a field that is exactly \N, and converting per column.
// kDataLoss when the field count differs from conversions.size() or a backslash dangles.
Status AppendUnloadRecord(std::string_view record, char delimiter,
                          const std::vector<PgConversion>& conversions, RowBatch& batch);

// Index of a column by case-insensitive name (Redshift folds names to lower case), or -1.
int FindColumnIgnoringCase(const Schema& schema, std::string_view name);

class RedshiftSource final : public Source {
 public:
  explicit RedshiftSource(RedshiftSourceOptions options) : o_(std::move(options)) {}

  std::string Describe() const override;
  Result<Schema> Open() override;
  Result<bool> Next(RowBatch& batch, size_t max_rows) override;
  std::optional<std::string> EndCursor() const override { return end_cursor_; }
  Status Close() override;

  // The unload folder inside the unload bucket's scope.
  std::string UnloadFolder() const;

 private:
  std::string Sql() const;
  Status ClearUnloadFolder();
  Result<bool> NextFromPages(RowBatch& batch, size_t max_rows);
  Result<bool> NextFromFiles(RowBatch& batch, size_t max_rows);
  // Next record of the current file into record_; false at the end of all files.
  Result<bool> NextRecord();

  RedshiftSourceOptions o_;
  std::vector<PgConversion> conversions_;
  std::optional<std::string> end_cursor_;
  // Data API paging.
  std::string statement_id_;
  std::optional<aws::redshift::StatementResultPage> page_;
  size_t page_row_ = 0;
  bool pages_done_ = false;
  // Unloaded files.
  bool unloaded_ = false;
  std::vector<std::string> files_;
  std::unique_ptr<FileStore> files_store_;
  size_t next_file_ = 0;
  std::unique_ptr<aws::s3::ByteStream> raw_;
  std::unique_ptr<DecompressingStream> plain_;
  std::string buf_;
  size_t buf_pos_ = 0;
  bool file_eof_ = true;
  std::string record_;
};

}  // namespace crossdock::sync::warehouse
