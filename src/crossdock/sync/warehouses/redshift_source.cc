#include "crossdock/sync/warehouses/redshift_source.h"

#include "crossdock/core/ascii.h"
#include "crossdock/sync/destinations/destination.h"
#include "crossdock/sync/sources/file_store.h"
#include "crossdock/sync/warehouses/redshift_destination.h"
#include "crossdock/sync/warehouses/warehouse_sql.h"

namespace crossdock::sync::warehouse {

namespace rs = aws::redshift;

RedshiftColumnMapping MapRedshiftType(const rs::ColumnMetadata& meta) {
  RedshiftColumnMapping m;
  m.column.name = meta.name.empty() ? meta.label : meta.name;
  std::string t = Lower(meta.type_name);
  m.column.source_type = t;
  if (t == "int2" || t == "int4" || t == "int8" || t == "smallint" || t == "integer" ||
      t == "bigint") {
    m.column.kind = ValueKind::kInteger;
  } else if (t == "numeric" || t == "decimal") {
    m.column.kind = ValueKind::kNumeric;
    if (meta.precision > 0 && meta.precision <= 38) {
      m.column.source_type =
          "numeric(" + std::to_string(meta.precision) + "," + std::to_string(meta.scale) + ")";
    }
  } else if (t == "float4" || t == "float8" || t == "real" || t == "double precision" ||
             t == "float") {
    m.column.kind = ValueKind::kFloat;
  } else if (t == "bool" || t == "boolean") {
    m.column.kind = ValueKind::kBoolean;
    m.conversion = PgConversion::kBoolean;
  } else if (t == "timestamptz" || t == "timestamp with time zone") {
    m.column.kind = ValueKind::kTimestamp;
    m.column.source_type = "timestamptz";
    m.conversion = PgConversion::kTimestampTz;
  } else if (t == "timestamp" || t == "timestamp without time zone") {
    m.column.kind = ValueKind::kTimestamp;
    m.conversion = PgConversion::kTimestamp;
  } else if (t == "date") {
    m.column.kind = ValueKind::kDate;
  } else if (t == "super" || t == "json" || t == "jsonb") {
    m.column.kind = ValueKind::kJson;
  } else {
    m.column.kind = ValueKind::kString;
  }
  return m;
}

Status AppendUnloadRecord(std::string_view record, char delimiter,
                          const std::vector<PgConversion>& conversions, RowBatch& batch) {
  thread_local std::string field;
  size_t col = 0;
  size_t i = 0;
  for (;;) {
    // One raw field: up to an unescaped delimiter or the end.
    size_t start = i;
    bool escaped = false;
    field.clear();
    while (i < record.size() && record[i] != delimiter) {
      if (record[i] == '\\') {
        if (i + 1 == record.size()) {
          batch.AbandonRow();
          return Error(ErrorCode::kDataLoss, "an unloaded record ends with a lone backslash");
        }
        escaped = true;
        field.push_back(record[i + 1]);
        i += 2;
      } else {
        field.push_back(record[i++]);
      }
    }
    std::string_view raw = record.substr(start, i - start);
    if (col >= conversions.size()) {
      batch.AbandonRow();
      return Error(ErrorCode::kDataLoss, "an unloaded record has more fields than the query's " +
                                             std::to_string(conversions.size()) + " columns");
    }
    if (escaped && raw == "\\N") {
      batch.AddNull();
    } else {
      Status added = AppendConverted(batch, field, conversions[col]);
      if (!added.ok()) {
        batch.AbandonRow();
        return added;
      }
    }
    ++col;
    if (i >= record.size()) break;
    ++i;  // the delimiter
  }
  if (col != conversions.size()) {
    batch.AbandonRow();
    return Error(ErrorCode::kDataLoss, "an unloaded record has " + std::to_string(col) +
                                           " fields for " + std::to_string(conversions.size()) +
                                           " columns");
  }
  batch.EndRow();
  return OkStatus();
}

std::string RedshiftSource::Describe() const {
  std::string what = o_.table.empty() ? "query" : "table " + o_.table;
  return "Redshift " + what + " in " + o_.target.Describe() +
         (o_.unload ? " (unloaded to " + o_.unload_bucket->scope().ToString() + ")" : "");
}

std::string RedshiftSource::Sql() const {
  if (!o_.query.empty()) return o_.query;
  auto name = ParseTableName(Dialect::kRedshift, o_.table, "source.table");
  return "SELECT * FROM " + QualifiedName(Dialect::kRedshift, *name);
}

std::string RedshiftSource::UnloadFolder() const {
  return StagingFolder(o_.run_id.empty() ? "adhoc" : o_.run_id) + "unload/";
}

Status RedshiftSource::ClearUnloadFolder() {
  ASSIGN_OR_RETURN(auto objects, o_.unload_bucket->List(UnloadFolder()));
  if (objects.empty()) return OkStatus();
  std::vector<std::string> keys;
  for (const auto& obj : objects) keys.push_back(obj.key);
  ASSIGN_OR_RETURN(auto deleted, o_.unload_bucket->DeleteMany(keys));
  if (!deleted.errors.empty()) {
    return Error(ErrorCode::kAccessDenied,
                 "cannot delete unloaded file " + deleted.errors[0].key + " (" +
                     deleted.errors[0].code +
                     "); the role needs s3:DeleteObject on the unload "
                     "bucket/path",
                 "redshift.unload.bucket");
  }
  return OkStatus();
}

Result<Schema> RedshiftSource::Open() {
  if (!o_.table.empty())
    RETURN_IF_ERROR(ParseTableName(Dialect::kRedshift, o_.table, "source.table"));
  if (o_.unload && !o_.unload_bucket) {
    return Error(ErrorCode::kInvalidArgument,
                 "source.unload: the connection has no unload bucket; turn on \"unload data to "
                 "S3\" with a bucket in the workgroup's region",
                 "source.unload");
  }
  std::string sql = Sql();
  rs::ExecuteStatementParams p;
  p.target = o_.target.target;
  p.statement_name = "crossdock columns " + o_.run_id;
  p.sql = "SELECT * FROM (" + sql + ") AS crossdock_q LIMIT 0";
  auto meta = o_.target.data->Query(p, o_.target.poll);
  if (!meta.ok())
    return std::move(meta).error().WithContext("reading the columns of " + Describe());
  Schema schema;
  conversions_.clear();
  for (const auto& c : meta->columns) {
    RedshiftColumnMapping m = MapRedshiftType(c);
    schema.push_back(m.column);
    conversions_.push_back(m.conversion);
  }
  if (!o_.cursor_column.empty()) {
    if (FindColumnIgnoringCase(schema, o_.cursor_column) < 0) {
      return Error(
          ErrorCode::kInvalidArgument,
          "incremental cursor column \"" + o_.cursor_column + "\" is not a column of " + Describe(),
          "incremental.cursor_column");
    }
    p.statement_name = "crossdock cursor " + o_.run_id;
    p.sql = CursorEndSql(sql, o_.cursor_column, o_.cursor_after);
    ASSIGN_OR_RETURN(auto end, o_.target.data->Query(p, o_.target.poll));
    if (!end.rows.empty() && !end.rows[0].empty() && !end.rows[0][0].is_null()) {
      end_cursor_ = end.rows[0][0].ToText();
    }
    sql = CursorReadSql(sql, o_.cursor_column, o_.cursor_after, end_cursor_);
  }
  if (!o_.unload) {
    p.statement_name = "crossdock read " + o_.run_id;
    p.sql = sql;
    ASSIGN_OR_RETURN(auto submitted, o_.target.data->ExecuteStatement(p));
    statement_id_ = submitted.id;
    ASSIGN_OR_RETURN(auto done, o_.target.data->WaitForStatement(statement_id_, o_.target.poll));
    pages_done_ = !done.has_result_set;
    return schema;
  }
  RETURN_IF_ERROR(CheckStagingRegion(
      *o_.unload_bucket, o_.unload_region.empty() ? o_.target.region : o_.unload_region));
  RETURN_IF_ERROR(ClearUnloadFolder());
  ASSIGN_OR_RETURN(std::string folder_key, o_.unload_bucket->ResolvePrefix(UnloadFolder()));
  std::string uri = "s3://" + o_.unload_bucket->scope().bucket + "/" + folder_key;
  p.statement_name = "crossdock unload " + o_.run_id;
  p.sql = RedshiftUnloadSql(sql, uri, o_.target.iam_role,
                            o_.unload_region.empty() ? o_.target.region : o_.unload_region);
  unloaded_ = true;  // from here on Close() deletes what UNLOAD may have written
  auto unload = o_.target.data->Run(p, o_.target.poll);
  if (!unload.ok()) return std::move(unload).error().WithContext("unloading to " + uri);
  ASSIGN_OR_RETURN(auto objects, o_.unload_bucket->List(UnloadFolder()));
  for (const auto& obj : objects) {
    std::string base = obj.key.substr(obj.key.rfind('/') + 1);
    if (base == "manifest") continue;
    files_.push_back(obj.key);
  }
  return schema;
}

Result<bool> RedshiftSource::Next(RowBatch& batch, size_t max_rows) {
  return o_.unload ? NextFromFiles(batch, max_rows) : NextFromPages(batch, max_rows);
}

Result<bool> RedshiftSource::NextFromPages(RowBatch& batch, size_t max_rows) {
  size_t added = 0;
  while (added < max_rows) {
    if (!page_ || page_row_ >= page_->records.size()) {
      if (pages_done_) break;
      std::string token = page_ ? page_->next_token : std::string();
      ASSIGN_OR_RETURN(auto page, o_.target.data->GetStatementResultPage(statement_id_, token));
      page_ = std::move(page);
      page_row_ = 0;
      pages_done_ = page_->next_token.empty();
      continue;
    }
    const rs::Row& row = page_->records[page_row_++];
    for (size_t c = 0; c < conversions_.size(); ++c) {
      if (c >= row.size() || row[c].is_null()) {
        batch.AddNull();
        continue;
      }
      Status s = AppendConverted(batch, row[c].ToText(), conversions_[c]);
      if (!s.ok()) {
        batch.AbandonRow();
        return std::move(s).error();
      }
    }
    batch.EndRow();
    ++added;
  }
  return added > 0;
}

Result<bool> RedshiftSource::NextRecord() {
  for (;;) {
    if (file_eof_) {
      if (next_file_ >= files_.size()) return false;
      const std::string& key = files_[next_file_++];
      if (!files_store_) files_store_ = MakeS3FileStore(o_.unload_bucket);
      ASSIGN_OR_RETURN(raw_, files_store_->Open(key));
      Compression c = Compression::kNone;
      if (key.ends_with(".zst")) c = Compression::kZstd;
      if (key.ends_with(".gz")) c = Compression::kGzip;
      ASSIGN_OR_RETURN(plain_, DecompressingStream::Make(*raw_, c));
      buf_.clear();
      buf_pos_ = 0;
      file_eof_ = false;
    }
    // A record ends at an LF that no backslash escapes; spans between refills are appended
    // whole.
    record_.clear();
    bool in_escape = false;
    for (;;) {
      if (buf_pos_ >= buf_.size()) {
        buf_.resize(1 << 16);
        ASSIGN_OR_RETURN(size_t n, plain_->Read(buf_.data(), buf_.size()));
        buf_.resize(n);
        buf_pos_ = 0;
        if (n == 0) {
          file_eof_ = true;
          if (!record_.empty()) return true;  // a last record without its LF
          break;
        }
      }
      size_t i = buf_pos_;
      for (; i < buf_.size(); ++i) {
        char ch = buf_[i];
        if (in_escape) {
          in_escape = false;
        } else if (ch == '\\') {
          in_escape = true;
        } else if (ch == '\n') {
          break;
        }
      }
      record_.append(buf_, buf_pos_, i - buf_pos_);
      buf_pos_ = i;
      if (i < buf_.size()) {
        ++buf_pos_;  // the LF
        return true;
      }
    }
  }
}

Result<bool> RedshiftSource::NextFromFiles(RowBatch& batch, size_t max_rows) {
  size_t added = 0;
  while (added < max_rows) {
    ASSIGN_OR_RETURN(bool got, NextRecord());
    if (!got) break;
    RETURN_IF_ERROR(AppendUnloadRecord(record_, '|', conversions_, batch));
    ++added;
  }
  return added > 0;
}

Status RedshiftSource::Close() {
  plain_.reset();
  raw_.reset();
  if (!statement_id_.empty() && !pages_done_) {
    (void)o_.target.data->CancelStatement(statement_id_);  // a run stopped mid-result
  }
  if (unloaded_) return ClearUnloadFolder();
  return OkStatus();
}

int FindColumnIgnoringCase(const Schema& schema, std::string_view name) {
  for (size_t i = 0; i < schema.size(); ++i) {
    if (EqualsIgnoreCase(schema[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace crossdock::sync::warehouse
