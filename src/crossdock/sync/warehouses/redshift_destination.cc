#include "crossdock/sync/warehouses/redshift_destination.h"

#include "crossdock/core/ascii.h"

namespace crossdock::sync::warehouse {

namespace rs = aws::redshift;

Status CheckMergeKeys(const TableLoad& load, const Schema& schema) {
  if (load.mode != LoadMode::kMerge) return OkStatus();
  if (load.merge_keys.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "destination.merge_keys: merge mode needs the columns that identify a row, "
                 "e.g. [\"id\"]",
                 "destination.merge_keys");
  }
  for (const std::string& key : load.merge_keys) {
    bool found = false;
    for (const Column& c : schema) found = found || EqualsIgnoreCase(c.name, key);
    if (!found) {
      return Error(ErrorCode::kInvalidArgument,
                   "destination.merge_keys: the source has no column \"" + key +
                       "\"; name columns the source returns",
                   "destination.merge_keys");
    }
  }
  return OkStatus();
}

Manifest CommittedManifest(const RunInfo& run, FileEncoding encoding, uint64_t rows, uint64_t bytes,
                           std::optional<std::string> cursor) {
  Manifest m;
  m.sync_id = run.sync_id;
  m.run_id = run.run_id;
  m.format = encoding.format;
  m.compression = encoding.compression;
  m.columns = run.schema;
  m.rows = rows;
  m.bytes = bytes;
  m.cursor = std::move(cursor);
  return m;
}

Status CheckStagingRegion(aws::s3::ScopedBucket& bucket, const std::string& region) {
  ASSIGN_OR_RETURN(std::string located, bucket.GetBucketLocation());
  if (located.empty()) located = "us-east-1";  // GetBucketLocation's empty constraint
  std::string want = region.empty() ? "us-east-1" : region;
  if (located != want) {
    return Error(ErrorCode::kFailedPrecondition,
                 "the staging bucket " + bucket.scope().bucket + " is in " + located +
                     " but the workgroup is in " + want +
                     "; Redshift loads and unloads only through a bucket in its own region: "
                     "pick a staging bucket in " +
                     want,
                 "bucket");
  }
  return OkStatus();
}

std::string RedshiftDestination::Describe() const {
  return "Redshift table " + load_.table.schema + "." + load_.table.table + " in " +
         target_.Describe() + ", staging in " + staging_.bucket().scope().ToString();
}

std::string RedshiftDestination::Qualified() const {
  return QualifiedName(Dialect::kRedshift, load_.table);
}

rs::PollOptions RedshiftDestination::Poll(const RunInfo& run) const {
  rs::PollOptions p = target_.poll;
  p.cancelled = run.cancelled;
  return p;
}

Status RedshiftDestination::Prepare(const RunInfo& run) {
  if (load_.mode == LoadMode::kMerge) RETURN_IF_ERROR(CheckMergeKeys(load_, run.schema));
  RETURN_IF_ERROR(CheckStagingRegion(staging_.bucket(), target_.region));
  RETURN_IF_ERROR(staging_.Probe(run.run_id));
  RETURN_IF_ERROR(staging_.Clear(run.run_id));
  rs::ExecuteStatementParams p;
  p.target = target_.target;
  p.statement_name = "crossdock prepare " + run.run_id;
  p.sql = CreateLoadLogSql(Dialect::kRedshift, Sibling(load_.table, kLoadLogTable));
  auto created = target_.data->Run(p, Poll(run));
  if (!created.ok()) {
    return std::move(created).error().WithContext("creating the load log in schema " +
                                                  load_.table.schema + " of " + target_.Describe());
  }
  rs::CatalogQuery q;
  q.target = target_.target;
  q.schema = load_.table.schema;
  q.table = load_.table.table;
  ASSIGN_OR_RETURN(auto columns, target_.data->DescribeTable(q));
  existing_columns_.clear();
  for (const auto& c : columns) existing_columns_.push_back(c.name);
  return OkStatus();
}

Result<std::optional<Manifest>> RedshiftDestination::FindCommitted(const RunInfo& run) {
  rs::ExecuteStatementParams p;
  p.target = target_.target;
  p.statement_name = "crossdock find " + run.run_id;
  p.sql = SelectLoadRecordSql(Dialect::kRedshift, Sibling(load_.table, kLoadLogTable), run.run_id,
                              load_.table.schema + "." + load_.table.table);
  ASSIGN_OR_RETURN(rs::StatementResult r, target_.data->Query(p, Poll(run)));
  if (r.rows.empty()) return std::optional<Manifest>();
  const rs::Row& row = r.rows[0];
  auto num = [&](size_t i) -> uint64_t {
    if (i >= row.size() || row[i].is_null()) return 0;
    return static_cast<uint64_t>(std::stoull(row[i].ToText()));
  };
  std::optional<std::string> cursor;
  if (row.size() > 3 && !row[3].is_null()) cursor = row[3].ToText();
  Manifest m = CommittedManifest(run, *StagingEncoding(), num(0), num(1), std::move(cursor));
  return std::optional<Manifest>(std::move(m));
}

