// Query-plan checks for the store's tests: record every statement a store really runs
// (SqlDatabase::SetObserver), then ask the database how it would run each one (SQLite
// `EXPLAIN QUERY PLAN`, PostgreSQL `EXPLAIN` with sequential scans discouraged, so that a
// sequential scan in the plan means no index can serve the query) and report the plan lines
// that read a whole big table, or that sort. Header-only so that tests/store and tests/sync
// share it.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/store/sql.h"

namespace crossdock::store::testing {

struct RecordedStatement {
  std::string sql;
  std::vector<SqlValue> params;
};

// Records the statements `db` runs while it lives.
class StatementRecorder {
 public:
  explicit StatementRecorder(SqlDatabase& db) : db_(db) {
    db_.SetObserver([this](std::string_view sql, const std::vector<SqlValue>& params) {
      std::lock_guard<std::mutex> lock(mu_);
      statements_.push_back({std::string(sql), params});
    });
  }
  ~StatementRecorder() { db_.SetObserver({}); }

  // The recorded queries, updates and deletes (not BEGIN, pragmas or scripts), each once.
  std::vector<RecordedStatement> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<RecordedStatement> out;
    std::set<std::string> seen;
    for (auto& s : statements_) {
      bool dml =
          s.sql.starts_with("SELECT") || s.sql.starts_with("UPDATE") || s.sql.starts_with("DELETE");
      if (dml && seen.insert(s.sql).second) out.push_back(std::move(s));
    }
    statements_.clear();
    return out;
  }

 private:
  SqlDatabase& db_;
  std::mutex mu_;
  std::vector<RecordedStatement> statements_;
};

// The plan of `statement`, one line per step. With `discourage_sorts`, PostgreSQL is also
// told to avoid sorting, so that a sort in the plan means no index gives the order (a table
// of a few rows is otherwise best read any way and sorted).
inline Result<std::vector<std::string>> QueryPlan(SqlDatabase& db,
                                                  const RecordedStatement& statement,
                                                  bool discourage_sorts = false) {
  std::vector<std::string> lines;
  Status st = db.Transaction([&](SqlSession& s) -> Status {
    if (s.dialect() == Dialect::kPostgres) {
      RETURN_IF_ERROR(s.Exec("SET LOCAL enable_seqscan = off"));
      if (discourage_sorts) {
        RETURN_IF_ERROR(s.Exec("SET LOCAL enable_sort = off"));
        RETURN_IF_ERROR(s.Exec("SET LOCAL enable_incremental_sort = off"));
      }
      ASSIGN_OR_RETURN(auto rows, s.Query("EXPLAIN " + statement.sql, statement.params));
      for (const auto& r : rows) lines.push_back(r.Text(0));
    } else {
      ASSIGN_OR_RETURN(auto rows, s.Query("EXPLAIN QUERY PLAN " + statement.sql, statement.params));
      for (const auto& r : rows) lines.push_back(r.Text(3));
    }
    return Error(ErrorCode::kCancelled, "explain only");  // roll back whatever it set
  });
  if (!st.ok() && st.error().code() != ErrorCode::kCancelled) return st.error();
  return lines;
}

// The plan lines that read all of one of `tables`: SQLite "SCAN t" (with or without an
// index: both visit every row), PostgreSQL "Seq Scan on t".
inline std::vector<std::string> FullScans(const std::vector<std::string>& plan,
                                          const std::vector<std::string>& tables) {
  std::vector<std::string> out;
  for (const std::string& line : plan) {
    for (const std::string& t : tables) {
      bool sqlite_scan = line.starts_with("SCAN " + t + " ") || line == "SCAN " + t ||
                         line.starts_with("SCAN TABLE " + t);
      bool pg_scan = line.find("Seq Scan on " + t + " ") != std::string::npos ||
                     line.ends_with("Seq Scan on " + t);
      if (sqlite_scan || pg_scan) out.push_back(line);
    }
  }
  return out;
}

// The plan lines that sort rows: SQLite "USE TEMP B-TREE FOR ... ORDER BY", PostgreSQL "Sort"
// and "Incremental Sort" nodes (ask QueryPlan to discourage sorts). With ORDER BY and LIMIT,
// a query that reads an index in that order stops after LIMIT rows; one that sorts reads
// every row that matches first.
inline std::vector<std::string> Sorts(const std::vector<std::string>& plan) {
  std::vector<std::string> out;
  for (const std::string& line : plan) {
    std::string_view node = line;
    node.remove_prefix(std::min(node.find_first_not_of(' '), node.size()));
    if (node.starts_with("->  ")) node.remove_prefix(4);
    bool sqlite_sort =
        node.starts_with("USE TEMP B-TREE FOR") && node.find("ORDER BY") != std::string_view::npos;
    bool pg_sort = node.starts_with("Sort  ") || node.starts_with("Incremental Sort  ");
    if (sqlite_sort || pg_sort) out.push_back(line);
  }
  return out;
}

// Expects no statement in `statements` to read all of one of `tables`; prints each plan that
// does. Returns how many statements were explained.
inline int ExpectNoFullScans(SqlDatabase& db, const std::vector<RecordedStatement>& statements,
                             const std::vector<std::string>& tables) {
  int explained = 0;
  for (const auto& statement : statements) {
    auto plan = QueryPlan(db, statement);
    EXPECT_TRUE(plan.ok()) << statement.sql << ": " << plan.error().ToString();
    if (!plan.ok()) continue;
    ++explained;
    auto scans = FullScans(*plan, tables);
    std::string text;
    for (const auto& l : *plan) text += "\n  " + l;
    EXPECT_TRUE(scans.empty()) << "full scan in the plan of\n" << statement.sql << text;
  }
  return explained;
}

}  // namespace crossdock::store::testing
