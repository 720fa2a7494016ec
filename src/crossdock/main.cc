// The crossdock binary: one executable, subcommands per concern (see cli/commands.h).
#include <CLI/CLI.hpp>

#include "crossdock/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"crossdock: reach customers' AWS data through IAM roles and External IDs"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "crossdock 0.1.0");
  crossdock::cli::RegisterAwsCommands(app);
  crossdock::cli::RegisterS3Commands(app);
  crossdock::cli::RegisterPolicyCommands(app);
  crossdock::cli::RegisterConnectionCommands(app);
  crossdock::cli::RegisterConnectionTestCommands(app);
  crossdock::cli::RegisterServeCommand(app);
  crossdock::cli::RegisterSyncCommands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : crossdock::cli::kExitUsage;
  }
  return 0;
}
