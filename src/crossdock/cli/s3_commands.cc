#include "crossdock/cli/commands.h"

namespace crossdock::cli {

void RegisterS3Commands(CLI::App& app) {
  app.add_subcommand("s3", "(not yet available)")->require_subcommand(1);
}

}  // namespace crossdock::cli
