#include "crossdock/sync/warehouses/warehouse_sql.h"

#include <regex>

#include "crossdock/core/ascii.h"

namespace crossdock::sync::warehouse {
namespace {

Error Bad(const std::string& field, const std::string& msg) {
  return Error(ErrorCode::kInvalidArgument, field + ": " + msg, field);
}

std::vector<std::string> SplitDots(std::string_view text) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '.') {
      parts.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

bool ValidIdent(Dialect dialect, const std::string& part) {
  static const std::regex kRedshift("[A-Za-z_][A-Za-z0-9_$]{0,126}");
  static const std::regex kDatabricks("[A-Za-z0-9_][A-Za-z0-9_-]{0,254}");
  return std::regex_match(part, dialect == Dialect::kRedshift ? kRedshift : kDatabricks);
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

std::vector<std::string> QuotedColumns(Dialect dialect, const Schema& schema) {
  std::vector<std::string> cols;
  for (const Column& c : schema) cols.push_back(QuoteIdent(dialect, ColumnName(dialect, c.name)));
  return cols;
}

// (p,s) of "numeric(12,2)" / "decimal(12, 2)"; false when unconstrained or out of range.
bool NumericPrecision(const std::string& source_type, int* p, int* s) {
  static const std::regex kNum(R"((?:numeric|decimal)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))",
                               std::regex::icase);
  std::smatch m;
  if (!std::regex_search(source_type, m, kNum)) return false;
  *p = std::stoi(m[1].str());
  *s = m[2].matched ? std::stoi(m[2].str()) : 0;
  return *p >= 1 && *p <= 38 && *s >= 0 && *s <= *p;
}

bool HasZone(const std::string& source_type) {
  std::string t = Lower(source_type);
  return t.find("with time zone") != std::string::npos || t == "timestamptz";
}

}  // namespace

const char* LoadModeName(LoadMode mode) {
  switch (mode) {
    case LoadMode::kAppend:
      return "append";
    case LoadMode::kMerge:
      return "merge";
    case LoadMode::kReplace:
      return "replace";
  }
  return "append";
}

Result<LoadMode> ParseLoadMode(std::string_view text) {
  if (text.empty() || text == "append") return LoadMode::kAppend;
  if (text == "merge" || text == "upsert") return LoadMode::kMerge;
  if (text == "replace" || text == "overwrite") return LoadMode::kReplace;
  return Bad("destination.mode",
             "unknown load mode \"" + std::string(text) + "\"; use append, merge or replace");
}

Result<TableName> ParseTableName(Dialect dialect, std::string_view text, const std::string& field) {
  std::vector<std::string> parts = SplitDots(text);
  TableName t;
  if (dialect == Dialect::kRedshift) {
    if (parts.size() == 1) {
      t.schema = "public";
      t.table = parts[0];
    } else if (parts.size() == 2) {
      t.schema = parts[0];
      t.table = parts[1];
    } else {
      return Bad(field, "\"" + std::string(text) +
                            "\" is not a Redshift table name; write schema.table (or table for "
                            "the public schema)");
    }
  } else {
    if (parts.size() != 3) {
      return Bad(field, "\"" + std::string(text) +
                            "\" is not a Unity Catalog table name; write catalog.schema.table, "
                            "e.g. main.default.orders");
    }
    t.catalog = parts[0];
    t.schema = parts[1];
    t.table = parts[2];
  }
  for (const std::string* part : {&t.catalog, &t.schema, &t.table}) {
    if (part->empty() && part == &t.catalog && dialect == Dialect::kRedshift) continue;
    if (!ValidIdent(dialect, *part)) {
      return Bad(field,
                 "\"" + *part + "\" in \"" + std::string(text) +
                     "\" is not a plain identifier; use letters, digits and _ " +
                     (dialect == Dialect::kRedshift ? "(starting with a letter or _)" : "(and -)"));
    }
  }
  if (dialect == Dialect::kRedshift) {
    t.schema = Lower(t.schema);
    t.table = Lower(t.table);
  }
  return t;
}

std::string QuoteIdent(Dialect dialect, std::string_view name) {
  char q = dialect == Dialect::kRedshift ? '"' : '`';
  std::string out(1, q);
  for (char c : name) {
    out.push_back(c);
    if (c == q) out.push_back(q);
  }
  out.push_back(q);
  return out;
}

std::string QuoteLiteral(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out.push_back(c);
    if (c == '\'') out.push_back('\'');
  }
  return out + "'";
}

std::string QualifiedName(Dialect dialect, const TableName& t) {
  std::string out;
  if (dialect == Dialect::kDatabricks) out = QuoteIdent(dialect, t.catalog) + ".";
  return out + QuoteIdent(dialect, t.schema) + "." + QuoteIdent(dialect, t.table);
}

TableName Sibling(const TableName& t, std::string table) {
  TableName s = t;
  s.table = std::move(table);
  return s;
}

std::string ColumnName(Dialect dialect, std::string_view name) {
  return dialect == Dialect::kRedshift ? Lower(name) : std::string(name);
}

std::string ColumnType(Dialect dialect, const Column& column) {
  bool rs = dialect == Dialect::kRedshift;
  std::string source = Lower(column.source_type);
  switch (column.kind) {
    case ValueKind::kInteger:
      if (source == "smallint" || source == "int2") return "SMALLINT";
      if (source == "integer" || source == "int" || source == "int4") return "INTEGER";
      return "BIGINT";
    case ValueKind::kNumeric: {
      int p = 0, s = 0;
      if (NumericPrecision(source, &p, &s)) {
        return "DECIMAL(" + std::to_string(p) + "," + std::to_string(s) + ")";
      }
      return "DECIMAL(38,10)";
    }
    case ValueKind::kFloat:
      if (source == "real" || source == "float4") return rs ? "REAL" : "FLOAT";
      return rs ? "DOUBLE PRECISION" : "DOUBLE";
    case ValueKind::kBoolean:
      return "BOOLEAN";
    case ValueKind::kTimestamp:
      if (HasZone(source)) return rs ? "TIMESTAMPTZ" : "TIMESTAMP";
      return rs ? "TIMESTAMP" : "TIMESTAMP_NTZ";
    case ValueKind::kDate:
      return "DATE";
    case ValueKind::kString:
    case ValueKind::kJson:
    case ValueKind::kBytes:
      return rs ? "VARCHAR(65535)" : "STRING";
  }
  return rs ? "VARCHAR(65535)" : "STRING";
}

std::string CreateTableSql(Dialect dialect, const TableName& t, const Schema& schema) {
  std::vector<std::string> cols;
  for (const Column& c : schema) {
    cols.push_back(QuoteIdent(dialect, ColumnName(dialect, c.name)) + " " + ColumnType(dialect, c));
  }
  return "CREATE TABLE IF NOT EXISTS " + QualifiedName(dialect, t) + " (" + Join(cols, ", ") + ")";
}

std::vector<std::string> AddColumnsSql(Dialect dialect, const TableName& t, const Schema& schema,
                                       const std::vector<std::string>& existing_columns) {
  std::vector<std::string> missing;
  for (const Column& c : schema) {
    bool found = false;
    for (const std::string& e : existing_columns) {
      found = found || EqualsIgnoreCase(e, c.name);
    }
    if (!found) {
      missing.push_back(QuoteIdent(dialect, ColumnName(dialect, c.name)) + " " +
                        ColumnType(dialect, c));
    }
  }
  std::vector<std::string> out;
  if (missing.empty()) return out;
  std::string table = QualifiedName(dialect, t);
  if (dialect == Dialect::kDatabricks) {
    out.push_back("ALTER TABLE " + table + " ADD COLUMNS (" + Join(missing, ", ") + ")");
  } else {
    for (const std::string& m : missing) out.push_back("ALTER TABLE " + table + " ADD COLUMN " + m);
  }
  return out;
}

std::string RedshiftCopySql(const std::string& target_sql, const Schema& schema,
                            const RedshiftCopy& copy) {
  std::string sql = "COPY " + target_sql + " (" +
                    Join(QuotedColumns(Dialect::kRedshift, schema), ", ") + ") FROM " +
                    QuoteLiteral(copy.s3_prefix_uri) + " IAM_ROLE " + QuoteLiteral(copy.iam_role) +
                    " FORMAT AS JSON 'auto ignorecase' TIMEFORMAT 'auto' DATEFORMAT 'auto'";
  if (!copy.compression.empty()) sql += " " + copy.compression;
  if (!copy.region.empty()) sql += " REGION " + QuoteLiteral(copy.region);
  return sql;
}

std::string DatabricksCopyIntoSql(const std::string& target_sql, const std::string& s3_prefix_uri,
                                  const std::string& credential, bool force) {
  std::string sql = "COPY INTO " + target_sql + " FROM " + QuoteLiteral(s3_prefix_uri);
  if (!credential.empty()) {
    sql += " WITH (CREDENTIAL " + QuoteIdent(Dialect::kDatabricks, credential) + ")";
  }
  sql += " FILEFORMAT = JSON COPY_OPTIONS ('mergeSchema' = 'false'";
  if (force) sql += ", 'force' = 'true'";
  return sql + ")";
}

std::vector<std::string> MergeSql(Dialect dialect, const std::string& target_sql,
                                  const std::string& stage_sql, const Schema& schema,
                                  const std::vector<std::string>& keys) {
  std::vector<std::string> cols = QuotedColumns(dialect, schema);
  std::vector<std::string> on;
  for (const std::string& k : keys) {
    std::string q = QuoteIdent(dialect, ColumnName(dialect, k));
    on.push_back("t." + q + " = s." + q);
  }
  std::vector<std::string> out;
  if (dialect == Dialect::kRedshift) {
    // Redshift's DELETE ... USING cannot alias the target, so the predicate names it in full.
    std::vector<std::string> where;
    for (const std::string& k : keys) {
      std::string q = QuoteIdent(dialect, ColumnName(dialect, k));
      where.push_back(target_sql + "." + q + " = s." + q);
    }
    out.push_back("DELETE FROM " + target_sql + " USING " + stage_sql + " s WHERE " +
                  Join(where, " AND "));
    out.push_back("INSERT INTO " + target_sql + " (" + Join(cols, ", ") + ") SELECT " +
                  Join(cols, ", ") + " FROM " + stage_sql);
    return out;
  }
  std::vector<std::string> set, values;
  for (const std::string& c : cols) {
    set.push_back(c + " = s." + c);
    values.push_back("s." + c);
  }
  out.push_back("MERGE INTO " + target_sql + " AS t USING " + stage_sql + " AS s ON " +
                Join(on, " AND ") + " WHEN MATCHED THEN UPDATE SET " + Join(set, ", ") +
                " WHEN NOT MATCHED THEN INSERT (" + Join(cols, ", ") + ") VALUES (" +
                Join(values, ", ") + ")");
  return out;
}

std::string RedshiftUnloadSql(std::string_view query, const std::string& s3_prefix_uri,
                              const std::string& iam_role, const std::string& region) {
  std::string sql = "UNLOAD (" + QuoteLiteral(query) + ") TO " + QuoteLiteral(s3_prefix_uri) +
                    " IAM_ROLE " + QuoteLiteral(iam_role) +
                    " DELIMITER AS '|' NULL AS '\\N' ESCAPE ZSTD ALLOWOVERWRITE PARALLEL ON";
  if (!region.empty()) sql += " REGION " + QuoteLiteral(region);
  return sql;
}

namespace {

std::string AfterCondition(const std::string& column, const std::optional<std::string>& after) {
  if (!after) return "";
  return QuoteIdent(Dialect::kRedshift, ColumnName(Dialect::kRedshift, column)) + " > " +
         QuoteLiteral(*after);
}

}  // namespace

std::string CursorEndSql(std::string_view base, const std::string& column,
                         const std::optional<std::string>& after) {
  std::string col = QuoteIdent(Dialect::kRedshift, ColumnName(Dialect::kRedshift, column));
  std::string where = AfterCondition(column, after);
  return "SELECT max(" + col + ")::varchar FROM (" + std::string(base) + ") AS crossdock_c" +
         (where.empty() ? "" : " WHERE " + where);
}

std::string CursorReadSql(std::string_view base, const std::string& column,
                          const std::optional<std::string>& after,
                          const std::optional<std::string>& end) {
  std::string from = "SELECT * FROM (" + std::string(base) + ") AS crossdock_c";
  if (!end) return from + " WHERE false";
  std::string col = QuoteIdent(Dialect::kRedshift, ColumnName(Dialect::kRedshift, column));
  std::string where = AfterCondition(column, after);
  return from + " WHERE " + (where.empty() ? "" : where + " AND ") + col +
         " <= " + QuoteLiteral(*end) + " ORDER BY " + col;
}

std::string CreateLoadLogSql(Dialect dialect, const TableName& log) {
  bool rs = dialect == Dialect::kRedshift;
  std::string text = rs ? "VARCHAR(1024)" : "STRING";
  return "CREATE TABLE IF NOT EXISTS " + QualifiedName(dialect, log) + " (run_id " + text +
         ", sync_id " + text + ", target_table " + text +
         ", row_count BIGINT, byte_count BIGINT, file_count BIGINT, cursor_value " + text +
         ", loaded_at " + (rs ? "TIMESTAMP" : "TIMESTAMP") + ")";
}

std::string InsertLoadRecordSql(Dialect dialect, const TableName& log, const LoadRecord& r) {
  return "INSERT INTO " + QualifiedName(dialect, log) +
         " (run_id, sync_id, target_table, row_count, byte_count, file_count, cursor_value, "
         "loaded_at) VALUES (" +
         QuoteLiteral(r.run_id) + ", " + QuoteLiteral(r.sync_id) + ", " + QuoteLiteral(r.target) +
         ", " + std::to_string(r.rows) + ", " + std::to_string(r.bytes) + ", " +
         std::to_string(r.files) + ", " + (r.cursor.empty() ? "NULL" : QuoteLiteral(r.cursor)) +
         ", CURRENT_TIMESTAMP)";
}

std::string SelectLoadRecordSql(Dialect dialect, const TableName& log, const std::string& run_id,
                                const std::string& target) {
  return "SELECT row_count, byte_count, file_count, cursor_value FROM " +
         QualifiedName(dialect, log) + " WHERE run_id = " + QuoteLiteral(run_id) +
         " AND target_table = " + QuoteLiteral(target);
}

}  // namespace crossdock::sync::warehouse
