#include "crossdock/sync/copy_runner.h"

#include <atomic>
#include <mutex>

#include "crossdock/core/hex.h"
#include "crossdock/core/parallel.h"
#include "crossdock/crypto/sha256.h"

namespace crossdock::sync {
namespace {

// One file: read from the store, hash, write to the staged file.
Result<ManifestFile> CopyOne(FileStore& source, Destination& dest, const RunInfo& run,
                             const FileEntry& file, const std::string& name, size_t chunk,
                             const std::function<bool()>& cancelled) {
  ASSIGN_OR_RETURN(auto in, source.Open(file.name));
  ASSIGN_OR_RETURN(auto out, dest.StageFile(run, name));
  crypto::Sha256Hasher sha;
  std::string buf(chunk, '\0');
  ManifestFile mf;
  mf.name = name;
  for (;;) {
    if (cancelled && cancelled()) {
      out->Abort();
      return Error(ErrorCode::kCancelled, "the run was cancelled");
    }
    auto n = in->Read(buf.data(), buf.size());
    if (!n.ok()) {
      out->Abort();
      return std::move(n).error().WithContext("reading " + file.name);
    }
    if (*n == 0) break;
    std::string_view piece(buf.data(), *n);
    sha.Update(piece);
    Status w = out->Write(piece);
    if (!w.ok()) {
      out->Abort();
      return std::move(w).error().WithContext("staging " + name);
    }
    mf.bytes += *n;
  }
  auto done = out->Finish();
  if (!done.ok()) return std::move(done).error().WithContext("staging " + name);
  mf.sha256 = HexEncode(sha.Final());
  return mf;
}

Result<RunOutcome> CopyFiles(FileStore& source, const std::string& prefix, Destination& dest,
                             RunInfo& run, const CopyOptions& o, const RunHooks& hooks,
                             const Clock& clock) {
  ASSIGN_OR_RETURN(auto listed, source.List(prefix));
  std::vector<FileEntry> files;
  for (auto& f : listed) {
    if (!IsCrossdockFile(f.name)) files.push_back(std::move(f));
  }
  if (files.empty()) {
    return Error(
        ErrorCode::kNotFound,
        "no files to copy under " + source.Describe() + prefix + "; check the source prefix",
        "source.prefix");
  }
  RETURN_IF_ERROR(dest.Prepare(run));
  ASSIGN_OR_RETURN(auto earlier, EarlierCommit(dest, run));
  if (earlier) return std::move(*earlier);

  Manifest m;
  m.sync_id = run.sync_id;
  m.run_id = run.run_id;
  m.copy = true;
  m.compression = Compression::kNone;
  m.files.resize(files.size());
  std::mutex mu;
  Error first_error(ErrorCode::kInternal, "");
  RunProgress progress;
  std::atomic<bool> failed{false};
  auto cancelled = [&] { return failed.load() || (hooks.cancelled && hooks.cancelled()); };
  Status copied_all = ParallelFor(files.size(), o.concurrency, [&](size_t i) -> Status {
    std::string name = files[i].name.substr(std::min(prefix.size(), files[i].name.size()));
    while (!name.empty() && name[0] == '/') name.erase(0, 1);
    auto copied = CopyOne(source, dest, run, files[i], name, o.chunk_bytes, cancelled);
    std::lock_guard<std::mutex> lock(mu);
    if (!copied.ok()) {
      // The first failure is the one reported; files still copying stop at their next
      // chunk with kCancelled.
      if (!failed.exchange(true)) first_error = copied.error();
      return std::move(copied).error();
    }
    m.files[i] = std::move(*copied);
    progress.bytes += m.files[i].bytes;
    ++progress.files;
    if (hooks.on_progress) hooks.on_progress(progress);
    return OkStatus();
  });
  if (failed.load()) return first_error;
  RETURN_IF_ERROR(copied_all);
  if (hooks.cancelled && hooks.cancelled()) {
    return Error(ErrorCode::kCancelled, "the run was cancelled");
  }
  for (const auto& f : m.files) m.bytes += f.bytes;
  return CommitRun(dest, run, std::move(m), hooks, clock);
}

}  // namespace

Result<RunOutcome> ExecuteCopy(FileStore& source, const std::string& prefix,
                               Destination& destination, RunInfo run, const CopyOptions& options,
                               const RunHooks& hooks, const Clock& clock) {
  if (!run.cancelled) run.cancelled = hooks.cancelled;
  auto result = CopyFiles(source, prefix, destination, run, options, hooks, clock);
  Status cleaned = destination.Cleanup(run);
  if (!result.ok()) return result;
  if (!cleaned.ok()) result->warning = "staging cleanup failed: " + cleaned.error().ToString();
  return result;
}

}  // namespace crossdock::sync
