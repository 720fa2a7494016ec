#include "crossdock/cli/commands.h"

namespace crossdock::cli {

void AddAwsCurlCommand(CLI::App& aws) { aws.add_subcommand("curl", "(not yet available)"); }

}  // namespace crossdock::cli
