#include "crossdock/sync/warehouses/databricks_destination.h"

#include "crossdock/core/ascii.h"

namespace crossdock::sync::warehouse {

namespace dbx = databricks;

std::string DatabricksDestination::Describe() const {
  return "Databricks table " + load_.table.catalog + "." + load_.table.schema + "." +
         load_.table.table + " (" + target_.client->Describe() + "), staging in " +
         staging_.bucket().scope().ToString();
}

Result<dbx::StatementResult> DatabricksDestination::Sql(const RunInfo& run,
                                                        const std::string& sql) const {
  dbx::StatementRequest req;
  req.statement = sql;
  dbx::PollOptions poll = target_.poll;
  poll.cancelled = run.cancelled;
  return target_.client->Execute(req, poll);
}

std::string DatabricksDestination::LogName() const {
  return load_.table.catalog + "." + load_.table.schema + "." + load_.table.table;
}

TableName DatabricksDestination::StageTable(const RunInfo& run) const {
  std::string id;
  for (char c : run.run_id) id.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return Sibling(load_.table, load_.table.table + "__crossdock_" + Lower(id));
}

Status DatabricksDestination::Prepare(const RunInfo& run) {
  if (load_.mode == LoadMode::kReplace) {
    return Error(ErrorCode::kInvalidArgument,
                 "destination.mode: replace is not offered for Databricks (it cannot be made "
                 "atomic across statements); use merge with merge_keys, or append",
                 "destination.mode");
  }
  if (load_.mode == LoadMode::kMerge) RETURN_IF_ERROR(CheckMergeKeys(load_, run.schema));
  RETURN_IF_ERROR(staging_.Probe(run.run_id));
  RETURN_IF_ERROR(staging_.Clear(run.run_id));
  auto log = Sql(run, CreateLoadLogSql(Dialect::kDatabricks, Sibling(load_.table, kLoadLogTable)));
  if (!log.ok()) {
    return std::move(log).error().WithContext("creating the load log in " + load_.table.catalog +
                                              "." + load_.table.schema);
  }
  auto probe =
      Sql(run, "SELECT * FROM " + QualifiedName(Dialect::kDatabricks, load_.table) + " LIMIT 0");
  existing_columns_.clear();
  table_exists_ = probe.ok();
  if (probe.ok()) {
    for (const auto& c : probe->columns) existing_columns_.push_back(c.name);
  } else if (probe.error().code() != ErrorCode::kNotFound &&
             probe.error().message().find("TABLE_OR_VIEW_NOT_FOUND") == std::string::npos) {
    return std::move(probe).error().WithContext("reading table " + load_.table.catalog + "." +
                                                load_.table.schema + "." + load_.table.table);
  }
  return OkStatus();
}

Result<std::optional<Manifest>> DatabricksDestination::FindCommitted(const RunInfo& run) {
  ASSIGN_OR_RETURN(auto r, Sql(run, SelectLoadRecordSql(Dialect::kDatabricks,
                                                        Sibling(load_.table, kLoadLogTable),
                                                        run.run_id, LogName())));
  if (r.rows.empty()) return std::optional<Manifest>();
  const dbx::Row& row = r.rows[0];
  auto num = [&](size_t i) -> uint64_t {
    return i < row.size() && row[i] ? std::stoull(*row[i]) : 0;
  };
  std::optional<std::string> cursor;
  if (row.size() > 3 && row[3]) cursor = *row[3];
  Manifest m = CommittedManifest(run, *StagingEncoding(), num(0), num(1), std::move(cursor));
  return std::optional<Manifest>(std::move(m));
}

Result<std::unique_ptr<StagedFileWriter>> DatabricksDestination::StageFile(
    const RunInfo& run, const std::string& name) {
  return staging_.OpenFile(run.run_id, name, FormatContentType(Format::kJsonLines), run.cancelled);
}

Result<CommitResult> DatabricksDestination::Commit(const RunInfo& run, const Manifest& manifest) {
  const Dialect d = Dialect::kDatabricks;
  CommitResult result;
  result.manifest_location = target_.client->options().host + "#" + load_.table.catalog + "." +
                             load_.table.schema + "." + kLoadLogTable + "/" + run.run_id;
  ASSIGN_OR_RETURN(auto committed, FindCommitted(run));
  if (committed) {
    result.manifest = std::move(*committed);
    return result;
  }
  result.manifest = manifest;
  std::string table = QualifiedName(d, load_.table);
  std::vector<std::string> sqls;
  if (!table_exists_) {
    sqls.push_back(CreateTableSql(d, load_.table, manifest.columns));
  } else {
    for (auto& s : AddColumnsSql(d, load_.table, manifest.columns, existing_columns_)) {
      sqls.push_back(std::move(s));
    }
  }
  std::string uri = staging_.Uri(run.run_id);
  if (!manifest.files.empty()) {
    if (load_.mode == LoadMode::kMerge) {
      std::string stage = QualifiedName(d, StageTable(run));
      sqls.push_back("DROP TABLE IF EXISTS " + stage);
      sqls.push_back(CreateTableSql(d, StageTable(run), manifest.columns));
      sqls.push_back(DatabricksCopyIntoSql(stage, uri, target_.credential, /*force=*/true));
      for (auto& s : MergeSql(d, table, stage, manifest.columns, load_.merge_keys)) {
        sqls.push_back(std::move(s));
      }
      sqls.push_back("DROP TABLE IF EXISTS " + stage);
    } else {
      sqls.push_back(DatabricksCopyIntoSql(table, uri, target_.credential, /*force=*/false));
    }
  }
  LoadRecord rec{run.run_id,
                 run.sync_id,
                 LogName(),
                 manifest.rows,
                 manifest.bytes,
                 manifest.files.size(),
                 manifest.cursor.value_or("")};
  sqls.push_back(InsertLoadRecordSql(d, Sibling(load_.table, kLoadLogTable), rec));
  for (const std::string& sql : sqls) {
    auto done = Sql(run, sql);
    if (!done.ok()) {
      return std::move(done).error().WithContext("loading " + load_.table.catalog + "." +
                                                 load_.table.schema + "." + load_.table.table +
                                                 " from " + uri);
    }
  }
  return result;
}

Status DatabricksDestination::Cleanup(const RunInfo& run) {
  Status cleared = staging_.Clear(run.run_id);
  if (load_.mode == LoadMode::kMerge) {
    // A merge that failed half-way leaves its staging table; the run's retry drops it too.
    RunInfo quiet = run;
    quiet.cancelled = nullptr;
    auto dropped =
        Sql(quiet, "DROP TABLE IF EXISTS " + QualifiedName(Dialect::kDatabricks, StageTable(run)));
    if (cleared.ok() && !dropped.ok()) return std::move(dropped).error();
  }
  return cleared;
}

Result<SweepReport> DatabricksDestination::SweepStaging(
    const std::function<bool(const std::string& run_id)>& is_active) {
  return staging_.Sweep(is_active);
}

}  // namespace crossdock::sync::warehouse
