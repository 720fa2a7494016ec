// LocalDestination: a sync's files in a local directory, with the same two phases as S3:
// files are staged in `<root>/_crossdock/staging/<run>/`, Commit() renames them into
// `<root>/<path>/<run>/` and then writes manifest.json (written to a temporary name and
// renamed, so it appears whole), Cleanup() removes the staging folder. For exports to a
// mounted volume and for S3 -> local copies. Paths are confined under root like S3 keys
// (no "..", no absolute paths).
#pragma once

#include <string>

#include "crossdock/sync/destinations/destination.h"

namespace crossdock::sync {

class LocalDestination final : public Destination {
 public:
  explicit LocalDestination(std::string root) : root_(std::move(root)) {}

  std::string Describe() const override { return "local directory " + root_; }
  Status Prepare(const RunInfo& run) override;
  Result<std::optional<Manifest>> FindCommitted(const RunInfo& run) override;
  Result<std::unique_ptr<StagedFileWriter>> StageFile(const RunInfo& run,
                                                      const std::string& name) override;
  Result<CommitResult> Commit(const RunInfo& run, const Manifest& manifest) override;
  Status Cleanup(const RunInfo& run) override;
  Result<SweepReport> SweepStaging(
      const std::function<bool(const std::string& run_id)>& is_active) override;

 private:
  std::string root_;
};

}  // namespace crossdock::sync
