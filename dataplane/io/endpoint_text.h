// "1.2.3.4:443" and "[::1]:443": endpoints as logs and error messages show them.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <string>

namespace snigate::io {

inline std::string endpoint_text(const boost::asio::ip::tcp::endpoint& endpoint) {
  auto address = endpoint.address();
  std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(endpoint.port());
}

}  // namespace snigate::io
