#include "proxy/listener.h"

#include <sys/socket.h>

#include <boost/asio/ip/v6_only.hpp>

#include "log/log.h"
#include "proxy/connection.h"
#include "proxy/worker.h"

namespace snigate::proxy {
namespace {

using boost::asio::ip::tcp;

// Out of descriptors or memory: retrying at once would spin, so accepting pauses this long.
constexpr auto kResourcePause = std::chrono::milliseconds(100);
constexpr int kBacklog = 4096;

bool is_resource_exhaustion(const boost::system::error_code& error) {
  return error == boost::system::errc::too_many_files_open ||
         error == boost::system::errc::too_many_files_open_in_system ||
         error == boost::system::errc::no_buffer_space || error == boost::system::errc::not_enough_memory;
}

tcp::acceptor open_reuseport_acceptor(boost::asio::io_context& io, const tcp::endpoint& endpoint) {
  tcp::acceptor acceptor(io);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  // Accepted sockets inherit TCP_NODELAY from the listener on Linux: one syscall per listener
  // instead of one per connection. Without it, small replies could wait for Nagle.
  acceptor.set_option(tcp::no_delay(true));
  int enable = 1;
  if (::setsockopt(acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &enable, sizeof enable) != 0) {
    throw boost::system::system_error(errno, boost::system::system_category(), "SO_REUSEPORT");
  }
  // "[::]" and "0.0.0.0" are separate listeners here, so that both can be given.
  if (endpoint.address().is_v6()) acceptor.set_option(boost::asio::ip::v6_only(true));
  acceptor.bind(endpoint);
  acceptor.listen(kBacklog);
  return acceptor;
}

}  // namespace

Listener::Listener(Worker& worker, const tcp::endpoint& endpoint)
    : worker_(worker), acceptor_(open_reuseport_acceptor(worker.io(), endpoint)), pause_timer_(worker.io()) {}

void Listener::start() { accept(); }

void Listener::close() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  pause_timer_.cancel();
}

void Listener::accept() {
  // The peer's address comes with accept(2) itself: no getpeername per connection. (Asio's own
  // accept is kept over accept4+assign: Asio treats assigned sockets as possible dups and pays an
  // EPOLL_CTL_DEL for each when it closes them.)
  acceptor_.async_accept(peer_, [this](const boost::system::error_code& error, tcp::socket socket) {
    on_accept(error, std::move(socket));
  });
}

void Listener::on_accept(const boost::system::error_code& error, tcp::socket socket) {
  if (error == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (error) {
    if (is_resource_exhaustion(error)) {
      pause_after_resource_exhaustion();
      return;
    }
    accept();  // a connection that died in the queue (ECONNABORTED and the like) concerns only itself
    return;
  }
  ++worker_.metrics().accepted;
  auto slot = worker_.limit().try_acquire();
  if (!slot) {
    ++worker_.metrics().rejected_over_capacity;
    socket.close();
  } else {
    worker_.adopt(std::make_shared<Connection>(worker_, std::move(socket), peer_, std::move(*slot)));
  }
  accept();
}

void Listener::pause_after_resource_exhaustion() {
  ++worker_.metrics().accept_pauses;
  log::write(log::Level::warn, "accept paused: out of file descriptors or memory",
             {{"worker", worker_.index()}, {"pause_ms", kResourcePause.count()}});
  pause_timer_.expires_after(kResourcePause);
  pause_timer_.async_wait([this](const boost::system::error_code& error) {
    if (!error && acceptor_.is_open()) accept();
  });
}

}  // namespace snigate::proxy
