// The controller's admin endpoint binds IPv6 as well as IPv4 (an IPv6-only cluster probes the pod's
// IPv6 address) and answers probes and scrapes over real TCP.
#include "telemetry/admin_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "dataplane_process.h"

namespace snigate::controller::telemetry {
namespace {

using boost::asio::ip::tcp;

// The status code a GET of `path` on `endpoint` gets, and the body after the headers.
std::pair<int, std::string> get(const tcp::endpoint& endpoint, const std::string& path) {
  boost::asio::io_context io;
  tcp::socket socket(io);
  socket.connect(endpoint);
  const std::string request = "GET " + path + " HTTP/1.0\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(request));
  std::string response;
  boost::system::error_code error;
  boost::asio::read(socket, boost::asio::dynamic_buffer(response), error);
  const int status = std::stoi(response.substr(response.find(' ') + 1, 3));
  return {status, response.substr(response.find("\r\n\r\n") + 4)};
}

TEST(ControllerAdminServer, ServesProbesAndMetricsOnIpv6WithOrWithoutBrackets) {
  ControllerMetrics metrics;
  metrics.pushes = 3;
  std::atomic<bool> ready = false;
  for (const std::string form : {"[::1]:", "::1:"}) {
    const int port = test::free_loopback_port();
    AdminServer admin(form + std::to_string(port), metrics, [&] { return ready.load(); });
    const tcp::endpoint endpoint(boost::asio::ip::make_address("::1"), static_cast<unsigned short>(port));
    EXPECT_EQ(get(endpoint, "/healthz").first, 200) << form;
    ready = false;
    EXPECT_EQ(get(endpoint, "/readyz").first, 503) << form;
    ready = true;
    EXPECT_EQ(get(endpoint, "/readyz").first, 200) << form;
    const auto [status, body] = get(endpoint, "/metrics");
    EXPECT_EQ(status, 200);
    EXPECT_NE(body.find("snigate_controller_pushes_total 3"), std::string::npos) << body;
  }
}

TEST(ControllerAdminServer, ServesIpv4) {
  ControllerMetrics metrics;
  const int port = test::free_loopback_port();
  AdminServer admin("127.0.0.1:" + std::to_string(port), metrics, [] { return true; });
  EXPECT_EQ(get(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)), "/readyz").first,
            200);
}

TEST(ControllerAdminServer, RefusesAnAddressThatIsNoIp) {
  ControllerMetrics metrics;
  EXPECT_THROW(AdminServer("localhost:9091", metrics, [] { return true; }), std::invalid_argument);
}

}  // namespace
}  // namespace snigate::controller::telemetry
