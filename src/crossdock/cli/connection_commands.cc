#include "crossdock/cli/commands.h"

namespace crossdock::cli {

void RegisterConnectionCommands(CLI::App& app) {
  app.add_subcommand("connection", "(not yet available)");
}

}  // namespace crossdock::cli
