// The shared store suite on SQLite, and what only SQLite has: the file itself.
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "store/store_suite.h"

namespace crossdock::store::testing {
namespace {

std::filesystem::path TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "crossdock-store-XXXXXX").string();
  char* dir = ::mkdtemp(tmpl.data());
  EXPECT_NE(dir, nullptr);
  return std::filesystem::path(tmpl);
}

class TempDirs : public ::testing::Environment {
 public:
  static std::filesystem::path Root() {
    static std::filesystem::path root = TempDir();
    return root;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(Root(), ec);
  }
};
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new TempDirs);

StoreOptions FreshSqlite() {
  static int n = 0;
  StoreOptions o;
  o.location = (TempDirs::Root() / ("db" + std::to_string(++n)) / "crossdock.db").string();
  return o;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreSuite,
                         ::testing::Values(Backend{"sqlite", FreshSqlite, {}, nullptr}),
                         PrintBackend);

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SqliteStore, CreatesTheFileAndItsDirectoriesOnFirstUseWithPrivateModes) {
  StoreOptions o = FreshSqlite();
  ASSERT_FALSE(std::filesystem::exists(o.location));
  auto s = OpenStore(o);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(o.location.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(std::filesystem::path(o.location).parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_NE((*s)->Describe().find("SQLite"), std::string::npos);
}

TEST(SqliteStore, UsesWriteAheadLogging) {
  auto s = OpenStore(FreshSqlite());
  ASSERT_TRUE(s.ok());
  auto pragma = [&](const std::string& name) {
    std::string value;
    EXPECT_TRUE((*s)->sql()
                    .Transaction([&](SqlSession& session) -> Status {
                      ASSIGN_OR_RETURN(auto rows, session.Query("PRAGMA " + name));
                      value = rows.at(0).Text(0);
                      return OkStatus();
                    })
                    .ok());
    return value;
  };
  EXPECT_EQ(pragma("journal_mode"), "wal");
  EXPECT_EQ(pragma("synchronous"), "1");  // NORMAL: safe in WAL mode, no fsync per commit
  EXPECT_EQ(pragma("busy_timeout"), "5000");
  EXPECT_EQ(pragma("wal_autocheckpoint"), "1000");  // passive checkpoints: readers never wait
  EXPECT_EQ(pragma("journal_size_limit"), "67108864");
}

TEST(SqliteStore, AnUnwritableLocationIsAClearError) {
  StoreOptions o;
  o.location = "/proc/crossdock/cannot/crossdock.db";
  auto s = OpenStore(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field(), "db");
  EXPECT_NE(s.error().message().find("--db"), std::string::npos);
}

TEST(SqliteStore, TheDatabaseFileNeverContainsASecret) {
  const std::string kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
  StoreOptions o = FreshSqlite();
  o.secret_box = Box('k');
  {
    auto s = OpenStore(o);
    ASSERT_TRUE(s.ok());
    auto org = (*s)->CreateOrganization("acme", false, "eid-1");
    for (int i = 0; i < 20; ++i) {
      ConnectionRecord r{
          "", org->id, "s3", "c" + std::to_string(i), "{}", {}, {{"secret_access_key", kSecret}},
          {}, {}};
      ASSERT_TRUE((*s)->CreateConnection(r).ok());
    }
    // The secret must not appear in the WAL either, before a checkpoint folds it in.
    std::filesystem::path wal = o.location + "-wal";
    if (std::filesystem::exists(wal)) {
      EXPECT_EQ(ReadAll(wal).find(kSecret), std::string::npos);
    }
  }
  std::string bytes = ReadAll(o.location);
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(bytes.find(kSecret), std::string::npos);
  EXPECT_NE(bytes.find("cdxsb1."), std::string::npos);  // the sealed form is there instead
}

// An exception out of a transaction's callback leaves neither a transaction open nor a reader
// connection lost: more throwing reads than the pool holds, then a read and a write succeed.
TEST(SqliteStore, AnExceptionInATransactionLeavesTheDatabaseUsable) {
  auto db = OpenSqlite(FreshSqlite().location);
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  SqlDatabase& sql = **db;
  ASSERT_TRUE(sql.Transaction([](SqlSession& s) -> Status {
                   auto made = s.Exec("CREATE TABLE t (v INTEGER)");
                   return made.ok() ? OkStatus() : made.error();
                 })
                  .ok());
  for (int i = 0; i < 20; ++i) {
    EXPECT_THROW((void)sql.ReadTransaction([](SqlSession& s) -> Status {
      (void)s.Query("SELECT count(*) FROM t");
      throw std::runtime_error("read failed");
    }),
                 std::runtime_error);
  }
  EXPECT_THROW((void)sql.Transaction([](SqlSession& s) -> Status {
    (void)s.Exec("INSERT INTO t VALUES (1)");
    throw std::runtime_error("write failed");
  }),
               std::runtime_error);
  ASSERT_TRUE(sql.Transaction([](SqlSession& s) -> Status {
                   auto added = s.Exec("INSERT INTO t VALUES (2)");
                   return added.ok() ? OkStatus() : added.error();
                 })
                  .ok());
  std::int64_t count = -1;
  ASSERT_TRUE(sql.ReadTransaction([&](SqlSession& s) -> Status {
                   auto rows = s.Query("SELECT count(*) FROM t");
                   if (!rows.ok()) return rows.error();
                   count = (*rows)[0].Int(0);
                   return OkStatus();
                 })
                  .ok());
  EXPECT_EQ(count, 1);  // the thrown insert was rolled back
}

// What one request writes, the next request reads, whichever threads and reader connections
// they run on: a read after a commit sees it (or something later).
TEST(SqliteStore, AReadOnAnotherThreadSeesTheCommitBeforeIt) {
  auto db = OpenSqlite(FreshSqlite().location);
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  SqlDatabase& sql = **db;
  auto exec = [](SqlSession& s, const char* text) -> Status {
    auto done = s.Exec(text);
    return done.ok() ? OkStatus() : done.error();
  };
  ASSERT_TRUE(sql.Transaction([&](SqlSession& s) -> Status {
                   RETURN_IF_ERROR(exec(s, "CREATE TABLE t (v INTEGER)"));
                   return exec(s, "INSERT INTO t VALUES (0)");
                 })
                  .ok());
  auto read = [&sql]() {
    std::int64_t v = -1;
    (void)sql.ReadTransaction([&](SqlSession& s) -> Status {
      auto rows = s.Query("SELECT v FROM t");
      if (rows.ok() && !rows->empty()) v = (*rows)[0].Int(0);
      return OkStatus();
    });
    return v;
  };
  std::atomic<int> stale{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        std::int64_t mine = -1;
        (void)sql.Transaction([&](SqlSession& s) -> Status {
          RETURN_IF_ERROR(exec(s, "UPDATE t SET v = v + 1"));
          auto rows = s.Query("SELECT v FROM t");
          if (rows.ok()) mine = (*rows)[0].Int(0);
          return OkStatus();
        });
        std::int64_t seen = -1;
        std::thread other([&] { seen = read(); });
        other.join();
        if (seen < mine || read() < mine) ++stale;
      }
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(stale.load(), 0);
  EXPECT_EQ(read(), 400);
}

TEST(SqlLayer, RecognisesPostgresUrlsAndRedactsPasswords) {
  EXPECT_TRUE(IsPostgresUrl("postgres://u@h/db"));
  EXPECT_TRUE(IsPostgresUrl("postgresql://u:p@h:5432/db"));
  EXPECT_TRUE(IsPostgresUrl("host=localhost dbname=x"));
  EXPECT_FALSE(IsPostgresUrl("crossdock.db"));
  EXPECT_FALSE(IsPostgresUrl("sqlite:crossdock.db"));
  EXPECT_EQ(RedactUrl("postgresql://user:hunter2@db:5432/x"), "postgresql://user:***@db:5432/x");
  EXPECT_EQ(RedactUrl("host=db password=hunter2 dbname=x"), "host=db password=*** dbname=x");
  EXPECT_EQ(RedactUrl("postgres://db/x?user=u&password=hunter2"),
            "postgres://db/x?user=u&password=***");
}

}  // namespace
}  // namespace crossdock::store::testing
