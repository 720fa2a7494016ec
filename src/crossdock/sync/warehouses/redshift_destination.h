// RedshiftDestination: a sync's rows into a Redshift Serverless table, through S3 staging.
//
// The run's files are staged as JSON Lines + zstd under `_crossdock/staging/<run>/` in the
// connection's staging bucket/path (which must be in the workgroup's region: checked in
// Prepare), then Commit() sends one BatchExecuteStatement, which the Data API runs as one
// transaction: create the table (or add the columns it lacks), then per mode
//   append   COPY table FROM 's3://.../staging/<run>/' IAM_ROLE '...' FORMAT AS JSON ...
//   replace  DELETE FROM table; COPY ...           (readers see the old rows or the new)
//   merge    COPY into a temporary table LIKE the target, DELETE the target's rows with the
//            same merge keys, INSERT the staged rows
// and insert the run's row into the load log `<schema>.crossdock_loads`. The log row commits
// with the data, so FindCommitted() tells exactly whether a run's load happened: a worker
// that takes over a run never loads it twice. Cleanup() deletes the staged files.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "crossdock/sync/destinations/destination.h"
#include "crossdock/sync/destinations/s3_staging.h"
#include "crossdock/sync/warehouses/redshift_target.h"
#include "crossdock/sync/warehouses/warehouse_sql.h"

namespace crossdock::sync::warehouse {

struct TableLoad {
  TableName table;
  LoadMode mode = LoadMode::kAppend;
  std::vector<std::string> merge_keys;  // required for kMerge
};

class RedshiftDestination final : public Destination {
 public:
  RedshiftDestination(RedshiftTarget target, std::shared_ptr<aws::s3::ScopedBucket> staging,
                      TableLoad load, S3StagingOptions options = {})
      : target_(std::move(target)), staging_(std::move(staging), options), load_(std::move(load)) {}

  std::string Describe() const override;
  std::optional<FileEncoding> StagingEncoding() const override {
    return FileEncoding{Format::kJsonLines, Compression::kZstd};
  }
  Status Prepare(const RunInfo& run) override;
  Result<std::optional<Manifest>> FindCommitted(const RunInfo& run) override;
  Result<std::unique_ptr<StagedFileWriter>> StageFile(const RunInfo& run,
                                                      const std::string& name) override;
  Result<CommitResult> Commit(const RunInfo& run, const Manifest& manifest) override;
  Status Cleanup(const RunInfo& run) override;
  Result<SweepReport> SweepStaging(
      const std::function<bool(const std::string& run_id)>& is_active) override;

  // The statements Commit() sends, in order (exposed for tests and `--dry-run` output).
  std::vector<std::string> CommitStatements(const RunInfo& run, const Manifest& manifest) const;

 private:
  aws::redshift::PollOptions Poll(const RunInfo& run) const;
  std::string Qualified() const;

  RedshiftTarget target_;
  S3Staging staging_;
  TableLoad load_;
  std::vector<std::string> existing_columns_;  // of the target table, read in Prepare
};

// Checks merge keys against the run's columns (case-insensitive); errors name
// "destination.merge_keys". Shared by the warehouse destinations.
Status CheckMergeKeys(const TableLoad& load, const Schema& schema);
// The manifest FindCommitted() reports for a run the load log says was loaded.
Manifest CommittedManifest(const RunInfo& run, FileEncoding encoding, uint64_t rows, uint64_t bytes,
                           std::optional<std::string> cursor);
// kFailedPrecondition when the staging bucket is not in `region` (Redshift COPY / UNLOAD and
// seed 004 need them together); names both regions and the fix.
Status CheckStagingRegion(aws::s3::ScopedBucket& bucket, const std::string& region);

}  // namespace crossdock::sync::warehouse
