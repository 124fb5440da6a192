// Listener on loopback: what accepted sockets carry, and closing without resetting the queue.
#include "proxy/listener.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <gtest/gtest.h>
#include <vector>

namespace snigate::proxy {
namespace {

using namespace std::chrono_literals;

struct Accepted : Listener::Sink {
  void on_accepted(io::UniqueFd client, const boost::asio::ip::tcp::endpoint& peer, bool,
                   routing::ListenScope scope) override {
    sockets.push_back(std::move(client));
    peers.push_back(peer);
    scopes.push_back(scope);
  }
  void on_accept_paused() override { ++pauses; }
  std::vector<io::UniqueFd> sockets;
  std::vector<boost::asio::ip::tcp::endpoint> peers;
  std::vector<routing::ListenScope> scopes;
  int pauses = 0;
};

io::UniqueFd connect_and_send(const boost::asio::ip::tcp::endpoint& to) {
  io::UniqueFd client(::socket(to.protocol().family(), SOCK_STREAM | SOCK_CLOEXEC, 0));
  EXPECT_EQ(::connect(client.get(), to.data(), static_cast<socklen_t>(to.size())), 0);
  EXPECT_EQ(::send(client.get(), "\x16", 1, 0), 1);  // TCP_DEFER_ACCEPT queues clients that spoke
  return client;
}

int option(int fd, int level, int name) {
  int value = -1;
  socklen_t size = sizeof value;
  EXPECT_EQ(::getsockopt(fd, level, name, &value, &size), 0);
  return value;
}

const boost::asio::ip::tcp::endpoint kLoopback{boost::asio::ip::make_address("127.0.0.1"), 0};

// Issue 13, defect 12: no keepalive and no TCP_USER_TIMEOUT on client sockets. The listener's
// options are inherited by what it accepts; accept4 makes them non-blocking and close-on-exec.
TEST(Listener, AcceptedSocketsAreNonBlockingAndCarryKeepaliveAndUserTimeout) {
  io::EventLoop loop;
  Accepted accepted;
  Listener listener(loop, accepted, kLoopback);
  listener.start();
  auto client = connect_and_send(listener.endpoint());
  for (int i = 0; i < 100 && accepted.sockets.empty(); ++i) loop.run_once(10ms);
  ASSERT_EQ(accepted.sockets.size(), 1u);
  int fd = accepted.sockets[0].get();
  EXPECT_TRUE(::fcntl(fd, F_GETFL) & O_NONBLOCK);
  EXPECT_TRUE(::fcntl(fd, F_GETFD) & FD_CLOEXEC);
  EXPECT_EQ(option(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
  EXPECT_EQ(option(fd, IPPROTO_TCP, TCP_KEEPIDLE), kKeepaliveIdle.count());
  EXPECT_EQ(option(fd, IPPROTO_TCP, TCP_USER_TIMEOUT), std::chrono::milliseconds(kUserTimeout).count());
  EXPECT_EQ(option(fd, IPPROTO_TCP, TCP_NODELAY), 1);
  EXPECT_EQ(accepted.peers[0], local_endpoint(client.get()));
  EXPECT_EQ(accepted.scopes[0], routing::kUnscoped);
}

TEST(Listener, HandsOnItsScopeWithEveryClient) {
  io::EventLoop loop;
  Accepted accepted;
  ListenerSocketOptions options;
  options.scope = 10001;
  Listener listener(loop, accepted, kLoopback, options);
  listener.start();
  auto client = connect_and_send(listener.endpoint());
  for (int i = 0; i < 100 && accepted.sockets.empty(); ++i) loop.run_once(10ms);
  ASSERT_EQ(accepted.scopes.size(), 1u);
  EXPECT_EQ(accepted.scopes[0], 10001);
}

// Issue 13, defect 12: clients still in a closing SO_REUSEPORT listener's queue were reset.
TEST(Listener, ClosingAcceptsEveryQueuedClientFirst) {
  io::EventLoop loop;
  Accepted accepted;
  Listener listener(loop, accepted, kLoopback);
  listener.start();
  std::vector<io::UniqueFd> clients;
  for (int i = 0; i < 150; ++i) clients.push_back(connect_and_send(listener.endpoint()));
  listener.close();
  EXPECT_FALSE(listener.is_open());
  EXPECT_EQ(accepted.sockets.size(), 150u);
}

TEST(Listener, DefaultIpv6ListenerTakesIpv6OnlySoIpv4CanShareThePort) {
  io::EventLoop loop;
  Accepted accepted;
  Listener v6(loop, accepted, {boost::asio::ip::make_address("::1"), 0});
  Listener v4(loop, accepted, {boost::asio::ip::make_address("127.0.0.1"), v6.endpoint().port()});
  EXPECT_EQ(v4.endpoint().port(), v6.endpoint().port());
}

}  // namespace
}  // namespace snigate::proxy
