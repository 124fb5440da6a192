// Reads the PROXY protocol header (v1 text or v2 binary) that a load balancer in front of snigate
// (an AWS NLB, a GCP or Azure load balancer, HAProxy) sends before the client's first byte, to
// learn the client's address. The writer for backends is routing/proxy_protocol_header.h.
// Spec: https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace snigate::routing {

// The longest header read: a v1 line is at most 107 bytes; v2 is 16 bytes plus addresses and
// TLVs, which load balancers keep to a few dozen bytes (an NLB's VPC endpoint ID, a CRC).
inline constexpr std::size_t kMaxProxyHeaderBytes = 4096;

struct InboundProxyHeader {
  enum class Status { need_more, done, error };
  Status status = Status::need_more;
  std::size_t length = 0;  // bytes of the header, once done: the client's own bytes follow
  // The client's address and port; none for a v2 LOCAL command or v1 UNKNOWN (the load
  // balancer's own health checks), whose connection is then the balancer's.
  std::optional<boost::asio::ip::tcp::endpoint> source;
  std::string_view error;  // why, when the status is error
};

// Looks at the first bytes of a connection: need_more until a whole header has arrived, error as
// soon as the bytes cannot begin or be a valid header.
InboundProxyHeader parse_proxy_header(std::span<const std::uint8_t> bytes);

}  // namespace snigate::routing
