#include "crossdock/cli/commands.h"

namespace crossdock::cli {

void RegisterAwsCommands(CLI::App& app) {
  app.add_subcommand("aws", "(not yet available)")->require_subcommand(1);
}

}  // namespace crossdock::cli
