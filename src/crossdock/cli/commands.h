// Command groups of the `crossdock` binary. Each group lives in its own file and registers
// its subcommands on the root CLI11 app; main.cc only wires them together.
//
// Exit codes scripts can rely on: 0 success, 1 the command ran and found a problem (a lint
// error, a failed check, a denied decision), 2 usage or input error, 3 a remote or I/O
// failure. Commands report errors on stderr with the field and the fix; nothing secret is
// ever printed.
#pragma once

#include <CLI/CLI.hpp>

namespace crossdock::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFinding = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitFailure = 3;

// Throws CLI::RuntimeError with this code when it is not zero; use at the end of callbacks.
inline void ExitWith(int code) {
  if (code != 0) throw CLI::RuntimeError(code);
}

void RegisterAwsCommands(CLI::App& app);     // aws sign, aws curl (aws_commands.cc)
void AddAwsSignCommand(CLI::App& aws);       // aws sign (aws_sign_command.cc)
void AddAwsCurlCommand(CLI::App& aws);       // aws curl (aws_curl_command.cc)
void RegisterS3Commands(CLI::App& app);      // s3 ls|cp|rm
void RegisterPolicyCommands(CLI::App& app);  // policy check|simulate|generate|diff
// connection create|list|show|update|delete|test|policies, identity, org, credentials
void RegisterConnectionCommands(CLI::App& app);
// connection test|policies and credentials (connection_test_command.cc); after the above.
void RegisterConnectionTestCommands(CLI::App& app);
// connection checks|drift-check (drift_commands.cc), after RegisterConnectionCommands.
void RegisterDriftCommands(CLI::App& app);
void RegisterServeCommand(CLI::App& app);  // serve (serve_command.cc)

void RegisterSyncCommands(CLI::App& app);  // sync create|list|show|delete|run|runs|cancel, worker

}  // namespace crossdock::cli
