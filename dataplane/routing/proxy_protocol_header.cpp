#include "routing/proxy_protocol_header.h"

namespace snigate::routing {
namespace {

using boost::asio::ip::address;
using boost::asio::ip::tcp;

constexpr std::string_view kV2Signature{"\r\n\r\n\0\r\nQUIT\n", 12};
constexpr unsigned char kV2ProxyCommand = 0x21;  // version 2, PROXY
constexpr unsigned char kV2TcpOverIpv4 = 0x11;
constexpr unsigned char kV2TcpOverIpv6 = 0x21;
constexpr unsigned char kV2AuthorityTlv = 0x02;

address unmapped(const address& ip) {
  if (ip.is_v6() && ip.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, ip.to_v6());
  }
  return ip;
}

void append_u16(std::string& out, std::size_t value) {
  out.push_back(static_cast<char>((value >> 8) & 0xff));
  out.push_back(static_cast<char>(value & 0xff));
}

template <typename Bytes>
void append_bytes(std::string& out, const Bytes& bytes) {
  out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

std::string v1(const address& source, unsigned short source_port, const address& destination,
               unsigned short destination_port) {
  std::string header = source.is_v4() ? "PROXY TCP4 " : "PROXY TCP6 ";
  header += source.to_string() + " " + destination.to_string() + " " + std::to_string(source_port) + " " +
            std::to_string(destination_port) + "\r\n";
  return header;
}

std::string v2(const address& source, unsigned short source_port, const address& destination,
               unsigned short destination_port, std::string_view server_name) {
  std::string addresses;
  if (source.is_v4()) {
    append_bytes(addresses, source.to_v4().to_bytes());
    append_bytes(addresses, destination.to_v4().to_bytes());
  } else {
    append_bytes(addresses, source.to_v6().to_bytes());
    append_bytes(addresses, destination.to_v6().to_bytes());
  }
  append_u16(addresses, source_port);
  append_u16(addresses, destination_port);
  if (!server_name.empty()) {
    addresses.push_back(static_cast<char>(kV2AuthorityTlv));
    append_u16(addresses, server_name.size());
    addresses.append(server_name);
  }
  std::string header(kV2Signature);
  header.push_back(static_cast<char>(kV2ProxyCommand));
  header.push_back(static_cast<char>(source.is_v4() ? kV2TcpOverIpv4 : kV2TcpOverIpv6));
  append_u16(header, addresses.size());
  return header + addresses;
}

}  // namespace

std::string proxy_protocol_header(snapshot::ProxyProtocol version, const tcp::endpoint& client,
                                  const tcp::endpoint& local, std::string_view server_name) {
  if (version == snapshot::ProxyProtocol::none) return {};
  // Both ends come from one socket, so they are of one family once v4-mapped addresses are undone.
  address source = unmapped(client.address());
  address destination = unmapped(local.address());
  return version == snapshot::ProxyProtocol::v1 ? v1(source, client.port(), destination, local.port())
                                                : v2(source, client.port(), destination, local.port(), server_name);
}

}  // namespace snigate::routing
