// The TCP sockets of the connection path and the options they carry. A listener's options are
// inherited by every socket it accepts (one setsockopt per listener, not per connection); a
// backend socket is made non-blocking by socket(2) itself, without a FIONBIO.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <chrono>

#include "io/unique_fd.h"
#include "routing/listen_scope.h"

namespace snigate::proxy {

// Dead peers are found by keepalive probes after this much silence, one probe every
// kKeepaliveInterval; TCP_USER_TIMEOUT ends the connection when probes or data stay unanswered
// for kUserTimeout (it also caps how long unacknowledged data is retransmitted).
inline constexpr std::chrono::seconds kKeepaliveIdle{60};
inline constexpr std::chrono::seconds kKeepaliveInterval{10};
inline constexpr int kKeepaliveProbes = 3;
inline constexpr std::chrono::seconds kUserTimeout{kKeepaliveIdle + kKeepaliveInterval * kKeepaliveProbes};

struct ListenerSocketOptions {
  // TCP_DEFER_ACCEPT: a connection is queued for accept once its first bytes have arrived, so
  // accept is followed by a read that finds the ClientHello instead of EAGAIN and a wait.
  std::chrono::seconds defer_accept{5};
  int backlog = 4096;
  // Its clients come through a load balancer that sends a PROXY protocol header first.
  bool expects_proxy_header = false;
  // The routes its clients may reach: kUnscoped, or its port for a --scoped-listen listener.
  routing::ListenScope scope = routing::kUnscoped;
};

// A non-blocking SO_REUSEPORT listener with TCP_NODELAY and the keepalive options set for the
// sockets it accepts. "[::]" listens for IPv6 only, so that "0.0.0.0" can be given beside it.
io::UniqueFd open_listener(const boost::asio::ip::tcp::endpoint& endpoint, const ListenerSocketOptions& options);

// A non-blocking, close-on-exec TCP socket for `protocol`, with TCP_NODELAY; invalid (errno set)
// when the kernel refuses one.
io::UniqueFd open_backend_socket(const boost::asio::ip::tcp& protocol);

// Keepalive and TCP_USER_TIMEOUT for a backend socket; done once a connection has lived a few
// seconds, so that the short connections that are most of the traffic never pay the four calls.
void enable_keepalive(int fd);

// The address of an accepted or connected socket.
boost::asio::ip::tcp::endpoint local_endpoint(int fd);

}  // namespace snigate::proxy
