// Running the demo's peer scripts (scripts/peers/*.sh, *.py) as child processes for
// `crossdock serve --demo`: each child runs in a process group of its own with the stop
// signals unblocked (a terminal's Ctrl-C reaches crossdock only, which then stops the peers
// in order), its stdout is captured (the `export NAME=value` lines) and its stderr appended
// to a log file. While a child runs, a pending SIGTERM or SIGINT of this process interrupts
// it: the child's group is terminated and the result says so. It does not interpret the scripts'
// output and never runs a shell: argv is executed as is.
#pragma once

#include <signal.h>

#include <map>
#include <string>
#include <vector>

#include "crossdock/core/result.h"

namespace crossdock::server {

struct ScriptRun {
  std::string output;        // everything the child wrote to stdout
  int wait_status = 0;       // as waitpid reports it
  bool interrupted = false;  // a stop signal arrived; the child's group was terminated
  int signal_received = 0;   // that signal
  bool ok() const;           // exited with status 0 and not interrupted
};

// Runs argv (argv[0] found on PATH) with this process's environment plus `env`, stderr
// appended to `log_path`. `stop_signals` (may be null) must be blocked in the calling thread;
// they are polled, never consumed unless they interrupt. kUnavailable when it cannot start.
Result<ScriptRun> RunScript(const std::vector<std::string>& argv,
                            const std::map<std::string, std::string>& env,
                            const std::string& log_path, const sigset_t* stop_signals);

// "exited with status 1", "was killed by signal 9 (Killed)": never a raw wait status.
std::string DescribeWaitStatus(int wait_status);

// The last `lines` non-empty lines of a text file ("" when unreadable).
std::string TailOfFile(const std::string& path, int lines);

}  // namespace crossdock::server
