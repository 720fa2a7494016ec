#include "crossdock/sync/destinations/local_destination.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crossdock/aws/s3/scoped_bucket.h"

namespace crossdock::sync {
namespace {

namespace fs = std::filesystem;

Error IoError(const std::string& what, const std::error_code& ec) {
  ErrorCode code =
      ec == std::errc::permission_denied ? ErrorCode::kAccessDenied : ErrorCode::kUnavailable;
  return Error(code, what + ": " + ec.message(), "destination");
}

class LocalFileWriter final : public StagedFileWriter {
 public:
  LocalFileWriter(std::FILE* f, std::string path) : f_(f), path_(std::move(path)) {}
  ~LocalFileWriter() override { Abort(); }

  Status Write(std::string_view bytes) override {
    if (std::fwrite(bytes.data(), 1, bytes.size(), f_) != bytes.size()) {
      return Error(ErrorCode::kUnavailable, "writing " + path_ + " failed (disk full?)",
                   "destination");
    }
    return OkStatus();
  }
  Result<std::string> Finish() override {
    std::FILE* f = f_;
    f_ = nullptr;
    if (std::fclose(f) != 0) {
      return Error(ErrorCode::kUnavailable, "closing " + path_ + " failed", "destination");
    }
    return path_;
  }
  void Abort() override {
    if (!f_) return;
    std::fclose(f_);
    f_ = nullptr;
    std::error_code ec;
    fs::remove(path_, ec);
  }

 private:
  std::FILE* f_;
  std::string path_;
};

}  // namespace

Status LocalDestination::Prepare(const RunInfo& run) {
  Status valid = aws::s3::ValidateRelativeKey(OutputFolder(run), true);
  if (!valid.ok()) {
    return Error(ErrorCode::kInvalidArgument,
                 "the sync's path \"" + run.path + "\" is not usable: " + valid.error().message(),
                 "destination.path");
  }
  std::error_code ec;
  fs::path staging = fs::path(root_) / StagingFolder(run.run_id);
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  if (ec) return IoError("cannot create the staging folder " + staging.string(), ec);
  return OkStatus();
}

Result<std::optional<Manifest>> LocalDestination::FindCommitted(const RunInfo& run) {
  fs::path p = fs::path(root_) / OutputFolder(run) / kManifestName;
  std::ifstream in(p);
  if (!in) return std::optional<Manifest>();
  std::stringstream ss;
  ss << in.rdbuf();
  ASSIGN_OR_RETURN(Manifest m, ParseManifest(ss.str()));
  return std::optional<Manifest>(std::move(m));
}

Result<std::unique_ptr<StagedFileWriter>> LocalDestination::StageFile(const RunInfo& run,
                                                                      const std::string& name) {
  RETURN_IF_ERROR(aws::s3::ValidateRelativeKey(name));
  fs::path staged = fs::path(root_) / StagingFolder(run.run_id) / name;
  if (name.find('/') != std::string::npos) {  // a copy run keeps the source's folders
    std::error_code ec;
    fs::create_directories(staged.parent_path(), ec);
    if (ec) return IoError("cannot create " + staged.parent_path().string(), ec);
  }
  std::string path = staged.string();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    return Error(ErrorCode::kUnavailable, "cannot create " + path, "destination");
  }
  return std::unique_ptr<StagedFileWriter>(new LocalFileWriter(f, path));
}

Result<CommitResult> LocalDestination::Commit(const RunInfo& run, const Manifest& manifest) {
  CommitResult result;
  fs::path folder = fs::path(root_) / OutputFolder(run);
  result.manifest_location = (folder / kManifestName).string();
  ASSIGN_OR_RETURN(auto committed, FindCommitted(run));
  if (committed) {
    result.manifest = std::move(*committed);
    return result;
  }
  std::error_code ec;
  fs::remove_all(folder, ec);
  fs::create_directories(folder, ec);
  if (ec) return IoError("cannot create " + folder.string(), ec);
  for (const auto& f : manifest.files) {
    if (f.name.find('/') != std::string::npos)
      fs::create_directories((folder / f.name).parent_path(), ec);
    fs::rename(fs::path(root_) / StagingFolder(run.run_id) / f.name, folder / f.name, ec);
    if (ec) return IoError("cannot move " + f.name + " into " + folder.string(), ec);
  }
  fs::path tmp = folder / (std::string(kManifestName) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary);
    out << ManifestToJson(manifest);
    if (!out) return Error(ErrorCode::kUnavailable, "cannot write " + tmp.string(), "destination");
  }
  fs::rename(tmp, folder / kManifestName, ec);
  if (ec) return IoError("cannot write the manifest in " + folder.string(), ec);
  result.manifest = manifest;
  return result;
}

Status LocalDestination::Cleanup(const RunInfo& run) {
  std::error_code ec;
  fs::remove_all(fs::path(root_) / StagingFolder(run.run_id), ec);
  if (ec) return IoError("cannot remove the staging folder", ec);
  return OkStatus();
}

Result<SweepReport> LocalDestination::SweepStaging(
    const std::function<bool(const std::string& run_id)>& is_active) {
  SweepReport report;
  std::error_code ec;
  fs::path root = fs::path(root_) / kStagingRoot;
  if (!fs::exists(root, ec)) return report;
  // The whole listing first, then the questions (destination.h).
  std::vector<fs::path> staged;
  for (const auto& entry : fs::directory_iterator(root, ec)) staged.push_back(entry.path());
  for (const auto& path : staged) {
    std::string run = path.filename().string();
    if (is_active(run)) continue;
    fs::remove_all(path, ec);
    report.removed_runs.push_back(run);
  }
  return report;
}

}  // namespace crossdock::sync
