// The control socket: the controller pushes length-prefixed snapshot documents over a Unix socket
// and reads back an ack or the reason for a rejection. Only peers with our uid (or root) may talk.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "control/route_store.h"
#include "control/snapshot_applier.h"

namespace snigate::control {

// Every message, both ways: a 4-byte big-endian length, then that many bytes of JSON.
inline constexpr std::size_t kMaxMessageBytes = 64 * 1024 * 1024;

struct ControlSocketLimits {
  // For a request to arrive whole from its first byte, and for its answer to be taken: a peer that
  // stalls either way is closed. Idle connections between requests are left open (the controller
  // keeps one), and the time spent applying a snapshot does not count.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  std::size_t max_sessions = 16;  // beyond it, a new connection gets a refusal and is closed
};

class SnapshotServer {
 public:
  using Limits = ControlSocketLimits;

  // Requests are decoded and applied on `applier`'s thread, never on `io`'s.
  SnapshotServer(boost::asio::io_context& io, std::string path, mode_t mode, RouteStore& routes,
                 SnapshotApplier& applier, Limits limits = {});
  ~SnapshotServer();

  void start();
  void close();

  // Answers one request: a snapshot to apply, or {"get": "snapshot"}. Pure apart from `routes`.
  // A snapshot is parsed once, by snapshot::decode.
  static std::string handle(std::string_view request, RouteStore& routes);

 private:
  void accept();

  std::string path_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  RouteStore& routes_;
  SnapshotApplier& applier_;
  Limits limits_;
  std::shared_ptr<std::size_t> open_sessions_;  // counted by the sessions, which may outlive us
};

}  // namespace snigate::control
