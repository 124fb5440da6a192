// A TCP relay from a loopback port to another, for tests that break connections as networks do:
// freeze() stops forwarding on the connections it carries now and keeps them open, which is a
// half-open connection to the client (a hung peer, a dropped route), while later ones still pass.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "io/unique_fd.h"

namespace snigate::test {

class TcpRelay {
 public:
  // Relays 127.0.0.1:port() to 127.0.0.1:target_port. Throws std::system_error.
  explicit TcpRelay(std::uint16_t target_port);
  ~TcpRelay();
  TcpRelay(const TcpRelay&) = delete;
  TcpRelay& operator=(const TcpRelay&) = delete;

  std::uint16_t port() const { return port_; }

  // Stops forwarding on every connection open now; returns once no byte moves on them any more.
  void freeze();
  // Freezes every connection from now on too, as soon as it is accepted.
  void freeze_all();

 private:
  struct Connection;

  void run();
  void accept_connection();

  std::uint16_t target_port_;
  std::uint16_t port_ = 0;
  io::UniqueFd listener_;
  std::mutex mutex_;  // held while the relay moves bytes, so freeze() is immediate
  std::vector<std::unique_ptr<Connection>> connections_;
  bool freeze_new_ = false;
  std::atomic<bool> stopping_ = false;
  std::thread thread_;
};

}  // namespace snigate::test
