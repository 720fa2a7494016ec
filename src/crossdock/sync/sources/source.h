// Source: where a sync's rows come from. The engine (runner.h) calls Open() once, then
// Next() until it returns false, then Close() exactly once whatever happened, so a source
// can hold a database session, a snapshot or temporary files for the length of a run.
//
// Contract for implementations (PostgreSQL tables and queries, files under an S3 prefix or
// a local directory here; the Redshift Serverless connector next, whose "UNLOAD to S3 then
// read the files" is Open() running UNLOAD into a staging prefix, Next() delegating to a
// FileSetSource over the unloaded files, and Close() deleting them):
// - Open() does every check that can fail before data moves (the table exists, every column
//   type maps, the query parses) and returns the columns; errors name the table or column
//   and the fix. Nothing is written anywhere when Open() fails.
// - Next() appends up to max_rows rows, in the column order Open() returned, with values in
//   the canonical text of their ValueKind (value.h). It returns false at the end.
// - Incremental sources read only rows whose cursor column is past a saved value and report
//   in EndCursor() the value to save; the engine saves it only when the run commits.
// Sources are used by one thread at a time.
#pragma once

#include <optional>
#include <string>

#include "crossdock/core/result.h"
#include "crossdock/sync/row_batch.h"
#include "crossdock/sync/value.h"

namespace crossdock::sync {

class Source {
 public:
  virtual ~Source() = default;
  // What is read, for logs and errors ("PostgreSQL table public.orders on host:5432/db");
  // never a password.
  virtual std::string Describe() const = 0;
  virtual Result<Schema> Open() = 0;
  virtual Result<bool> Next(RowBatch& batch, size_t max_rows) = 0;
  // The cursor this run reads up to, for incremental sources with new rows; nullopt otherwise.
  virtual std::optional<std::string> EndCursor() const { return std::nullopt; }
  // Releases the session and deletes temporary data. Called once, after success or failure.
  virtual Status Close() { return OkStatus(); }
};

}  // namespace crossdock::sync
