// Shared pieces of `crossdock connection|identity|org`: the global options (--db, --org,
// --format, --master-key-file and their environment variables), opening the store with the
// master key and the organization, printing tables and errors, and the exit codes of
// commands.h. Internal to the cli target.
//
// Defaults: the database is $CROSSDOCK_DB, else DefaultDataDir()/crossdock.db, the store
// `crossdock serve` uses too. The master key is
// CROSSDOCK_MASTER_KEY (the key itself), else --master-key-file / CROSSDOCK_MASTER_KEY_FILE,
// else master.key next to a SQLite database (or in the data directory for PostgreSQL),
// created with mode 0600 on first use. The organization is --org / CROSSDOCK_ORG, else the
// running demo's (demo_settings.h), else "default", which is created on first use; other
// organizations are made with `org create`.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/connect/service.h"
#include "crossdock/core/result.h"
#include "crossdock/store/store.h"

namespace crossdock::cli {

struct GlobalOptions {
  std::string db;                // --db PATH|URL (env CROSSDOCK_DB)
  std::string org;               // --org NAME (env CROSSDOCK_ORG)
  std::string format = "table";  // --format table|json
  std::string master_key_file;   // --master-key-file (env CROSSDOCK_MASTER_KEY_FILE)
  bool init = false;             // --init: create a missing SQLite database
  // --db-pool-size (env CROSSDOCK_DB_POOL_SIZE): PostgreSQL sessions open at once.
  int db_pool_size = store::PostgresPoolOptions::kDefaultMaxConnections;
};

// Adds the global options to a command group; its subcommands accept them too.
void AddGlobalOptions(CLI::App& group, GlobalOptions& options);

// Marks a leaf command so that the group's options may follow it.
CLI::App* Leaf(CLI::App* command);
// The global options as parsed on a command group (connection_test_command.cc).
GlobalOptions ReadGlobal(CLI::App* group);

struct Context {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<connect::ConnectionService> service;
  store::Organization org;
  std::string store_location;  // the --db it opened (or the default)
  bool json = false;
};

// Opens the store (creating a SQLite file and the master key on first use) and resolves the
// organization (the default one is created on first use; others must exist).
Result<Context> OpenContext(const GlobalOptions& options);

// The one default data directory of every command: $CROSSDOCK_HOME, else ~/.crossdock; the
// CLI's earlier ${XDG_DATA_HOME:-~/.local/share}/crossdock when it holds a database and
// ~/.crossdock does not exist; .crossdock without a home directory.
std::string DefaultDataDir();
std::string DefaultDatabaseLocation();
std::string DefaultMasterKeyFile(const std::string& db_location);

// "crossdock CMD: message [field: f]" on stderr; returns the exit code for the error:
// kExitUsage for input and state errors, kExitFailure for I/O and remote failures.
int ReportError(std::string_view command, const Error& error);

// Prints rows as left-aligned columns under an upper-case header.
void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows);

// The identity and org command groups (identity_commands.cc, org_commands.cc), registered by
// RegisterConnectionCommands.
void AddIdentityCommands(CLI::App& app);
void AddOrgCommands(CLI::App& app);

// Reads a secret from stdin (all of it, trailing newline removed). Never echoed.
Result<std::string> ReadSecretFromStdin(std::string_view what);

}  // namespace crossdock::cli
