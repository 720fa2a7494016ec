// The engine end to end on the local file system: local CSV/JSONL files -> LocalDestination,
// split into files with a manifest whose rows and checksums match; staging removed after
// success, failure and cancellation; nothing visible at the output on failure.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crossdock/core/hex.h"
#include "crossdock/crypto/random.h"
#include "crossdock/crypto/sha256.h"
#include "crossdock/sync/destinations/local_destination.h"
#include "crossdock/sync/runner.h"
#include "crossdock/sync/sources/file_source.h"

namespace crossdock::sync {
namespace {

namespace fs = std::filesystem;

class LocalPipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("crossdock-sync-" + crypto::Base32Encode(crypto::RandomBytes(6)));
    fs::create_directories(root_ / "in");
    fs::create_directories(root_ / "out");
  }
  void TearDown() override { fs::remove_all(root_); }

  void WriteFile(const std::string& name, const std::string& data) {
    std::ofstream(root_ / "in" / name, std::ios::binary) << data;
  }
  static std::string Read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  RunInfo Run(const std::string& id) {
    RunInfo r;
    r.sync_id = "sync_test";
    r.run_id = id;
    r.path = "exports";
    return r;
  }
  bool StagingEmpty() {
    fs::path s = root_ / "out" / "_crossdock" / "staging";
    return !fs::exists(s) || fs::is_empty(s);
  }

  fs::path root_;
};

TEST_F(LocalPipeline, SplitsFilesWritesManifestLastAndCleansStaging) {
  std::string csv = "id,name\n";
  for (int i = 0; i < 50000; ++i) {
    // Names that do not compress to nothing, so that 64 KiB files really split the output.
    csv += std::to_string(i) + ",name " + HexEncode(crypto::Sha256(std::to_string(i))) + "\n";
  }
  WriteFile("a.csv", csv);
  // A second file, gzip-compressed, same columns.
  std::string more = "id,name\n50000,\"quoted, name\"\n50001,\n";
  auto gz = CompressAll(Compression::kGzip, more);
  WriteFile("b.csv.gz", *gz);
  WriteFile("notes.txt", "ignored: not a data file");

  FileSetSource source(MakeLocalFileStore((root_ / "in").string()), "");
  LocalDestination dest((root_ / "out").string());
  OutputOptions o;
  o.format = Format::kJsonLines;
  o.compression = Compression::kZstd;
  o.file_size = 64 * 1024;
  o.batch_rows = 1000;
  uint64_t last_rows = 0;
  RunHooks hooks;
  hooks.on_progress = [&](const RunProgress& p) { last_rows = p.rows; };
  auto out = ExecuteRun(source, dest, Run("run_a"), o, hooks);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(last_rows, 50002u);
  const Manifest& m = out->manifest;
  EXPECT_EQ(m.rows, 50002u);
  EXPECT_GT(m.files.size(), 1u) << "64 KiB files must split the output";
  fs::path folder = root_ / "out" / "exports" / "run_a";
  auto manifest = ParseManifest(Read(folder / "manifest.json"));
  ASSERT_TRUE(manifest.ok());
  EXPECT_EQ(manifest->files.size(), m.files.size());
  uint64_t rows = 0;
  std::string all;
  for (const auto& f : manifest->files) {
    std::string bytes = Read(folder / f.name);
    EXPECT_EQ(bytes.size(), f.bytes);
    EXPECT_EQ(HexEncode(crypto::Sha256(bytes)), f.sha256);
    auto plain = DecompressAll(Compression::kZstd, bytes);
    ASSERT_TRUE(plain.ok());
    uint64_t lines = std::count(plain->begin(), plain->end(), '\n');
    EXPECT_EQ(lines, f.rows);
    rows += f.rows;
    all += *plain;
  }
  EXPECT_EQ(rows, 50002u);
  EXPECT_NE(all.find("{\"id\":\"50000\",\"name\":\"quoted, name\"}"), std::string::npos);
  EXPECT_NE(all.find("{\"id\":\"50001\",\"name\":null}"), std::string::npos);
  EXPECT_TRUE(StagingEmpty());

  // Committing the same run again is a no-op that returns the first manifest.
  FileSetSource again(MakeLocalFileStore((root_ / "in").string()), "");
  auto second = ExecuteRun(again, dest, Run("run_a"), o);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->already_committed);
  EXPECT_EQ(second->manifest.rows, 50002u);
}

