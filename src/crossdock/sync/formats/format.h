// Record formats of the files a sync writes and reads: CSV and JSON Lines.
//
// CSV follows RFC 4180 with a header row of column names, comma separators and LF record
// ends (readers also accept CRLF). A field is quoted when it contains a comma, a quote, CR or
// LF, with quotes doubled inside. NULL convention: an empty unquoted field is NULL, an empty
// quoted field ("") is the empty string; so NULL and "" survive a round trip. Readers skip
// blank lines. Booleans are true/false, timestamps ISO 8601, bytes base64 (see value.h).
//
// JSON Lines writes one JSON object per line with the columns in schema order: integers,
// numerics and floats as JSON numbers with their exact source digits (NaN and infinities,
// which JSON cannot express, as strings), booleans as true/false, json columns as embedded
// JSON, NULL as null, everything else as JSON strings. The reader takes the columns from
// the first object's keys (in order); later objects may omit keys (NULL) but not add any.
//
// Encoders append to a caller's buffer; decoders pull from a ByteStream (already
// decompressed, see compressed_stream.h) into RowBatches. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "crossdock/aws/s3/byte_stream.h"
#include "crossdock/core/result.h"
#include "crossdock/sync/row_batch.h"
#include "crossdock/sync/value.h"

namespace crossdock::sync {

enum class Format { kCsv, kJsonLines };

// "csv", "jsonl" and back ("json", "ndjson", "jsonlines" accepted); field "format".
const char* FormatName(Format f);
Result<Format> ParseFormat(std::string_view text);
const char* FormatExtension(Format f);  // ".csv", ".jsonl"
const char* FormatContentType(Format f);
// From a file name, after its compression suffix: ".csv" -> CSV;
// ".jsonl", ".ndjson", ".json" -> JSON Lines; anything else kInvalidArgument naming the file.
Result<Format> FormatFromName(std::string_view name);

class RecordEncoder {
 public:
  virtual ~RecordEncoder() = default;
  // Appends what opens a file (CSV: the header row) to *out.
  virtual void BeginFile(std::string* out) = 0;
  // Appends one row of `batch` to *out.
  virtual void EncodeRow(const RowBatch& batch, size_t row, std::string* out) = 0;
};

std::unique_ptr<RecordEncoder> MakeEncoder(Format f, const Schema& schema);

class RecordDecoder {
 public:
  virtual ~RecordDecoder() = default;
  // Reads the header (CSV) or first record (JSON Lines) and returns the columns; an empty
  // input gives an empty schema.
  virtual Result<Schema> ReadSchema() = 0;
  // Appends up to max_rows rows to `batch` (which has schema().size() columns); returns
  // false once the input is exhausted and nothing was appended.
  virtual Result<bool> Next(RowBatch& batch, size_t max_rows) = 0;
};

// `name` (the file's name) appears in error messages with the line number.
std::unique_ptr<RecordDecoder> MakeDecoder(Format f, aws::s3::ByteStream& in, std::string name);

// Helpers shared by the encoders (exposed for tests).
void AppendCsvField(std::string_view value, bool null, std::string* out);
void AppendJsonString(std::string_view value, std::string* out);

}  // namespace crossdock::sync
