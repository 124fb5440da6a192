// A real snigate-dataplane process for a test: started with a control socket in a fresh folder,
// stopped (SIGTERM, then SIGKILL) when the object goes, also when the test fails.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "child_process.h"
#include "push/control_socket.h"

namespace snigate::test {

// A TCP port on 127.0.0.1 that was free a moment ago.
inline int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

class DataplaneProcess {
 public:
  explicit DataplaneProcess(std::vector<std::string> extra_arguments = {}) : extra_arguments_(std::move(extra_arguments)) {
    char pattern[] = "/tmp/snigate-dataplane-XXXXXX";
    folder_ = ::mkdtemp(pattern);
    listen_port_ = free_loopback_port();
    start();
  }
  ~DataplaneProcess() {
    stop();
    std::filesystem::remove_all(folder_);
  }
  DataplaneProcess(const DataplaneProcess&) = delete;
  DataplaneProcess& operator=(const DataplaneProcess&) = delete;

  std::string socket_path() const { return (folder_ / "control.sock").string(); }
  const std::filesystem::path& folder() const { return folder_; }
  int listen_port() const { return listen_port_; }

  void start() {
    std::filesystem::remove(socket_path());
    std::vector<std::string> arguments = {SNIGATE_DATAPLANE_BINARY, "--control-socket", socket_path(),
                                          "--listen", "127.0.0.1:" + std::to_string(listen_port_),
                                          "--admin-listen", "127.0.0.1:0", "--drain-timeout", "1s", "--workers", "1"};
    arguments.insert(arguments.end(), extra_arguments_.begin(), extra_arguments_.end());
    process_ = std::make_unique<ChildProcess>(arguments, (folder_ / "dataplane.log").string());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!std::filesystem::exists(socket_path())) {
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("the dataplane did not create " + socket_path());
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  // Stops the dataplane and starts it again with these extra flags (and no snapshot).
  void restart_with(std::vector<std::string> extra_arguments) {
    stop();
    extra_arguments_ = std::move(extra_arguments);
    start();
  }

  // Sends a signal without waiting: SIGTERM starts a drain of --drain-timeout (1s here).
  void signal(int signal_number) const {
    if (process_) process_->signal(signal_number);
  }
  // Waits up to `timeout` for the dataplane to exit by itself; false if it still runs.
  bool wait_for_exit(std::chrono::milliseconds timeout) {
    if (!process_ || !process_->wait_for_exit(timeout)) return false;
    process_.reset();
    return true;
  }

  void stop(int signal_number = SIGTERM) {
    if (process_) process_->stop(signal_number);
    process_.reset();
  }

  // The dataplane's current snapshot document, or its refusal ("no snapshot applied yet").
  std::string current_snapshot() const {
    controller::push::ControlSocketConnection connection(socket_path());
    return connection.exchange(R"({"get":"snapshot"})");
  }

 private:
  std::vector<std::string> extra_arguments_;
  std::filesystem::path folder_;
  int listen_port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace snigate::test
