#include "crossdock/cli/commands.h"

namespace crossdock::cli {

void AddAwsSignCommand(CLI::App& aws) { aws.add_subcommand("sign", "(not yet available)"); }

}  // namespace crossdock::cli
