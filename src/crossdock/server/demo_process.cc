#include "crossdock/server/demo_process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>

extern char** environ;

namespace crossdock::server {
namespace {

// Terminates the child's process group and reaps the child.
int TerminateGroup(pid_t pid) {
  ::kill(-pid, SIGTERM);
  int status = 0;
  for (int i = 0; i < 100; ++i) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    ::usleep(100 * 1000);
  }
  ::kill(-pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return status;
}

}  // namespace

bool ScriptRun::ok() const {
  return !interrupted && WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
}

std::string DescribeWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return fmt::format("exited with status {}", WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    int sig = WTERMSIG(wait_status);
    const char* name = ::strsignal(sig);
    return fmt::format("was killed by signal {} ({})", sig, name ? name : "unknown");
  }
  return "stopped";
}

std::string TailOfFile(const std::string& path, int lines) {
  std::ifstream in(path);
  if (!in) return "";
  std::deque<std::string> tail;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    tail.push_back(line);
    if (static_cast<int>(tail.size()) > lines) tail.pop_front();
  }
  std::string out;
  for (const auto& l : tail) out += l + "\n";
  return out;
}

Result<ScriptRun> RunScript(const std::vector<std::string>& argv,
                            const std::map<std::string, std::string>& env,
                            const std::string& log_path, const sigset_t* stop_signals) {
  if (argv.empty()) return Error(ErrorCode::kInvalidArgument, "no command", "demo");
  int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) {
    return Error(ErrorCode::kUnavailable,
                 fmt::format("cannot write {}: {}", log_path, std::strerror(errno)), "demo");
  }
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(log_fd);
    return Error(ErrorCode::kUnavailable, "pipe: " + std::string(std::strerror(errno)), "demo");
  }
  // Everything the child needs is prepared before fork (only async-signal-safe calls after).
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    if (env.count(kv.substr(0, kv.find('='))) == 0) env_strings.push_back(std::move(kv));
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& s : args) argp.push_back(s.data());
  argp.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(out[0]);
    ::close(out[1]);
    ::close(log_fd);
    return Error(ErrorCode::kUnavailable, "fork: " + std::string(std::strerror(errno)), "demo");
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::pthread_sigmask(SIG_SETMASK, &none, nullptr);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execvpe(argp[0], argp.data(), envp.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also from the parent: no race with an early kill(-pid)
  ::close(out[1]);
  ::close(log_fd);

  ScriptRun run;
  char buf[4096];
  bool open = true;
  while (open) {
    if (stop_signals != nullptr) {
      sigset_t pending;
      sigpending(&pending);
      for (int sig : {SIGTERM, SIGINT, SIGHUP}) {
        if (sigismember(stop_signals, sig) && sigismember(&pending, sig)) {
          run.interrupted = true;
          run.signal_received = sig;
        }
      }
      if (run.interrupted) break;
    }
    pollfd p{out[0], POLLIN, 0};
    int ready = ::poll(&p, 1, 200);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n > 0) {
      run.output.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      open = false;
    }
  }
  ::close(out[0]);
  if (run.interrupted) {
    run.wait_status = TerminateGroup(pid);
    return run;
  }
  while (::waitpid(pid, &run.wait_status, 0) < 0 && errno == EINTR) {
  }
  return run;
}

}  // namespace crossdock::server
