// SnapshotServer over a real Unix socket: a stalled request is closed, idle connections are not,
// and connections beyond the limit get a refusal.
#include "control/snapshot_server.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <cstring>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "log/log.h"

namespace snigate::control {
namespace {

using nlohmann::json;

class ControlSocket : public testing::Test {
 protected:
  void SetUp() override {
    log::set_level(log::Level::error);
    path_ = "/tmp/snigate-control-test-" + std::to_string(::getpid()) + ".sock";
    server_ = std::make_unique<SnapshotServer>(io_, path_, 0600, store_, applier_,
                                               SnapshotServer::Limits{std::chrono::milliseconds(300), 2});
    server_->start();
    runner_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    io_.stop();
    runner_.join();
    server_.reset();
    log::set_level(log::Level::info);
  }

  // A connected client whose reads give up after two seconds.
  int connect_client() {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof address.sun_path - 1);
    timeval timeout{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    return fd;
  }

  static void send_all(int fd, std::string_view bytes) {
    ASSERT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
  }

  static std::string framed(std::string_view body) {
    const auto n = static_cast<std::uint32_t>(body.size());
    return std::string{static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                       static_cast<char>(n)} +
           std::string(body);
  }

  // The next answer, or "(closed)" / "(timeout)".
  static std::string answer(int fd) {
    std::array<unsigned char, 4> header{};
    std::size_t got = 0;
    while (got < header.size()) {
      ssize_t n = ::recv(fd, header.data() + got, header.size() - got, 0);
      if (n == 0) return "(closed)";
      if (n < 0) return "(timeout)";
      got += static_cast<std::size_t>(n);
    }
    std::string body((std::size_t{header[0]} << 24) | (std::size_t{header[1]} << 16) | (std::size_t{header[2]} << 8) |
                         header[3],
                     '\0');
    for (std::size_t at = 0; at < body.size();) {
      ssize_t n = ::recv(fd, body.data() + at, body.size() - at, 0);
      if (n <= 0) return "(closed)";
      at += static_cast<std::size_t>(n);
    }
    return body;
  }

  boost::asio::io_context io_;
  RouteStore store_{1};
  SnapshotApplier applier_;
  std::string path_;
  std::unique_ptr<SnapshotServer> server_;
  std::thread runner_;
};

TEST_F(ControlSocket, ARequestThatStallsIsClosedAfterTheTimeout) {
  int fd = connect_client();
  send_all(fd, std::string("\0\0", 2));  // half a length prefix, then nothing
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(answer(fd), "(closed)");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
  ::close(fd);
}

TEST_F(ControlSocket, AnIdleConnectionStaysOpenAndEachRequestHasItsOwnTimeout) {
  int fd = connect_client();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // idle for longer than the timeout
  send_all(fd, framed(R"({"get": "snapshot"})"));
  EXPECT_EQ(json::parse(answer(fd)), (json{{"ok", false}, {"error", "no snapshot applied yet"}}));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  send_all(fd, framed(R"({"get": "snapshot"})"));
  EXPECT_EQ(json::parse(answer(fd))["ok"], false);
  ::close(fd);
}

TEST_F(ControlSocket, ConnectionsBeyondTheLimitAreRefused) {
  int first = connect_client(), second = connect_client();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  int third = connect_client();
  EXPECT_EQ(json::parse(answer(third)),
            (json{{"ok", false}, {"error", "too many control connections (at most 2)"}}));
  ::close(third);
  ::close(first);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  int fourth = connect_client();
  send_all(fourth, framed(R"({"get": "snapshot"})"));
  EXPECT_EQ(json::parse(answer(fourth))["error"], "no snapshot applied yet");
  ::close(fourth);
  ::close(second);
}

}  // namespace
}  // namespace snigate::control
