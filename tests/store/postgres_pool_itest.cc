// The PostgreSQL session pool on the real server: transactions from many threads never hold
// more sessions than the bound (counted by the server, in pg_stat_activity, for this test's
// own application_name, and by the pool's counters), the bound is reached (transactions do
// run in parallel), and sessions the server closes are replaced: idle ones without the caller
// noticing, one closed mid-transaction with a retryable error and a fresh session next time.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "crossdock/crypto/random.h"
#include "crossdock/store/sql.h"
#include "testing/peers.h"

namespace crossdock::store::testing {
namespace {

using crossdock::testing::Env;

// A plain libpq session of the test itself, to watch the pool's sessions from outside.
class Watcher {
 public:
  explicit Watcher(std::string app) : app_(std::move(app)) {
    conn_ = PQconnectdb(Env("CROSSDOCK_PG_URL").c_str());
    EXPECT_EQ(PQstatus(conn_), CONNECTION_OK) << PQerrorMessage(conn_);
  }
  ~Watcher() { PQfinish(conn_); }
  // The server-side sessions of the pool under test.
  int Sessions() { return std::stoi(One("SELECT count(*) FROM pg_stat_activity WHERE " + Mine())); }
  std::string Pids() {
    return One(
        "SELECT coalesce(string_agg(pid::text, ',' ORDER BY pid), '') FROM "
        "pg_stat_activity WHERE " +
        Mine());
  }
  // Closes every session of the pool from the server side.
  void TerminateAll() {
    One("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE " + Mine());
    // pg_terminate_backend only signals: wait until the sessions are gone.
    for (int i = 0; i < 100 && Sessions() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  std::string One(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << sql << ": " << PQresultErrorMessage(r);
    std::string v = PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
    PQclear(r);
    return v;
  }

 private:
  std::string Mine() const { return "application_name = '" + app_ + "'"; }
  PGconn* conn_ = nullptr;
  std::string app_;
};

struct Pool {
  std::string app = "pooltest_" + crypto::RandomId("p").substr(2, 12);
  std::unique_ptr<SqlDatabase> db;
  explicit Pool(int max) {
    PostgresPoolOptions o;
    o.max_connections = max;
    std::string url = Env("CROSSDOCK_PG_URL");
    url +=
        (url.find('?') == std::string::npos ? "?" : "&") + std::string("application_name=") + app;
    auto opened = OpenPostgres(url, {}, o);
    EXPECT_TRUE(opened.ok()) << opened.error().ToString();
    if (opened.ok()) db = std::move(*opened);
  }
};

// Runs `n` transactions at once from `n` threads. Each waits inside its transaction until
// `together` transactions are inside at the same moment (or 10 s pass), so that the pool is
// driven to its bound; `inside` is called by the transaction that completes the group.
void RunTogether(SqlDatabase& db, int n, int together, const std::function<void()>& inside,
                 std::atomic<int>& most_inside, std::atomic<int>& failures) {
  std::mutex mu;
  std::condition_variable cv;
  int now_inside = 0;
  bool released = false;
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&] {
      Status st = db.Transaction([&](SqlSession& s) -> Status {
        auto r = s.Query("SELECT 1");
        if (!r.ok()) return r.error();
        std::unique_lock<std::mutex> lock(mu);
        ++now_inside;
        int seen = now_inside;
        int prev = most_inside.load();
        while (seen > prev && !most_inside.compare_exchange_weak(prev, seen)) {
        }
        if (now_inside == together && !released) {
          inside();
          released = true;
          cv.notify_all();
        }
        cv.wait_for(lock, std::chrono::seconds(10), [&] { return released; });
        --now_inside;
        return OkStatus();
      });
      if (!st.ok()) ++failures;
    });
  }
  for (auto& t : threads) t.join();
}

TEST(PostgresPool, ManyThreadsNeverHoldMoreSessionsThanTheBound) {
  REQUIRE_PEER("CROSSDOCK_PG_URL");
  constexpr int kMax = 3;
  Pool pool(kMax);
  ASSERT_TRUE(pool.db);
  Watcher watch(pool.app);
  EXPECT_EQ(watch.Sessions(), 1) << "one session at open, the others on demand";

  std::atomic<int> most_inside{0}, failures{0};
  int sessions_at_peak = -1;
  SqlPoolStats stats_at_peak;
  RunTogether(
      *pool.db, 12, kMax,
      [&] {
        sessions_at_peak = watch.Sessions();
        stats_at_peak = pool.db->pool_stats();
      },
      most_inside, failures);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(most_inside.load(), kMax) << "never more transactions at once than sessions";
  EXPECT_EQ(sessions_at_peak, kMax);
  EXPECT_EQ(stats_at_peak.in_use, kMax);
  SqlPoolStats after = pool.db->pool_stats();
  EXPECT_EQ(after.max_size, kMax);
  EXPECT_EQ(after.open, kMax);
  EXPECT_EQ(after.in_use, 0);
  EXPECT_EQ(after.opened, kMax) << "sessions are reused, not reopened";
  EXPECT_GT(after.waits, 0) << "nine of the twelve waited for a session";
  EXPECT_EQ(watch.Sessions(), kMax);
}

TEST(PostgresPool, SessionsTheServerClosedAreReplaced) {
  REQUIRE_PEER("CROSSDOCK_PG_URL");
  constexpr int kMax = 2;
  Pool pool(kMax);
  ASSERT_TRUE(pool.db);
  Watcher watch(pool.app);
  std::atomic<int> most_inside{0}, failures{0};
  RunTogether(
      *pool.db, kMax, kMax, [] {}, most_inside, failures);
  ASSERT_EQ(watch.Sessions(), kMax);
  std::string before = watch.Pids();

  // Idle sessions closed by the server: the next transactions never see it.
  watch.TerminateAll();
  ASSERT_EQ(watch.Sessions(), 0);
  RunTogether(
      *pool.db, kMax, kMax, [] {}, most_inside, failures);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(watch.Sessions(), kMax);
  EXPECT_NE(watch.Pids(), before);
  SqlPoolStats stats = pool.db->pool_stats();
  EXPECT_EQ(stats.discarded, kMax);
  EXPECT_EQ(stats.open, kMax);

  // A session closed in the middle of a transaction: a retryable error, then a new session.
  Status st = pool.db->Transaction([&](SqlSession& s) -> Status {
    auto pid = s.Query("SELECT pg_backend_pid()");
    if (!pid.ok()) return pid.error();
    watch.One("SELECT pg_terminate_backend(" + pid->at(0).Text(0) + ")");
    for (int i = 0; i < 100; ++i) {  // until the server has closed it
      auto r = s.Query("SELECT 1");
      if (!r.ok()) return r.error();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return OkStatus();
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kUnavailable) << st.error().ToString();
  EXPECT_EQ(pool.db->pool_stats().open, kMax - 1);
  Status again = pool.db->Transaction([](SqlSession& s) -> Status {
    auto r = s.Query("SELECT 1");
    return r.ok() ? OkStatus() : Status(r.error());
  });
  EXPECT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_LE(watch.Sessions(), kMax);
  EXPECT_EQ(pool.db->pool_stats().discarded, kMax + 1);
}

}  // namespace
}  // namespace crossdock::store::testing
