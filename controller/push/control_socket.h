// One connection to the dataplane's control socket: each message is a 4-byte big-endian length
// and a JSON document, answered the same way (docs/snapshot.md).
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

namespace snigate::controller::push {

class ControlSocketError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ControlSocketConnection {
 public:
  static constexpr std::chrono::seconds kExchangeTimeout{5};

  // Connects or throws ControlSocketError (no dataplane listening, permission denied, ...).
  explicit ControlSocketConnection(const std::string& path);
  ~ControlSocketConnection();
  ControlSocketConnection(const ControlSocketConnection&) = delete;
  ControlSocketConnection& operator=(const ControlSocketConnection&) = delete;

  // Sends one request and returns the answer; throws ControlSocketError on any I/O failure.
  std::string exchange(std::string_view request);

  // True when the dataplane closed its end (it exited or restarted) while we were idle.
  bool peer_closed() const;

 private:
  void write_all(const char* data, std::size_t size);
  void read_all(char* data, std::size_t size);

  int fd_ = -1;
  std::string path_;
};

}  // namespace snigate::controller::push
