// Plain data types of the Databricks SQL Statement Execution API (/api/2.0/sql/statements) as
// crossdock uses it: INLINE disposition with JSON_ARRAY results, where every value arrives as
// a string (or null) and the result is cut into chunks fetched by index.
//
// No behaviour: JSON lives in statement_json.h, HTTP in statement_client.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crossdock::databricks {

enum class StatementState { kPending, kRunning, kSucceeded, kFailed, kCanceled, kClosed };

std::string_view StatementStateName(StatementState state);  // "SUCCEEDED"
std::optional<StatementState> ParseStatementState(std::string_view name);
bool IsTerminal(StatementState state);  // SUCCEEDED, FAILED, CANCELED, CLOSED

struct StatementParameter {
  std::string name;                  // referenced as :name
  std::optional<std::string> value;  // nullopt = SQL NULL
  std::string type;                  // optional SQL type, e.g. "INT", "DATE"; "" = STRING
};

enum class OnWaitTimeout { kContinue, kCancel };

struct StatementRequest {
  std::string statement;
  std::string catalog;  // default catalog for unqualified names ("" = the warehouse's)
  std::string schema;   // default schema
  std::vector<StatementParameter> parameters;
  // How long the submit call waits for the result: "0s" (asynchronous) or "5s".."50s".
  std::string wait_timeout = "0s";
  OnWaitTimeout on_wait_timeout = OnWaitTimeout::kContinue;
  int64_t row_limit = 0;  // 0 = none; truncation shows in the manifest
};

struct ColumnInfo {
  std::string name;
  std::string type_name;  // INT, LONG, STRING, DECIMAL, TIMESTAMP, BOOLEAN, ...
  std::string type_text;  // "bigint", "decimal(10,2)", ...
  int position = 0;
};

struct ChunkInfo {
  int64_t chunk_index = 0;
  int64_t row_offset = 0;
  int64_t row_count = 0;
};

struct ResultManifest {
  std::vector<ColumnInfo> columns;
  std::vector<ChunkInfo> chunks;
  int64_t total_chunk_count = 0;
  int64_t total_row_count = 0;
  bool truncated = false;
};

using Value = std::optional<std::string>;  // JSON_ARRAY cell: text or null
using Row = std::vector<Value>;

struct ResultChunk {
  int64_t chunk_index = 0;
  int64_t row_offset = 0;
  int64_t row_count = 0;
  std::vector<Row> rows;  // data_array
  std::optional<int64_t> next_chunk_index;
};

struct StatementResponse {
  std::string statement_id;
  StatementState state = StatementState::kPending;
  std::string error_code;  // status.error.error_code when FAILED
  std::string error_message;
  std::string sql_state;
  std::optional<ResultManifest> manifest;  // SUCCEEDED only
  std::optional<ResultChunk> result;       // the first chunk, SUCCEEDED only
};

struct StatementResult {
  std::vector<ColumnInfo> columns;
  std::vector<Row> rows;
  bool truncated = false;
};

}  // namespace crossdock::databricks
