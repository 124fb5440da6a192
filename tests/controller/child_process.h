// A program a test starts and owns: its output goes to a log file, and it is stopped (SIGTERM,
// then SIGKILL after 5 s) when the object goes, also when the test fails.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace snigate::test {

class ChildProcess {
 public:
  ChildProcess(std::vector<std::string> arguments, std::string log_path)
      : arguments_(std::move(arguments)), log_path_(std::move(log_path)) {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (auto& argument : arguments_) argv.push_back(argument.data());
      argv.push_back(nullptr);
      if (std::FILE* log = std::fopen(log_path_.c_str(), "a")) {
        ::dup2(::fileno(log), STDOUT_FILENO);
        ::dup2(::fileno(log), STDERR_FILENO);
      }
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~ChildProcess() { stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Sends `signal_number` and waits for the exit; returns the exit status (128+signal if killed).
  int stop(int signal_number = SIGTERM) {
    if (pid_ <= 0) return exit_status_;
    ::kill(pid_, signal_number);
    int status = 0;
    for (int waited = 0; waited < 100; ++waited) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) return finish(status);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    return finish(status);
  }

  bool running() const { return pid_ > 0; }

  // Waits up to `timeout` for the process to exit by itself; its exit status, or nullopt if it
  // still runs.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return exit_status_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) != pid_) {
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return finish(status);
  }

  // Sends a signal that does not end it, such as SIGSTOP and SIGCONT.
  void signal(int signal_number) const {
    if (pid_ > 0) ::kill(pid_, signal_number);
  }

  std::string log() const {
    std::ifstream in(log_path_);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
  }

 private:
  int finish(int status) {
    pid_ = -1;
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_status_;
  }

  std::vector<std::string> arguments_;
  std::string log_path_;
  pid_t pid_ = -1;
  int exit_status_ = 0;
};

}  // namespace snigate::test
