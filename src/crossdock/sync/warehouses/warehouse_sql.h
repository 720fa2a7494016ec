// The SQL crossdock sends to warehouses, built by pure functions: table names and quoting,
// the mapping of the engine's value kinds to column types, CREATE TABLE, the loads (Redshift
// COPY and Databricks COPY INTO from staged S3 files), merges, Redshift UNLOAD, and the
// load log that makes a commit happen once.
//
// Redshift folds identifiers to lower case, so names are validated, lower-cased and
// double-quoted; Databricks names are three-level (catalog.schema.table) and backquoted.
// Staged files are JSON Lines: both warehouses map JSON keys to columns by name, NULL is
// JSON null (distinct from ""), and numbers keep their exact digits. Kinds without a native
// counterpart are stored as text: json (Redshift would use SUPER, Databricks a STRING either
// way) and bytes (base64). Unconstrained numerics become DECIMAL(38,10). String literals are
// single-quoted with quotes doubled; nothing else from a user reaches SQL unquoted.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/core/result.h"
#include "crossdock/sync/value.h"

namespace crossdock::sync::warehouse {

enum class Dialect { kRedshift, kDatabricks };

// How rows land in the target table.
enum class LoadMode {
  kAppend,   // add the run's rows
  kMerge,    // upsert on merge keys: rows whose keys exist replace them, others are added
  kReplace,  // the table holds exactly the run's rows afterwards (Redshift only: atomic)
};
const char* LoadModeName(LoadMode mode);                // "append", "merge", "replace"
Result<LoadMode> ParseLoadMode(std::string_view text);  // field "destination.mode"

// A table as the user names it: "schema.table" or "table" (Redshift; schema "public"), or
// "catalog.schema.table" (Databricks). Errors name `field` and show the expected form.
struct TableName {
  std::string catalog;  // Databricks only
  std::string schema;
  std::string table;
};
Result<TableName> ParseTableName(Dialect dialect, std::string_view text, const std::string& field);

std::string QuoteIdent(Dialect dialect, std::string_view name);  // "x" / `x`
std::string QuoteLiteral(std::string_view text);                 // 'it''s'
std::string QualifiedName(Dialect dialect, const TableName& t);  // "s"."t" / `c`.`s`.`t`
// A sibling table in the same schema (the load log, a merge's staging table).
TableName Sibling(const TableName& t, std::string table);
// Redshift column names are lower case; Databricks keeps the source's spelling.
std::string ColumnName(Dialect dialect, std::string_view name);

// The column type a kind is created as, from the source type when it says more
// ("numeric(12,2)", "integer", "timestamp with time zone").
std::string ColumnType(Dialect dialect, const Column& column);

std::string CreateTableSql(Dialect dialect, const TableName& t, const Schema& schema);
// Columns of `schema` the table lacks (by case-insensitive name), as ADD COLUMN statements:
// Redshift one statement per column, Databricks one ADD COLUMNS statement.
std::vector<std::string> AddColumnsSql(Dialect dialect, const TableName& t, const Schema& schema,
                                       const std::vector<std::string>& existing_columns);

// Redshift COPY of JSON Lines files under `s3_prefix_uri` (zstd or gzip by `compression`
// "ZSTD" / "GZIP" / ""), with the IAM role(s) Redshift assumes (comma-separated chain).
struct RedshiftCopy {
  std::string s3_prefix_uri;
  std::string iam_role;
  std::string region;
  std::string compression = "ZSTD";
};
std::string RedshiftCopySql(const std::string& target_sql, const Schema& schema,
                            const RedshiftCopy& copy);

// Databricks COPY INTO of JSON Lines files under `s3_prefix_uri`, reading them with the
// named storage credential (or, when empty, the external location covering the path).
// `force` reloads files already loaded into the table (used for per-run staging tables).
std::string DatabricksCopyIntoSql(const std::string& target_sql, const std::string& s3_prefix_uri,
                                  const std::string& credential, bool force);

// Statements that upsert the rows of `stage` into `target` on `keys` (quoted column names
// of both tables are the schema's). Redshift: DELETE ... USING + INSERT (run in one
// transaction); Databricks: one MERGE INTO.
std::vector<std::string> MergeSql(Dialect dialect, const std::string& target_sql,
                                  const std::string& stage_sql, const Schema& schema,
                                  const std::vector<std::string>& keys);

// UNLOAD of a query to `s3_prefix_uri` in Redshift's escaped text format: fields separated
// by '|', NULL written as \N, and backslash, '|', CR and LF inside values preceded by a
// backslash; zstd-compressed files, several in parallel.
std::string RedshiftUnloadSql(std::string_view query, const std::string& s3_prefix_uri,
                              const std::string& iam_role, const std::string& region);

// Incremental reads of a Redshift table or query `base` on `column`: the statement that finds
// the cursor's new end (one row, one varchar column: NULL when nothing is past `after`), and
// the read of the rows in (after, end] in cursor order; with no end, a read of no rows.
std::string CursorEndSql(std::string_view base, const std::string& column,
                         const std::optional<std::string>& after);
std::string CursorReadSql(std::string_view base, const std::string& column,
                          const std::optional<std::string>& after,
                          const std::optional<std::string>& end);

// The load log: one row per committed run, written in the load's own transaction
// (Redshift) or right after it (Databricks), read back by FindCommitted.
inline constexpr char kLoadLogTable[] = "crossdock_loads";
std::string CreateLoadLogSql(Dialect dialect, const TableName& log);
struct LoadRecord {
  std::string run_id;
  std::string sync_id;
  std::string target;  // the qualified target table
  uint64_t rows = 0;
  uint64_t bytes = 0;
  uint64_t files = 0;
  std::string cursor;  // "" when none
};
std::string InsertLoadRecordSql(Dialect dialect, const TableName& log, const LoadRecord& r);
std::string SelectLoadRecordSql(Dialect dialect, const TableName& log, const std::string& run_id,
                                const std::string& target);

}  // namespace crossdock::sync::warehouse
