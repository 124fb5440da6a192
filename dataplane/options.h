// Command-line flags of snigate-dataplane.
#pragma once

#include <sys/types.h>

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "log/log.h"
#include "proxy/proxy_settings.h"
#include "snapshot/source_range.h"

namespace snigate {

struct Options {
  std::vector<boost::asio::ip::tcp::endpoint> listen;
  // Listened on where the host supports them: the default's IPv6 half.
  std::vector<boost::asio::ip::tcp::endpoint> optional_listen;
  // Listeners whose clients come through a load balancer sending a PROXY protocol header.
  std::vector<boost::asio::ip::tcp::endpoint> proxy_protocol_listen;
  // Listeners that serve only the routes whose listen_port is their port (a Gateway's address).
  std::vector<boost::asio::ip::tcp::endpoint> scoped_listen;
  std::size_t workers = 0;
  std::string routes_file;
  std::string control_socket;
  mode_t control_socket_mode = 0600;
  boost::asio::ip::tcp::endpoint admin_listen;
  std::vector<snapshot::SourceRange> admin_drain_from;  // who may POST /drain
  proxy::ProxySettings proxy;
  std::chrono::milliseconds drain_timeout{std::chrono::seconds(30)};
  std::size_t max_connections = 0;  // 0: derived from the open-file limit at startup (plan_descriptors)
  log::Level log_level = log::Level::info;
  bool help = false;
  bool version = false;
};

// Parses argv; throws std::invalid_argument naming the flag and the problem.
Options parse_options(int argc, const char* const argv[]);

std::string usage();

// "5s", "250ms", "1h", "30m"; a bare number is seconds.
std::chrono::milliseconds parse_duration(std::string_view text);

// "0.0.0.0:8443", "[::]:8443", "[::1]:9090".
boost::asio::ip::tcp::endpoint parse_endpoint(std::string_view text);

}  // namespace snigate
