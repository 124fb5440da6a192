// "1.2.3.4:443" and "[::1]:443": endpoints as flags give them and logs and error messages show them.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <charconv>
#include <stdexcept>
#include <string>
#include <string_view>

namespace snigate::io {

inline std::string endpoint_text(const boost::asio::ip::tcp::endpoint& endpoint) {
  auto address = endpoint.address();
  std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(endpoint.port());
}

// "ADDRESS:PORT": IPv4, or IPv6 with or without brackets (the last colon starts the port, so an
// address from the downward API can be written as "$(POD_IP):9090" whatever its family).
inline boost::asio::ip::tcp::endpoint parse_endpoint_text(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) throw std::invalid_argument("\"" + std::string(text) + "\" has no :port");
  std::string host(text.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(host, error);
  if (error) throw std::invalid_argument("\"" + host + "\" is not an IP address");
  const std::string_view port_text = text.substr(colon + 1);
  unsigned long port = 0;
  const auto [end, parse_error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (parse_error != std::errc() || end != port_text.data() + port_text.size() || port_text.empty()) {
    throw std::invalid_argument("port: \"" + std::string(port_text) + "\" is not a number");
  }
  if (port > 65535) throw std::invalid_argument("port " + std::to_string(port) + " out of range");
  return {address, static_cast<unsigned short>(port)};
}

}  // namespace snigate::io
