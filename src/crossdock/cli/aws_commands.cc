#include "crossdock/cli/commands.h"

namespace crossdock::cli {

void RegisterAwsCommands(CLI::App& app) {
  CLI::App* aws =
      app.add_subcommand("aws", "Low-level AWS tools: SigV4 signing and signed requests");
  aws->require_subcommand(1);
  AddAwsSignCommand(*aws);
  AddAwsCurlCommand(*aws);
}

}  // namespace crossdock::cli
