// Copy runs against the RGW peer: files under an S3 prefix copied byte for byte to another S3
// prefix and to a local folder, with the source's sub-folders, a manifest whose sizes and
// SHA-256 match, crossdock's own files skipped, and staging proved clean afterwards.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "crossdock/core/hex.h"
#include "crossdock/crypto/sha256.h"
#include "crossdock/sync/copy_runner.h"
#include "crossdock/sync/destinations/local_destination.h"
#include "crossdock/sync/destinations/s3_destination.h"
#include "crossdock/sync/destinations/s3_staging.h"
#include "sync/sync_peers.h"

namespace crossdock::sync::testing {
namespace {

namespace fs = std::filesystem;

class Copy : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_PEER("CROSSDOCK_STS_ENDPOINT", "RGW_ROLE_ARN", "RGW_ENDPOINT");
    prefix_ = "copy-" + RandomSuffix();
    connector_ = std::make_unique<Connector>(PeerConnectorOptions());
    customer_ = CustomerBucket("sync/" + prefix_);
    // 40 files of different sizes (one empty, one over a multipart part), in sub-folders.
    for (int i = 0; i < 40; ++i) {
      std::string name = "in/" +
                         std::string(i % 3 == 0   ? "a/"
                                     : i % 3 == 1 ? "b/c/"
                                                  : "") +
                         "file-" + std::to_string(i) + ".bin";
      size_t size = i == 0 ? 0 : i == 1 ? (6u << 20) : 1000 + i * 977;
      std::string data(size, '\0');
      for (size_t k = 0; k < size; ++k) data[k] = static_cast<char>((k * 31 + i) & 0xff);
      ASSERT_TRUE(customer_->Put(name, data).ok());
      sources_[name.substr(3)] = data;
    }
    // Crossdock's own files under the prefix are not data.
    ASSERT_TRUE(customer_->Put("in/_crossdock/staging/old/x.csv", "x").ok());
    ASSERT_TRUE(customer_->Put("in/manifest.json", "{}").ok());
    dir_ = fs::temp_directory_path() / ("crossdock-copy-" + RandomSuffix());
  }
  void TearDown() override {
    if (customer_) {
      auto all = customer_->List("");
      if (all.ok()) {
        std::vector<std::string> keys;
        for (auto& o : *all) keys.push_back(o.key);
        if (!keys.empty()) (void)customer_->DeleteMany(keys);
      }
    }
    fs::remove_all(dir_);
  }

  Result<RunOutcome> CopyTo(Destination& dest, const std::string& run_id) {
    ASSIGN_OR_RETURN(auto bucket, connector_->OpenBucket("org", PeerTarget("sync/" + prefix_)));
    auto store = MakeS3FileStore(bucket);
    RunInfo run;
    run.sync_id = "sync_copy";
    run.run_id = run_id;
    run.path = "out";
    CopyOptions o;
    o.concurrency = 6;
    return ExecuteCopy(*store, "in/", dest, run, o);
  }

  void ExpectManifestMatches(const Manifest& m) {
    EXPECT_TRUE(m.copy);
    ASSERT_EQ(m.files.size(), sources_.size());
    uint64_t total = 0;
    for (const auto& f : m.files) {
      auto it = sources_.find(f.name);
      ASSERT_NE(it, sources_.end()) << f.name;
      EXPECT_EQ(f.bytes, it->second.size()) << f.name;
      EXPECT_EQ(f.sha256, HexEncode(crypto::Sha256(it->second))) << f.name;
      total += f.bytes;
    }
    EXPECT_EQ(m.bytes, total);
  }

  std::string prefix_;
  fs::path dir_;
  std::unique_ptr<Connector> connector_;
  std::shared_ptr<aws::s3::ScopedBucket> customer_;
  std::map<std::string, std::string> sources_;
};

TEST_F(Copy, S3ToS3KeepsEveryByteAndFolder) {
  auto bucket = connector_->OpenBucket("org", PeerTarget("sync/" + prefix_));
  ASSERT_TRUE(bucket.ok());
  S3Destination dest(*bucket);
  auto out = CopyTo(dest, "run_copy_1");
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  ExpectManifestMatches(out->manifest);
  for (const auto& [name, data] : sources_) {
    // Read back as the role that wrote them (RGW: objects belong to their writer).
    auto got = (*bucket)->GetAsString("out/run_copy_1/" + name);
    ASSERT_TRUE(got.ok()) << name << ": " << got.error().ToString();
    EXPECT_TRUE(*got == data) << name;
  }
  auto manifest = (*bucket)->GetAsString("out/run_copy_1/manifest.json");
  ASSERT_TRUE(manifest.ok());
  auto parsed = ParseManifest(*manifest);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  ExpectManifestMatches(*parsed);
  EXPECT_FALSE((*bucket)->Head("out/run_copy_1/_crossdock/staging/old/x.csv").ok());
  auto listed = customer_->List("out/run_copy_1/");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), sources_.size() + 1);  // the files and the manifest, nothing else
  auto staging = InspectStaging(*customer_);
  ASSERT_TRUE(staging.ok());
  EXPECT_TRUE(staging->clean());

  // The same run again finds its commit and copies nothing.
  auto again = CopyTo(dest, "run_copy_1");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_committed);
}

TEST_F(Copy, S3ToLocalKeepsEveryByteAndFolder) {
  LocalDestination dest(dir_.string());
  auto out = CopyTo(dest, "run_copy_2");
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  ExpectManifestMatches(out->manifest);
  for (const auto& [name, data] : sources_) {
    std::ifstream in(dir_ / "out" / "run_copy_2" / name, std::ios::binary);
    ASSERT_TRUE(in) << name;
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_TRUE(ss.str() == data) << name;
  }
  EXPECT_TRUE(fs::exists(dir_ / "out" / "run_copy_2" / "manifest.json"));
  EXPECT_FALSE(fs::exists(dir_ / "_crossdock" / "staging" / "run_copy_2"));
}

TEST_F(Copy, AnEmptyPrefixIsAnErrorAndWritesNothing) {
  auto bucket = connector_->OpenBucket("org", PeerTarget("sync/" + prefix_));
  ASSERT_TRUE(bucket.ok());
  auto store = MakeS3FileStore(*bucket);
  S3Destination dest(*bucket);
  RunInfo run;
  run.sync_id = "sync_copy";
  run.run_id = "run_copy_3";
  run.path = "out";
  auto out = ExecuteCopy(*store, "nothing-here/", dest, run);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(out.error().field(), "source.prefix");
  auto listed = customer_->List("out/");
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

}  // namespace
}  // namespace crossdock::sync::testing
