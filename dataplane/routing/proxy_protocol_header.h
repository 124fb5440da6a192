// PROXY protocol (v1 text, v2 binary) headers that tell a backend who the real client is.
// Spec: https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <string>
#include <string_view>

#include "snapshot/snapshot.h"

namespace snigate::routing {

// The header to send before any client byte; empty for ProxyProtocol::none. `server_name` is carried
// in v2's PP2_TYPE_AUTHORITY TLV when present. IPv4-mapped IPv6 addresses are sent as IPv4.
std::string proxy_protocol_header(snapshot::ProxyProtocol version, const boost::asio::ip::tcp::endpoint& client,
                                  const boost::asio::ip::tcp::endpoint& local, std::string_view server_name);

}  // namespace snigate::routing
