#include "routing/proxy_protocol_parser.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <string>

namespace snigate::routing {
namespace {

using boost::asio::ip::tcp;
using Status = InboundProxyHeader::Status;

constexpr std::array<std::uint8_t, 12> kV2Signature{0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d,
                                                    0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};
constexpr std::string_view kV1Prefix = "PROXY ";
constexpr std::size_t kV1MaxLine = 107;  // "PROXY TCP6 " + two full IPv6 addresses and ports + CRLF
constexpr std::size_t kV2FixedBytes = 16;

InboundProxyHeader failed(std::string_view why) { return {Status::error, 0, std::nullopt, why}; }

// Whether `bytes` could still grow into `prefix` (or already hold it whole).
bool starts_like(std::span<const std::uint8_t> bytes, std::span<const std::uint8_t> prefix) {
  const std::size_t count = std::min(bytes.size(), prefix.size());
  return std::equal(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(count), prefix.begin());
}

std::optional<unsigned short> read_port(std::string_view text) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value > 65535 ||
      (text.size() > 1 && text[0] == '0')) {
    return std::nullopt;
  }
  return static_cast<unsigned short>(value);
}

// "PROXY TCP4 192.0.2.1 198.51.100.1 56324 443\r\n" or "PROXY UNKNOWN ...\r\n".
InboundProxyHeader parse_v1(std::span<const std::uint8_t> bytes) {
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), std::min(bytes.size(), kV1MaxLine));
  const auto end = text.find("\r\n");
  if (end == std::string_view::npos) {
    return text.size() < kV1MaxLine ? InboundProxyHeader{} : failed("PROXY v1 line longer than 107 bytes");
  }
  std::string_view rest = text.substr(kV1Prefix.size(), end - kV1Prefix.size());
  const std::size_t length = end + 2;
  if (rest.starts_with("UNKNOWN")) return {Status::done, length, std::nullopt, {}};
  std::array<std::string_view, 5> fields;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto space = rest.find(' ');
    if ((space == std::string_view::npos) != (i == fields.size() - 1)) return failed("PROXY v1 line is not 6 fields");
    fields[i] = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  }
  const bool v4 = fields[0] == "TCP4";
  if (!v4 && fields[0] != "TCP6") return failed("PROXY v1 protocol is not TCP4, TCP6 or UNKNOWN");
  // A zone index ("fe80::1%7") names an interface of the sender's host: meaningless here.
  if (fields[1].find('%') != std::string_view::npos || fields[2].find('%') != std::string_view::npos) {
    return failed("PROXY v1 address carries a zone index");
  }
  boost::system::error_code error;
  const auto source = boost::asio::ip::make_address(std::string(fields[1]), error);
  if (error || source.is_v4() != v4) return failed("PROXY v1 source address is not one of its protocol");
  boost::asio::ip::make_address(std::string(fields[2]), error);
  if (error) return failed("PROXY v1 destination address is not an address");
  const auto source_port = read_port(fields[3]);
  if (!source_port || !read_port(fields[4])) return failed("PROXY v1 port is not 0-65535");
  return {Status::done, length, tcp::endpoint(source, *source_port), {}};
}

std::uint16_t read_u16(std::span<const std::uint8_t> bytes, std::size_t at) {
  return static_cast<std::uint16_t>((bytes[at] << 8) | bytes[at + 1]);
}

InboundProxyHeader parse_v2(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kV2FixedBytes) return {};
  const std::uint8_t version_command = bytes[12];
  const std::uint8_t family = bytes[13];
  const std::size_t length = kV2FixedBytes + read_u16(bytes, 14);
  if ((version_command >> 4) != 2) return failed("PROXY v2 version is not 2");
  const std::uint8_t command = version_command & 0x0f;
  if (command > 1) return failed("PROXY v2 command is neither LOCAL nor PROXY");
  if (length > kMaxProxyHeaderBytes) return failed("PROXY v2 header longer than 4096 bytes");
  if (bytes.size() < length) return {};
  const auto block = bytes.subspan(kV2FixedBytes, length - kV2FixedBytes);

  std::size_t addresses = 0;
  std::optional<tcp::endpoint> source;
  if (family == 0x11) {  // TCP over IPv4
    addresses = 12;
    if (block.size() < addresses) return failed("PROXY v2 header too short for IPv4 addresses");
    boost::asio::ip::address_v4::bytes_type ip;
    std::copy_n(block.begin(), ip.size(), ip.begin());
    source = tcp::endpoint(boost::asio::ip::address_v4(ip), read_u16(block, 8));
  } else if (family == 0x21) {  // TCP over IPv6
    addresses = 36;
    if (block.size() < addresses) return failed("PROXY v2 header too short for IPv6 addresses");
    boost::asio::ip::address_v6::bytes_type ip;
    std::copy_n(block.begin(), ip.size(), ip.begin());
    source = tcp::endpoint(boost::asio::ip::address_v6(ip), read_u16(block, 32));
  } else if (command == 1) {
    return failed("PROXY v2 family is not TCP over IPv4 or IPv6");
  }
  // Type-length-value extensions (an NLB's VPC endpoint ID, a CRC32c...) must fill the rest exactly.
  for (std::size_t at = addresses; at < block.size();) {
    if (block.size() - at < 3) return failed("PROXY v2 TLV cut short");
    const std::size_t value = read_u16(block, at + 1);
    if (block.size() - at - 3 < value) return failed("PROXY v2 TLV longer than the header");
    at += 3 + value;
  }
  if (command == 0) source.reset();  // LOCAL: the balancer's own connection, whatever it says
  return {Status::done, length, source, {}};
}

}  // namespace

InboundProxyHeader parse_proxy_header(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return {};
  if (starts_like(bytes, kV2Signature)) return parse_v2(bytes);
  const auto v1_prefix = std::span(reinterpret_cast<const std::uint8_t*>(kV1Prefix.data()), kV1Prefix.size());
  if (starts_like(bytes, v1_prefix)) return bytes.size() <= v1_prefix.size() ? InboundProxyHeader{} : parse_v1(bytes);
  return failed("no PROXY protocol header");
}

}  // namespace snigate::routing