Result<std::unique_ptr<StagedFileWriter>> RedshiftDestination::StageFile(const RunInfo& run,
                                                                         const std::string& name) {
  return staging_.OpenFile(run.run_id, name, FormatContentType(Format::kJsonLines), run.cancelled);
}

std::vector<std::string> RedshiftDestination::CommitStatements(const RunInfo& run,
                                                               const Manifest& manifest) const {
  const Dialect d = Dialect::kRedshift;
  std::string table = Qualified();
  std::vector<std::string> sqls;
  if (existing_columns_.empty()) {
    sqls.push_back(CreateTableSql(d, load_.table, manifest.columns));
  } else {
    for (auto& s : AddColumnsSql(d, load_.table, manifest.columns, existing_columns_)) {
      sqls.push_back(std::move(s));
    }
  }
  RedshiftCopy copy;
  copy.s3_prefix_uri = staging_.Uri(run.run_id);
  copy.iam_role = target_.iam_role;
  copy.region = target_.region;
  switch (load_.mode) {
    case LoadMode::kReplace:
      sqls.push_back("DELETE FROM " + table);
      [[fallthrough]];
    case LoadMode::kAppend:
      sqls.push_back(RedshiftCopySql(table, manifest.columns, copy));
      break;
    case LoadMode::kMerge: {
      std::string stage = QuoteIdent(d, "crossdock_stage_" + Lower(run.run_id.substr(0, 40)));
      sqls.push_back("CREATE TEMP TABLE " + stage + " (LIKE " + table + ")");
      sqls.push_back(RedshiftCopySql(stage, manifest.columns, copy));
      for (auto& s : MergeSql(d, table, stage, manifest.columns, load_.merge_keys)) {
        sqls.push_back(std::move(s));
      }
      sqls.push_back("DROP TABLE " + stage);
      break;
    }
  }
  LoadRecord rec;
  rec.run_id = run.run_id;
  rec.sync_id = run.sync_id;
  rec.target = load_.table.schema + "." + load_.table.table;
  rec.rows = manifest.rows;
  rec.bytes = manifest.bytes;
  rec.files = manifest.files.size();
  rec.cursor = manifest.cursor.value_or("");
  sqls.push_back(InsertLoadRecordSql(d, Sibling(load_.table, kLoadLogTable), rec));
  return sqls;
}

Result<CommitResult> RedshiftDestination::Commit(const RunInfo& run, const Manifest& manifest) {
  CommitResult result;
  result.manifest_location = "redshift-serverless://" + target_.target.workgroup_name + "/" +
                             target_.target.database + "/" + load_.table.schema + "." +
                             kLoadLogTable + "#" + run.run_id;
  ASSIGN_OR_RETURN(auto committed, FindCommitted(run));
  if (committed) {
    result.manifest = std::move(*committed);
    return result;
  }
  result.manifest = manifest;
  if (manifest.files.empty()) {
    // COPY of an empty prefix fails; an empty run still creates the table and logs the load.
    std::vector<std::string> sqls;
    if (existing_columns_.empty()) {
      sqls.push_back(CreateTableSql(Dialect::kRedshift, load_.table, manifest.columns));
    }
    if (load_.mode == LoadMode::kReplace) sqls.push_back("DELETE FROM " + Qualified());
    LoadRecord rec{run.run_id,
                   run.sync_id,
                   load_.table.schema + "." + load_.table.table,
                   0,
                   0,
                   0,
                   manifest.cursor.value_or("")};
    sqls.push_back(
        InsertLoadRecordSql(Dialect::kRedshift, Sibling(load_.table, kLoadLogTable), rec));
    rs::BatchExecuteStatementParams b{target_.target, sqls, "crossdock load " + run.run_id};
    RETURN_IF_ERROR(target_.data->RunBatch(b, Poll(run)));
    return result;
  }
  rs::BatchExecuteStatementParams b;
  b.target = target_.target;
  b.sqls = CommitStatements(run, manifest);
  b.statement_name = "crossdock load " + run.run_id;
  if (b.sqls.size() > 40) {
    return Error(ErrorCode::kInvalidArgument,
                 "the load needs " + std::to_string(b.sqls.size()) +
                     " statements (the Data API runs at most 40 in one transaction); add the "
                     "missing columns to " +
                     Qualified() + " first",
                 "destination.table");
  }
  auto done = target_.data->RunBatch(b, Poll(run));
  if (!done.ok()) {
    return std::move(done).error().WithContext("loading " + Qualified() + " from " +
                                               staging_.Uri(run.run_id));
  }
  return result;
}

Status RedshiftDestination::Cleanup(const RunInfo& run) { return staging_.Clear(run.run_id); }

Result<SweepReport> RedshiftDestination::SweepStaging(
    const std::function<bool(const std::string& run_id)>& is_active) {
  return staging_.Sweep(is_active);
}

}  // namespace crossdock::sync::warehouse