TEST_F(LocalPipeline, AFailureMidRunLeavesNoOutputAndNoStaging) {
  std::string csv = "id,name\n";
  for (int i = 0; i < 20000; ++i) csv += std::to_string(i) + ",n\n";
  WriteFile("a.csv", csv);
  WriteFile("b.csv", "id,other\n1,2\n");  // different columns: fails after a.csv was staged
  FileSetSource source(MakeLocalFileStore((root_ / "in").string()), "");
  LocalDestination dest((root_ / "out").string());
  OutputOptions o;
  o.file_size = 4096;
  auto out = ExecuteRun(source, dest, Run("run_b"), o);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message().find("b.csv has different columns"), std::string::npos);
  EXPECT_FALSE(fs::exists(root_ / "out" / "exports" / "run_b"));
  EXPECT_TRUE(StagingEmpty());
}

TEST_F(LocalPipeline, CancellationStopsTheRunAndCleansStaging) {
  std::string csv = "id\n";
  for (int i = 0; i < 100000; ++i) csv += std::to_string(i) + "\n";
  WriteFile("a.csv", csv);
  FileSetSource source(MakeLocalFileStore((root_ / "in").string()), "");
  LocalDestination dest((root_ / "out").string());
  OutputOptions o;
  o.batch_rows = 100;
  RunHooks hooks;
  uint64_t seen = 0;
  hooks.on_progress = [&](const RunProgress& p) { seen = p.rows; };
  hooks.cancelled = [&] { return seen >= 5000; };
  auto out = ExecuteRun(source, dest, Run("run_c"), o, hooks);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), ErrorCode::kCancelled);
  EXPECT_FALSE(fs::exists(root_ / "out" / "exports" / "run_c"));
  EXPECT_TRUE(StagingEmpty());
}

TEST_F(LocalPipeline, AnEmptyPrefixIsNotFoundAndWritesNothing) {
  FileSetSource source(MakeLocalFileStore((root_ / "in").string()), "nothing/");
  LocalDestination dest((root_ / "out").string());
  auto out = ExecuteRun(source, dest, Run("run_d"), OutputOptions{});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(fs::is_empty(root_ / "out") || StagingEmpty());
  EXPECT_FALSE(fs::exists(root_ / "out" / "exports"));
}

TEST_F(LocalPipeline, SweepRemovesStagingOfInactiveRunsOnly) {
  fs::create_directories(root_ / "out" / "_crossdock" / "staging" / "run_dead");
  fs::create_directories(root_ / "out" / "_crossdock" / "staging" / "run_live");
  LocalDestination dest((root_ / "out").string());
  auto report = dest.SweepStaging([](const std::string& id) { return id == "run_live"; });
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->removed_runs.size(), 1u);
  EXPECT_EQ(report->removed_runs[0], "run_dead");
  EXPECT_TRUE(fs::exists(root_ / "out" / "_crossdock" / "staging" / "run_live"));
}

TEST(OutputOptions, RangesAreCheckedWithTheField) {
  OutputOptions o;
  o.file_size = 10;
  EXPECT_EQ(ValidateOutput(o).error().field(), "output.file_size");
  o.file_size = 1 << 20;
  o.compression = Compression::kZstd;
  o.compression_level = 30;
  EXPECT_EQ(ValidateOutput(o).error().field(), "compression_level");
  EXPECT_EQ(PartName(7, OutputOptions{}), "part-00007.csv.zst");
}

}  // namespace
}  // namespace crossdock::sync
