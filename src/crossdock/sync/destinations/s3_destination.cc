#include "crossdock/sync/destinations/s3_destination.h"

#include "crossdock/core/parallel.h"

namespace crossdock::sync {

namespace {
constexpr size_t kCommitConcurrency = 16;
}  // namespace

std::string OutputFolder(const RunInfo& run) {
  std::string p = run.path;
  while (!p.empty() && p.back() == '/') p.pop_back();
  return (p.empty() ? "" : p + "/") + run.run_id + "/";
}

std::string S3Destination::Describe() const { return "S3 " + staging_.bucket().scope().ToString(); }

Status S3Destination::Prepare(const RunInfo& run) {
  // The output folder must be a clean relative path inside the scope.
  auto out = staging_.bucket().ResolvePrefix(OutputFolder(run));
  if (!out.ok()) {
    return Error(ErrorCode::kInvalidArgument,
                 "the sync's path \"" + run.path + "\" is not usable: " + out.error().message(),
                 "destination.path");
  }
  RETURN_IF_ERROR(staging_.Probe(run.run_id));
  // An earlier attempt of this run (a worker that died) may have left staged files.
  return staging_.Clear(run.run_id);
}

Result<std::optional<Manifest>> S3Destination::FindCommitted(const RunInfo& run) {
  std::string key = OutputFolder(run) + kManifestName;
  auto body = staging_.bucket().GetAsString(key);
  if (!body.ok()) {
    if (body.error().code() == ErrorCode::kNotFound) return std::optional<Manifest>();
    // S3 answers GetObject of a missing key with 403, not 404, when the caller may list the
    // bucket only under a prefix (s3:ListBucket with an s3:prefix condition, as the generated
    // policies grant): a listing of the key itself tells a missing manifest from a denial.
    if (body.error().code() == ErrorCode::kAccessDenied) {
      auto listed = staging_.bucket().List(key);
      if (listed.ok()) {
        bool found = false;
        for (const auto& o : *listed) found = found || o.key == key;
        if (!found) return std::optional<Manifest>();
      }
    }
    return body.error();
  }
  ASSIGN_OR_RETURN(Manifest m, ParseManifest(*body));
  return std::optional<Manifest>(std::move(m));
}

Result<std::unique_ptr<StagedFileWriter>> S3Destination::StageFile(const RunInfo& run,
                                                                   const std::string& name) {
  return staging_.OpenFile(run.run_id, name, FormatContentType(run.format), run.cancelled);
}

Result<CommitResult> S3Destination::Commit(const RunInfo& run, const Manifest& manifest) {
  aws::s3::ScopedBucket& b = staging_.bucket();
  std::string folder = OutputFolder(run);
  CommitResult result;
  result.manifest_location = b.scope().ToString() + folder + kManifestName;
  ASSIGN_OR_RETURN(auto committed, FindCommitted(run));
  if (committed) {
    result.manifest = std::move(*committed);
    return result;
  }
  // Files of an interrupted commit of this run: remove them so only the manifest's set stays.
  ASSIGN_OR_RETURN(auto leftovers, b.List(folder));
  if (!leftovers.empty()) {
    std::vector<std::string> keys;
    for (const auto& o : leftovers) keys.push_back(o.key);
    ASSIGN_OR_RETURN(auto del, b.DeleteMany(keys));
    if (!del.errors.empty()) {
      return Error(ErrorCode::kAccessDenied,
                   "cannot delete " + del.errors[0].key + " left by an interrupted commit (" +
                       del.errors[0].code + ")",
                   "destination");
    }
  }
  // Server-side copies, several at once (a copy run may commit thousands of files).
  RETURN_IF_ERROR(ParallelFor(manifest.files.size(), kCommitConcurrency, [&](size_t i) -> Status {
    const std::string& name = manifest.files[i].name;
    auto copied = b.Copy(StagingFolder(run.run_id) + name, folder + name);
    if (!copied.ok()) {
      return std::move(copied).error().WithContext("committing " + name + " to " +
                                                   b.scope().ToString() + folder);
    }
    return OkStatus();
  }));
  aws::s3::PutObjectOptions po;
  po.content_type = "application/json";
  auto put = b.Put(folder + kManifestName, ManifestToJson(manifest), po);
  if (!put.ok()) return std::move(put).error().WithContext("writing " + result.manifest_location);
  result.manifest = manifest;
  return result;
}

Status S3Destination::Cleanup(const RunInfo& run) { return staging_.Clear(run.run_id); }

Result<SweepReport> S3Destination::SweepStaging(
    const std::function<bool(const std::string& run_id)>& is_active) {
  return staging_.Sweep(is_active);
}

}  // namespace crossdock::sync
