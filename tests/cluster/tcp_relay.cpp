#include "tcp_relay.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <system_error>

namespace snigate::test {
namespace {

[[noreturn]] void fail(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  return address;
}

bool would_block() { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR; }

}  // namespace

// Bytes read from one side wait in `to_server` or `to_client` until the other side takes them;
// a side reads again only when what it sent has gone.
struct TcpRelay::Connection {
  io::UniqueFd client;
  io::UniqueFd server;
  std::string to_server;
  std::string to_client;
  bool frozen = false;
  bool closed = false;

  static short events(const std::string& outgoing, const std::string& incoming) {
    return static_cast<short>((outgoing.empty() ? POLLIN : 0) | (incoming.empty() ? 0 : POLLOUT));
  }

  void pump() {
    move(client.get(), server.get(), to_server);
    move(server.get(), client.get(), to_client);
  }

  void move(int from, int to, std::string& pending) {
    if (closed) return;
    if (pending.empty()) {
      char buffer[65536];
      const ssize_t received = ::recv(from, buffer, sizeof buffer, 0);
      if (received == 0 || (received < 0 && !would_block())) {
        closed = true;
        return;
      }
      if (received > 0) pending.assign(buffer, static_cast<std::size_t>(received));
    }
    if (pending.empty()) return;
    const ssize_t sent = ::send(to, pending.data(), pending.size(), MSG_NOSIGNAL);
    if (sent < 0 && !would_block()) closed = true;
    if (sent > 0) pending.erase(0, static_cast<std::size_t>(sent));
  }
};

TcpRelay::TcpRelay(std::uint16_t target_port) : target_port_(target_port) {
  listener_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!listener_) fail("relay socket");
  sockaddr_in address = loopback(0);
  if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) fail("relay bind");
  if (::listen(listener_.get(), 64) != 0) fail("relay listen");
  socklen_t length = sizeof address;
  if (::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) fail("relay getsockname");
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { run(); });
}

TcpRelay::~TcpRelay() {
  stopping_ = true;
  thread_.join();
}

void TcpRelay::freeze() {
  std::lock_guard lock(mutex_);
  for (auto& connection : connections_) connection->frozen = true;
}

void TcpRelay::freeze_all() {
  std::lock_guard lock(mutex_);
  for (auto& connection : connections_) connection->frozen = true;
  freeze_new_ = true;
}

void TcpRelay::accept_connection() {
  auto connection = std::make_unique<Connection>();
  connection->client.reset(::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (!connection->client) return;
  connection->server.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const sockaddr_in target = loopback(target_port_);
  if (!connection->server ||
      ::connect(connection->server.get(), reinterpret_cast<const sockaddr*>(&target), sizeof target) != 0) {
    return;  // the client sees its connection closed, as it would see a refused one
  }
  ::fcntl(connection->server.get(), F_SETFL, O_NONBLOCK);
  connection->frozen = freeze_new_;
  connections_.push_back(std::move(connection));
}

// Polls only to sleep until something may move (or 50 ms, so that stopping is noticed), then
// tries every connection that is not frozen, without blocking.
void TcpRelay::run() {
  while (!stopping_) {
    std::vector<pollfd> watched{{listener_.get(), POLLIN, 0}};
    {
      std::lock_guard lock(mutex_);
      for (const auto& connection : connections_) {
        if (connection->frozen) continue;
        watched.push_back({connection->client.get(), Connection::events(connection->to_server, connection->to_client), 0});
        watched.push_back({connection->server.get(), Connection::events(connection->to_client, connection->to_server), 0});
      }
    }
    ::poll(watched.data(), watched.size(), 50);
    std::lock_guard lock(mutex_);
    if (watched.front().revents & POLLIN) accept_connection();
    for (auto& connection : connections_) {
      if (!connection->frozen) connection->pump();
    }
    std::erase_if(connections_, [](const auto& connection) { return connection->closed; });
  }
}

}  // namespace snigate::test
