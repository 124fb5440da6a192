// The control socket: the controller pushes length-prefixed snapshot documents over a Unix socket
// and reads back an ack or the reason for a rejection. Only peers with our uid (or root) may talk.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <cstdint>
#include <string>

#include "control/route_store.h"

namespace snigate::control {

// Every message, both ways: a 4-byte big-endian length, then that many bytes of JSON.
inline constexpr std::size_t kMaxMessageBytes = 64 * 1024 * 1024;

class SnapshotServer {
 public:
  SnapshotServer(boost::asio::io_context& io, std::string path, mode_t mode, RouteStore& routes);
  ~SnapshotServer();

  void start();
  void close();

  // Answers one request: a snapshot to apply, or {"get": "snapshot"}. Pure apart from `routes`.
  static std::string handle(std::string_view request, RouteStore& routes);

 private:
  void accept();

  std::string path_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  RouteStore& routes_;
};

}  // namespace snigate::control
