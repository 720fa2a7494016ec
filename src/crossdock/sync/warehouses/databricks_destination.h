// DatabricksDestination: a sync's rows into a Unity Catalog table, through S3 staging.
//
// The run's files are staged as JSON Lines + gzip under `_crossdock/staging/<run>/` in the
// connection's staging bucket/path with the customer role, then Commit() runs, through the
// SQL Statement Execution API on the connection's SQL warehouse:
//   CREATE TABLE IF NOT EXISTS (or ALTER TABLE ... ADD COLUMNS for new source columns)
//   append  COPY INTO table FROM 's3://.../staging/<run>/' WITH (CREDENTIAL `name`)
//           FILEFORMAT = JSON          (no credential: the external location of the path)
//   merge   COPY INTO a per-run staging table, MERGE INTO the target on the merge keys,
//           DROP the staging table
// then inserts the run's row into the load log `<catalog>.<schema>.crossdock_loads`, which
// FindCommitted() reads. Databricks has no transaction across statements, so exactly-once
// rests on two things: the load log, and COPY INTO's own rule that a file already loaded
// into a table is skipped, so a commit retried after any failure never loads a staged file
// twice. The one window left is a worker that dies between the load and the log insert: the
// run's next attempt stages new files and loads them again (append mode then holds the rows
// twice; merge mode is unaffected). Replace mode is refused: it cannot be made atomic here.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "crossdock/databricks/statement_client.h"
#include "crossdock/sync/destinations/destination.h"
#include "crossdock/sync/destinations/s3_staging.h"
#include "crossdock/sync/warehouses/redshift_destination.h"
#include "crossdock/sync/warehouses/warehouse_sql.h"

namespace crossdock::sync::warehouse {

struct DatabricksTarget {
  std::shared_ptr<databricks::StatementClient> client;
  std::string credential;  // Unity Catalog storage credential; "" = an external location
  databricks::PollOptions poll;
};

class DatabricksDestination final : public Destination {
 public:
  DatabricksDestination(DatabricksTarget target, std::shared_ptr<aws::s3::ScopedBucket> staging,
                        TableLoad load, S3StagingOptions options = {})
      : target_(std::move(target)), staging_(std::move(staging), options), load_(std::move(load)) {}

  std::string Describe() const override;
  std::optional<FileEncoding> StagingEncoding() const override {
    return FileEncoding{Format::kJsonLines, Compression::kGzip};
  }
  Status Prepare(const RunInfo& run) override;
  Result<std::optional<Manifest>> FindCommitted(const RunInfo& run) override;
  Result<std::unique_ptr<StagedFileWriter>> StageFile(const RunInfo& run,
                                                      const std::string& name) override;
  Result<CommitResult> Commit(const RunInfo& run, const Manifest& manifest) override;
  Status Cleanup(const RunInfo& run) override;
  Result<SweepReport> SweepStaging(
      const std::function<bool(const std::string& run_id)>& is_active) override;

 private:
  Result<databricks::StatementResult> Sql(const RunInfo& run, const std::string& sql) const;
  TableName StageTable(const RunInfo& run) const;
  std::string LogName() const;  // the target as the load log names it

  DatabricksTarget target_;
  S3Staging staging_;
  TableLoad load_;
  bool table_exists_ = false;
  std::vector<std::string> existing_columns_;
};

}  // namespace crossdock::sync::warehouse
