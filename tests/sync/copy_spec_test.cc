// The "copy" flag of a sync spec: accepted only for file sources and file destinations,
// kept through the JSON round trip, and the manifest of a copy run.
#include <gtest/gtest.h>

#include "crossdock/sync/destinations/manifest.h"
#include "crossdock/sync/spec.h"

namespace crossdock::sync {
namespace {

TEST(CopySpec, FilesToFilesOnly) {
  auto ok = ParseSyncSpec(R"({"source": {"type": "local", "root": "/in", "prefix": "a/"},
      "destination": {"type": "local", "root": "/out", "path": "p"}, "copy": true})");
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_TRUE(ok->copy);
  auto again = SyncSpecFromJson(SyncSpecToJson(*ok));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->copy);

  auto pg = ParseSyncSpec(R"({"source": {"type": "postgres", "url": "postgresql://h/db",
      "table": "t"}, "destination": {"type": "local", "root": "/out"}, "copy": true})");
  ASSERT_FALSE(pg.ok());
  EXPECT_EQ(pg.error().field(), "copy");
  auto bad = ParseSyncSpec(R"({"source": {"type": "local", "root": "/in"},
      "destination": {"type": "local", "root": "/out"}, "copy": "yes"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field(), "copy");
}

TEST(CopySpec, ManifestOfACopyRunHasNoFormat) {
  Manifest m;
  m.sync_id = "s";
  m.run_id = "r";
  m.copy = true;
  m.files = {{"a/b.bin", 0, 3, "abc"}};
  m.bytes = 3;
  std::string text = ManifestToJson(m);
  EXPECT_NE(text.find("\"mode\": \"copy\""), std::string::npos);
  EXPECT_EQ(text.find("\"format\""), std::string::npos);
  auto parsed = ParseManifest(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_TRUE(parsed->copy);
  ASSERT_EQ(parsed->files.size(), 1u);
  EXPECT_EQ(parsed->files[0].name, "a/b.bin");
}

}  // namespace
}  // namespace crossdock::sync
