// AdminServer::respond: what /metrics, /healthz and /readyz answer, status line and headers included.
#include "control/admin_server.h"

#include <gtest/gtest.h>

#include <string>

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
    return server.respond(method, target);
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

}  // namespace
}  // namespace snigate::control
