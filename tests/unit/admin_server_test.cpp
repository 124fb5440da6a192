// AdminServer::respond: what /metrics, /healthz and /readyz answer, status line and headers included.
#include "control/admin_server.h"

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/write.hpp>
#include <string>
#include <thread>

namespace snigate::control {
namespace {

class AdminResponses : public testing::Test {
 protected:
  boost::asio::io_context io;
  std::string metrics_body = "snigate_workers 2\n";
  bool ready = false;
  // Bound to an ephemeral loopback port; respond() never touches the socket.
  AdminServer server{io, {boost::asio::ip::make_address("127.0.0.1"), 0},
                     AdminServer::Handlers{[this] { return metrics_body; }, [this] { return ready; }}};

  std::string respond(std::string_view target, std::string_view method = "GET") {
    return server.respond(method, target, boost::asio::ip::make_address("127.0.0.1"));
  }
};

std::string status_line(const std::string& response) { return response.substr(0, response.find("\r\n")); }

std::string body(const std::string& response) { return response.substr(response.find("\r\n\r\n") + 4); }

TEST_F(AdminResponses, ReadyzIsUnavailableUntilASnapshotIsApplied) {
  auto response = respond("/readyz");
  EXPECT_EQ(status_line(response), "HTTP/1.0 503 Service Unavailable");
  EXPECT_EQ(body(response), "not ready\n");
  ready = true;
  response = respond("/readyz");
  EXPECT_EQ(status_line(response), "HTTP/1.0 200 OK");
  EXPECT_EQ(body(response), "ready\n");
}

TEST_F(AdminResponses, HealthzIsAlwaysOk) {
  EXPECT_EQ(status_line(respond("/healthz")), "HTTP/1.0 200 OK");
}

TEST_F(AdminResponses, MetricsUseThePrometheusTextContentType) {
  auto response = respond("/metrics");
  EXPECT_EQ(status_line(response), "HTTP/1.0 200 OK");
  EXPECT_NE(response.find("\r\nContent-Type: text/plain; version=0.0.4\r\n"), std::string::npos) << response;
  EXPECT_NE(response.find("\r\nContent-Length: " + std::to_string(metrics_body.size()) + "\r\n"), std::string::npos);
  EXPECT_NE(response.find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_EQ(body(response), metrics_body);
}

TEST_F(AdminResponses, QueryStringIsIgnored) {
  EXPECT_EQ(body(respond("/metrics?name[]=snigate_workers")), metrics_body);
}

TEST_F(AdminResponses, UnknownPathIsNotFound) {
  EXPECT_EQ(status_line(respond("/")), "HTTP/1.0 404 Not Found");
  EXPECT_EQ(status_line(respond("/metrics/")), "HTTP/1.0 404 Not Found");
}

TEST_F(AdminResponses, OnlyGetAndHeadAreAllowed) {
  EXPECT_EQ(status_line(respond("/metrics", "POST")), "HTTP/1.0 405 Method Not Allowed");
  EXPECT_EQ(status_line(respond("/metrics", "")), "HTTP/1.0 405 Method Not Allowed");
  EXPECT_EQ(status_line(respond("/metrics", "HEAD")), "HTTP/1.0 200 OK");
}

TEST_F(AdminResponses, HeadAnswersWithHeadersOnly) {
  auto response = respond("/metrics", "HEAD");
  EXPECT_NE(response.find("\r\nContent-Length: " + std::to_string(metrics_body.size()) + "\r\n"), std::string::npos);
  EXPECT_EQ(body(response), "");
}

// POST /drain changes what the process does: only for the configured sources, only as a POST.
TEST(AdminDrain, AnsweredForDrainFromOnlyAndOnlyAsPost) {
  boost::asio::io_context io;
  int drains = 0;
  AdminServer::Handlers handlers{[] { return std::string(); }, [] { return true; }};
  handlers.drain = [&drains] { return ++drains == 1 ? std::string("draining\n") : std::string("already draining\n"); };
  const auto range = [](std::string_view text) {
    std::string problem;
    return *snapshot::SourceRange::parse(text, problem);
  };
  handlers.drain_from = {range("127.0.0.0/8"), range("::1/128")};
  AdminServer server{io, {boost::asio::ip::make_address("127.0.0.1"), 0}, handlers};
  const auto loopback = boost::asio::ip::make_address("127.0.0.1");
  const auto pod_network = boost::asio::ip::make_address("10.1.2.3");

  EXPECT_EQ(status_line(server.respond("POST", "/drain", pod_network)), "HTTP/1.0 403 Forbidden");
  EXPECT_EQ(status_line(server.respond("GET", "/drain", loopback)), "HTTP/1.0 405 Method Not Allowed");
  EXPECT_EQ(drains, 0);
  EXPECT_EQ(body(server.respond("POST", "/drain", loopback)), "draining\n");
  EXPECT_EQ(body(server.respond("POST", "/drain", boost::asio::ip::make_address("::1"))), "already draining\n");
  EXPECT_EQ(body(server.respond("POST", "/drain", boost::asio::ip::make_address("::ffff:127.0.0.1"))),
            "already draining\n") << "an IPv4 client of a dual-stack admin socket";
}

TEST(AdminDrain, WithoutAHandlerThereIsNoDrain) {
  boost::asio::io_context io;
  AdminServer server{io, {boost::asio::ip::make_address("127.0.0.1"), 0},
                     AdminServer::Handlers{[] { return std::string(); }, [] { return true; }}};
  EXPECT_EQ(status_line(server.respond("POST", "/drain", boost::asio::ip::make_address("127.0.0.1"))),
            "HTTP/1.0 405 Method Not Allowed");
}

}  // namespace
}  // namespace snigate::control

namespace snigate::control {
namespace {

// Connections that never send a request held their place for 5 s each, and there was no cap on
// how many: beyond the limit a new one is closed at once, and a place freed serves again.
TEST(AdminConnections, BeyondTheLimitANewConnectionIsClosedAtOnce) {
  using boost::asio::ip::tcp;
  boost::asio::io_context io;
  AdminServer server{io, {boost::asio::ip::make_address("127.0.0.1"), 0},
                     AdminServer::Handlers{[] { return std::string(); }, [] { return true; }}, /*max_connections=*/2};
  server.start();
  const auto endpoint = tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server.port());
  std::thread runner([&] { io.run(); });
  auto read_all = [](tcp::socket& socket) {
    std::string text;
    boost::system::error_code error;
    std::array<char, 1024> buffer;
    while (!error) text.append(buffer.data(), socket.read_some(boost::asio::buffer(buffer), error));
    return text;
  };
  boost::asio::io_context client_io;
  tcp::socket idle1(client_io), idle2(client_io), extra(client_io);
  idle1.connect(endpoint);
  idle2.connect(endpoint);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  extra.connect(endpoint);
  boost::system::error_code ignored;  // the write may find it closed already
  boost::asio::write(extra, boost::asio::buffer(std::string("GET /healthz HTTP/1.0\r\n\r\n")), ignored);
  EXPECT_EQ(read_all(extra), "") << "closed without an answer";
  idle1.close();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  tcp::socket served(client_io);
  served.connect(endpoint);
  boost::asio::write(served, boost::asio::buffer(std::string("GET /healthz HTTP/1.0\r\n\r\n")));
  EXPECT_TRUE(read_all(served).starts_with("HTTP/1.0 200 OK"));
  io.stop();
  runner.join();
}

}  // namespace
}  // namespace snigate::control
