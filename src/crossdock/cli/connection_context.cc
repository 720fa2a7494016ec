#include "crossdock/cli/connection_context.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "crossdock/cli/commands.h"
#include "crossdock/cli/demo_settings.h"
#include "crossdock/core/text.h"
#include "crossdock/crypto/secretbox.h"

namespace crossdock::cli {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

std::string DefaultDataDir() {
  std::string env = Env("CROSSDOCK_HOME");
  if (!env.empty()) return env;
  std::string home = Env("HOME");
  if (home.empty()) return ".crossdock";
  std::filesystem::path primary = std::filesystem::path(home) / ".crossdock";
  // The folder the CLI used before serve and the CLI shared one: still read when it holds a
  // database and ~/.crossdock does not exist.
  std::string xdg = Env("XDG_DATA_HOME");
  std::filesystem::path legacy = (xdg.empty() ? std::filesystem::path(home) / ".local" / "share"
                                              : std::filesystem::path(xdg)) /
                                 "crossdock";
  std::error_code ec;
  if (!std::filesystem::exists(primary, ec) &&
      std::filesystem::exists(legacy / "crossdock.db", ec)) {
    return legacy.string();
  }
  return primary.string();
}

std::string DefaultDatabaseLocation() {
  std::string env = Env("CROSSDOCK_DB");
  if (!env.empty()) return env;
  return (std::filesystem::path(DefaultDataDir()) / "crossdock.db").string();
}

std::string DefaultMasterKeyFile(const std::string& db_location) {
  if (!store::IsPostgresUrl(db_location)) {
    std::string file = db_location;
    if (file.starts_with("sqlite:")) file = file.substr(7);
    std::filesystem::path p(file);
    return (p.parent_path() / "master.key").string();
  }
  return (std::filesystem::path(DefaultDataDir()) / "master.key").string();
}

void AddGlobalOptions(CLI::App& group, GlobalOptions& o) {
  group.add_option("--db", o.db,
                   "SQLite file or PostgreSQL URL (env CROSSDOCK_DB; default "
                   "~/.crossdock/crossdock.db, as `crossdock serve`)");
  group
      .add_option("--db-pool-size", o.db_pool_size,
                  "PostgreSQL --db only: the most database sessions this process opens at once "
                  "(opened on demand; further transactions wait for a free one)")
      ->envname("CROSSDOCK_DB_POOL_SIZE")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  group.add_option("--org", o.org, "Organization name (env CROSSDOCK_ORG; default \"default\")");
  group.add_option("--format", o.format, "Output format")->check(CLI::IsMember({"table", "json"}));
  group.add_option("--master-key-file", o.master_key_file,
                   "File holding the master key that encrypts secrets (env "
                   "CROSSDOCK_MASTER_KEY_FILE, or the key itself in CROSSDOCK_MASTER_KEY; "
                   "default master.key next to the database, created with it)");
  group.add_flag("--init", o.init,
                 "Create the database (and its master key) when it does not exist yet; without "
                 "it a missing SQLite file is an error, so a mistyped --db creates nothing");
}

CLI::App* Leaf(CLI::App* command) {
  command->fallthrough();
  return command;
}

Result<Context> OpenContext(const GlobalOptions& o) {
  store::StoreOptions so;
  so.location = o.db.empty() ? DefaultDatabaseLocation() : o.db;
  so.postgres_pool.max_connections = o.db_pool_size;
  bool postgres = so.location.starts_with("postgres://") ||
                  so.location.starts_with("postgresql://") ||
                  so.location.find('=') != std::string::npos;
  std::error_code ec;
  if (!postgres && !o.init && !std::filesystem::exists(so.location, ec)) {
    return Error(ErrorCode::kNotFound,
                 "no crossdock database at " + so.location +
                     "; check --db (or CROSSDOCK_DB), or create one here with --init "
                     "(crossdock serve creates its own on first start)",
                 "db");
  }
  crypto::MasterKeyOptions ko;
  ko.env_value = Env("CROSSDOCK_MASTER_KEY");
  ko.file_path = o.master_key_file;
  if (ko.file_path.empty()) ko.file_path = Env("CROSSDOCK_MASTER_KEY_FILE");
  if (ko.file_path.empty()) ko.file_path = DefaultMasterKeyFile(so.location);
  ASSIGN_OR_RETURN(crypto::MasterKey key, crypto::LoadMasterKey(ko));
  if (key.created) {
    std::cerr << "crossdock: generated a new master key in " << key.source
              << " (mode 0600); back it up: stored secrets cannot be decrypted without it\n";
  }
  so.secret_box = std::move(key.box);
  Context ctx;
  ctx.store_location = so.location;
  ASSIGN_OR_RETURN(ctx.store, store::OpenStore(std::move(so)));
  ctx.service = std::make_unique<connect::ConnectionService>(*ctx.store);
  std::string org = o.org.empty() ? Env("CROSSDOCK_ORG") : o.org;
  if (org.empty()) {
    // While `crossdock serve --demo` runs on this store, its organization is the default.
    if (auto demo = FindDemoSettings(ctx.store_location)) org = demo->org;
  }
  if (org.empty() || org == connect::kDefaultOrganization) {
    ASSIGN_OR_RETURN(ctx.org, ctx.service->EnsureOrganization(connect::kDefaultOrganization));
  } else {
    ASSIGN_OR_RETURN(ctx.org, ctx.service->FindOrganization(org));
  }
  ctx.json = o.format == "json";
  return ctx;
}

int ReportError(std::string_view command, const Error& error) {
  // Messages may quote what a tenant stored (a name, a remote error): on a terminal their
  // control characters are shown escaped, never interpreted.
  bool tty = ::isatty(STDERR_FILENO);
  std::cerr << "crossdock " << command << ": "
            << (tty ? EscapeForTerminal(error.message()) : error.message());
  if (!error.field().empty()) {
    std::cerr << " [field: " << (tty ? EscapeForTerminal(error.field()) : error.field()) << "]";
  }
  std::cerr << "\n";
  switch (error.code()) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kUnauthenticated:
    case ErrorCode::kAccessDenied:
      return kExitUsage;
    default:
      return kExitFailure;
  }
}

void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& raw_rows) {
  // Cells hold names and messages tenants chose: escaped, so none can move the cursor or
  // break the columns.
  std::vector<std::vector<std::string>> rows = raw_rows;
  for (auto& r : rows) {
    for (auto& cell : r) cell = EscapeForTerminal(cell);
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (std::size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], r[i].size());
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      out += cells[i];
      if (i + 1 < cells.size()) out += std::string(width[i] - cells[i].size() + 2, ' ');
    }
    std::cout << out << "\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
}

Result<std::string> ReadSecretFromStdin(std::string_view what) {
  if (::isatty(STDIN_FILENO)) {
    std::cerr << "Enter the " << what << " and press Ctrl-D: ";
  }
  std::stringstream buf;
  buf << std::cin.rdbuf();
  std::string s = buf.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  if (s.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 std::string("nothing was read from stdin for the ") + std::string(what) +
                     "; pipe it in, e.g. `printf %s \"$SECRET\" | crossdock ...`",
                 std::string(what));
  }
  return s;
}

}  // namespace crossdock::cli
