// Plain data types of the Redshift Data API (service "redshift-data", API 2019-12-20) as
// crossdock uses them: statement parameters, statement descriptions with their status,
// column metadata, typed result fields, and catalog listings. Names follow botocore's
// service model; only the members crossdock reads or sends are kept.
//
// No behaviour beyond small conversions: building and parsing live in data_api_requests.h
// and data_api_responses.h, sending in data_api_client.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/core/clock.h"

namespace crossdock::aws::redshift {

// Where statements run: a Redshift Serverless workgroup (what crossdock connects to) or a
// provisioned cluster. Authentication is always the caller's IAM identity: the Data API maps
// an assumed role to the database user "IAMR:<role name>".
struct DataApiTarget {
  std::string workgroup_name;      // e.g. "analytics"; [a-z0-9-]{3,64}
  std::string cluster_identifier;  // provisioned clusters only; empty for Serverless
  std::string database;            // required, e.g. "dev"
};

struct SqlParameter {
  std::string name;   // referenced in SQL as :name
  std::string value;  // always text; the database casts it
};

struct ExecuteStatementParams {
  DataApiTarget target;
  std::string sql;
  std::vector<SqlParameter> parameters;
  std::string statement_name;  // shows in ListStatements; <= 500 characters
  bool with_event = false;     // ask for an EventBridge event when the statement ends
};

struct BatchExecuteStatementParams {
  DataApiTarget target;
  std::vector<std::string> sqls;  // 1 to 40 statements, run in one transaction
  std::string statement_name;
  bool with_event = false;
};

// Catalog listings (ListSchemas, ListTables, DescribeTable). Patterns use SQL LIKE wildcards.
struct CatalogQuery {
  DataApiTarget target;
  std::string connected_database;  // the database to connect to when listing another one
  std::string schema_pattern;      // ListSchemas / ListTables
  std::string table_pattern;       // ListTables
  std::string schema;              // DescribeTable
  std::string table;               // DescribeTable
};

struct SubmittedStatement {
  std::string id;  // a UUID; "<id>:<n>" names the n-th sub-statement of a batch
  TimePoint created_at;
};

enum class StatementStatus { kSubmitted, kPicked, kStarted, kFinished, kFailed, kAborted, kAll };

std::string_view StatementStatusName(StatementStatus status);  // "FINISHED"
// kAll for unknown names is never returned: unknown -> nullopt.
std::optional<StatementStatus> ParseStatementStatus(std::string_view name);
bool IsTerminal(StatementStatus status);  // FINISHED, FAILED, ABORTED

struct StatementDescription {
  std::string id;
  StatementStatus status = StatementStatus::kSubmitted;
  std::string error;  // the database's message when FAILED, e.g. "ERROR: relation ..."
  bool has_result_set = false;
  int64_t result_rows = -1;  // rows returned or affected (-1: unknown / not finished)
  int64_t result_size = -1;  // bytes
  int64_t duration_ns = -1;
  int64_t redshift_query_id = 0;
  int64_t redshift_pid = 0;
  std::string query_string;
  std::string db_user;
  std::string database;
  std::string workgroup_name;
  TimePoint created_at;
  TimePoint updated_at;
  std::vector<StatementDescription> sub_statements;  // BatchExecuteStatement only
};

struct ColumnMetadata {
  std::string name;
  std::string label;
  std::string type_name;  // Redshift's: int4, int8, varchar, numeric, bool, timestamp, ...
  std::string schema_name;
  std::string table_name;
  std::string column_default;
  int nullable = 1;  // 0 not null, 1 nullable, 2 unknown (JDBC convention)
  int precision = 0;
  int scale = 0;
  int length = 0;
  bool is_signed = false;
  bool is_case_sensitive = false;
  bool is_currency = false;
};

// One value of a result row: the Data API's Field union.
struct Field {
  enum class Kind { kNull, kBool, kLong, kDouble, kString, kBlob };
  Kind kind = Kind::kNull;
  bool bool_value = false;
  int64_t long_value = 0;
  double double_value = 0;
  std::string string_value;  // kString text, or kBlob decoded bytes

  bool is_null() const { return kind == Kind::kNull; }
  // Text as the database would print it: "t"/"f" are "true"/"false", NULL is "".
  std::string ToText() const;
};

using Row = std::vector<Field>;

struct StatementResultPage {
  std::vector<ColumnMetadata> columns;
  std::vector<Row> records;
  int64_t total_num_rows = 0;
  std::string next_token;  // empty on the last page
};

struct StatementResult {
  std::vector<ColumnMetadata> columns;
  std::vector<Row> rows;
  int64_t total_num_rows = 0;
};

struct TableMember {
  std::string name;
  std::string schema;
  std::string type;  // TABLE, VIEW, ...
};

}  // namespace crossdock::aws::redshift
