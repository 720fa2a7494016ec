// The job store's scale suite (job_store_suite.h) on SQLite files in a temporary directory.
#include <filesystem>

#include "crossdock/crypto/random.h"
#include "sync/job_store_suite.h"

namespace crossdock::sync::testing {
namespace {

namespace fs = std::filesystem;

store::StoreOptions FreshSqlite() {
  store::StoreOptions o;
  fs::path dir = fs::temp_directory_path() /
                 ("crossdock-jobscale-" + crypto::Base32Encode(crypto::RandomBytes(6)));
  o.location = (dir / "db.sqlite").string();
  return o;
}

void RemoveSqlite(const store::StoreOptions& o) {
  std::error_code ec;
  fs::remove_all(fs::path(o.location).parent_path(), ec);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, JobStoreScale,
                         ::testing::Values(JobBackend{"sqlite", FreshSqlite, RemoveSqlite}),
                         PrintJobBackend);

}  // namespace
}  // namespace crossdock::sync::testing
