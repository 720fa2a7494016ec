#include "crossdock/cli/app.h"

#include "crossdock/cli/commands.h"

namespace crossdock::cli {

std::unique_ptr<CLI::App> BuildApp() {
  auto app = std::make_unique<CLI::App>(
      "crossdock: reach customers' AWS data through IAM roles and External IDs");
  app->require_subcommand(1);
  app->set_version_flag("--version", "crossdock 0.1.0");
  RegisterAwsCommands(*app);
  RegisterS3Commands(*app);
  RegisterPolicyCommands(*app);
  RegisterConnectionCommands(*app);
  RegisterConnectionTestCommands(*app);
  RegisterDriftCommands(*app);
  RegisterServeCommand(*app);
  RegisterSyncCommands(*app);
  return app;
}

}  // namespace crossdock::cli
