#include "proxy/tcp_sockets.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/system/system_error.hpp>
#include <cerrno>
#include <string>

namespace snigate::proxy {
namespace {

void set_option(int fd, int level, int name, int value, const char* what) {
  if (::setsockopt(fd, level, name, &value, sizeof value) != 0) {
    throw boost::system::system_error(errno, boost::system::system_category(), what);
  }
}

void set_keepalive_options(int fd) {
  set_option(fd, SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE");
  set_option(fd, IPPROTO_TCP, TCP_KEEPIDLE, static_cast<int>(kKeepaliveIdle.count()), "TCP_KEEPIDLE");
  set_option(fd, IPPROTO_TCP, TCP_KEEPINTVL, static_cast<int>(kKeepaliveInterval.count()), "TCP_KEEPINTVL");
  set_option(fd, IPPROTO_TCP, TCP_KEEPCNT, kKeepaliveProbes, "TCP_KEEPCNT");
  set_option(fd, IPPROTO_TCP, TCP_USER_TIMEOUT,
             static_cast<int>(std::chrono::milliseconds(kUserTimeout).count()), "TCP_USER_TIMEOUT");
}

}  // namespace

io::UniqueFd open_listener(const boost::asio::ip::tcp::endpoint& endpoint, const ListenerSocketOptions& options) {
  io::UniqueFd fd(::socket(endpoint.protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) throw boost::system::system_error(errno, boost::system::system_category(), "socket");
  set_option(fd.get(), SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
  set_option(fd.get(), SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT");
  // Inherited by accepted sockets on Linux, like the keepalive options below.
  set_option(fd.get(), IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
  set_keepalive_options(fd.get());
  if (options.defer_accept.count() > 0) {
    set_option(fd.get(), IPPROTO_TCP, TCP_DEFER_ACCEPT, static_cast<int>(options.defer_accept.count()),
               "TCP_DEFER_ACCEPT");
  }
  if (endpoint.address().is_v6()) set_option(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY");
  if (::bind(fd.get(), endpoint.data(), static_cast<socklen_t>(endpoint.size())) != 0) {
    throw boost::system::system_error(errno, boost::system::system_category(), "bind");
  }
  if (::listen(fd.get(), options.backlog) != 0) {
    throw boost::system::system_error(errno, boost::system::system_category(), "listen");
  }
  return fd;
}

io::UniqueFd open_backend_socket(const boost::asio::ip::tcp& protocol) {
  io::UniqueFd fd(::socket(protocol.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return fd;
  int enable = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &enable, sizeof enable);
  return fd;
}

void enable_keepalive(int fd) {
  try {
    set_keepalive_options(fd);
  } catch (const boost::system::system_error&) {
    // A socket that has just died refuses options; its connection learns that from its next read.
  }
}

boost::asio::ip::tcp::endpoint local_endpoint(int fd) {
  boost::asio::ip::tcp::endpoint endpoint;
  socklen_t size = static_cast<socklen_t>(endpoint.capacity());
  if (::getsockname(fd, endpoint.data(), &size) == 0) endpoint.resize(size);
  return endpoint;
}

}  // namespace snigate::proxy
