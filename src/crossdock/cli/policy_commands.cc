#include "crossdock/cli/commands.h"

namespace crossdock::cli {

void RegisterPolicyCommands(CLI::App& app) {
  app.add_subcommand("policy", "(not yet available)")->require_subcommand(1);
}

}  // namespace crossdock::cli
