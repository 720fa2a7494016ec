// S3Destination: a sync's files in an S3 connection's bucket/path. Staged under
// `_crossdock/staging/<run>/` (s3_staging.h); Commit() copies them (server-side CopyObject)
// to `<path>/<run>/` and then writes `<path>/<run>/manifest.json`, the commit marker. Every
// key goes through the ScopedBucket, so nothing outside the connection's prefix is ever
// asked for. A commit that finds its manifest already written does nothing (idempotent);
// one that finds files of an interrupted commit deletes them before copying.
#pragma once

#include <memory>

#include "crossdock/sync/destinations/destination.h"
#include "crossdock/sync/destinations/s3_staging.h"

namespace crossdock::sync {

class S3Destination final : public Destination {
 public:
  S3Destination(std::shared_ptr<aws::s3::ScopedBucket> bucket, S3StagingOptions options = {})
      : staging_(std::move(bucket), options) {}

  std::string Describe() const override;
  Status Prepare(const RunInfo& run) override;
  Result<std::optional<Manifest>> FindCommitted(const RunInfo& run) override;
  Result<std::unique_ptr<StagedFileWriter>> StageFile(const RunInfo& run,
                                                      const std::string& name) override;
  Result<CommitResult> Commit(const RunInfo& run, const Manifest& manifest) override;
  Status Cleanup(const RunInfo& run) override;
  Result<SweepReport> SweepStaging(
      const std::function<bool(const std::string& run_id)>& is_active) override;

  S3Staging& staging() { return staging_; }

 private:
  S3Staging staging_;
};

}  // namespace crossdock::sync
