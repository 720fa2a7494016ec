// The crossdock binary: one executable, subcommands per concern (see cli/commands.h).
#include "crossdock/cli/app.h"
#include "crossdock/cli/commands.h"

int main(int argc, char** argv) {
  auto app = crossdock::cli::BuildApp();
  try {
    app->parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    int rc = app->exit(e);
    return rc == 0 ? 0 : crossdock::cli::kExitUsage;
  }
  return 0;
}
