// The PROXY protocol header a load balancer sends: v1 and v2 as AWS NLB, GCP and HAProxy write
// them, split anywhere, and every way one can be malformed.
#include "routing/proxy_protocol_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "routing/proxy_protocol_header.h"

namespace snigate::routing {
namespace {

using boost::asio::ip::make_address;
using boost::asio::ip::tcp;
using Status = InboundProxyHeader::Status;

std::vector<std::uint8_t> bytes_of(const std::string& text) { return {text.begin(), text.end()}; }

InboundProxyHeader parse(const std::string& text) { return parse_proxy_header(bytes_of(text)); }

// What an AWS NLB sends for a TCP listener with proxy protocol v2 on: PROXY over IPv4, then the
// PP2_TYPE_AWS TLV (0xEA) holding the VPC endpoint ID (subtype 0x01), then the client's bytes.
std::string nlb_header() {
  std::string header("\r\n\r\n\0\r\nQUIT\n", 12);
  const std::string endpoint_id = "\x01vpce-08d2bf15fac5001c9";
  std::string block;
  block += std::string("\xc0\x00\x02\x07", 4);   // 192.0.2.7
  block += std::string("\x0a\x00\x01\x05", 4);   // 10.0.1.5
  block += std::string("\xdc\x04", 2);           // 56324
  block += std::string("\x01\xbb", 2);           // 443
  block += '\xea';
  block += static_cast<char>(endpoint_id.size() >> 8);
  block += static_cast<char>(endpoint_id.size() & 0xff);
  block += endpoint_id;
  header += '\x21';
  header += '\x11';
  header += static_cast<char>(block.size() >> 8);
  header += static_cast<char>(block.size() & 0xff);
  return header + block;
}

TEST(ProxyProtocolParser, ReadsTheClientFromAnAwsNlbV2HeaderWithItsTlvs) {
  const std::string header = nlb_header();
  const auto parsed = parse(header + "\x16\x03\x01");
  ASSERT_EQ(parsed.status, Status::done) << parsed.error;
  EXPECT_EQ(parsed.length, header.size());
  EXPECT_EQ(parsed.source, tcp::endpoint(make_address("192.0.2.7"), 56324));
}

TEST(ProxyProtocolParser, ReadsWhatOurOwnWriterSendsInBothVersionsAndFamilies) {
  const tcp::endpoint local(make_address("10.0.0.1"), 8443);
  for (const auto version : {snapshot::ProxyProtocol::v1, snapshot::ProxyProtocol::v2}) {
    for (const auto& client : {tcp::endpoint(make_address("203.0.113.9"), 1), tcp::endpoint(make_address("2001:db8::9"), 65535)}) {
      const auto& to = client.address().is_v4() ? local : tcp::endpoint(make_address("2001:db8::1"), 443);
      const std::string header = proxy_protocol_header(version, client, to, "a.example.com");
      const auto parsed = parse(header);
      ASSERT_EQ(parsed.status, Status::done) << parsed.error << " " << header;
      EXPECT_EQ(parsed.length, header.size());
      EXPECT_EQ(parsed.source, client);
    }
  }
}

TEST(ProxyProtocolParser, WaitsForTheRestOfAHeaderSplitAnywhere) {
  for (const std::string& header : {nlb_header(), std::string("PROXY TCP4 192.0.2.7 10.0.0.1 56324 443\r\n")}) {
    for (std::size_t cut = 1; cut < header.size(); ++cut) {
      EXPECT_EQ(parse(header.substr(0, cut)).status, Status::need_more) << cut;
    }
    EXPECT_EQ(parse(header).status, Status::done);
  }
}

TEST(ProxyProtocolParser, HealthChecksCarryNoClient) {
  const auto unknown = parse("PROXY UNKNOWN\r\n");
  EXPECT_EQ(unknown.status, Status::done);
  EXPECT_EQ(unknown.source, std::nullopt);
  std::string local("\r\n\r\n\0\r\nQUIT\n\x20\x00\x00\x00", 16);
  const auto parsed = parse(local);
  EXPECT_EQ(parsed.status, Status::done);
  EXPECT_EQ(parsed.length, 16u);
  EXPECT_EQ(parsed.source, std::nullopt);
}

TEST(ProxyProtocolParser, RefusesWhatIsNotAWellFormedHeaderSayingWhy) {
  const auto error = [](const std::string& text) {
    const auto parsed = parse(text);
    EXPECT_EQ(parsed.status, Status::error) << text;
    return std::string(parsed.error);
  };
  EXPECT_EQ(error(std::string("\x16\x03\x01\x02\x00", 5)), "no PROXY protocol header");
  EXPECT_EQ(error("GET / HTTP/1.1\r\n"), "no PROXY protocol header");
  EXPECT_EQ(error("PROXY TCP4 192.0.2.7 10.0.0.1 56324\r\n"), "PROXY v1 line is not 6 fields");
  EXPECT_EQ(error("PROXY TCP4 192.0.2.7 10.0.0.1 56324 443 x\r\n"), "PROXY v1 line is not 6 fields");
  EXPECT_EQ(error("PROXY UDP4 192.0.2.7 10.0.0.1 56324 443\r\n"), "PROXY v1 protocol is not TCP4, TCP6 or UNKNOWN");
  EXPECT_EQ(error("PROXY TCP4 2001:db8::1 10.0.0.1 56324 443\r\n"), "PROXY v1 source address is not one of its protocol");
  EXPECT_EQ(error("PROXY TCP6 fe80::7%7 ::1 5 443\r\n"), "PROXY v1 address carries a zone index");
  EXPECT_EQ(error("PROXY TCP4 192.0.2.7 10.0.0.1 65536 443\r\n"), "PROXY v1 port is not 0-65535");
  EXPECT_EQ(error("PROXY TCP4 192.0.2.7 10.0.0.1 056324 443\r\n"), "PROXY v1 port is not 0-65535");
  EXPECT_EQ(error("PROXY TCP4 " + std::string(120, '1')), "PROXY v1 line longer than 107 bytes");
  std::string v2 = nlb_header();
  std::string bad_version = v2;
  bad_version[12] = '\x11';
  EXPECT_EQ(error(bad_version), "PROXY v2 version is not 2");
  std::string bad_command = v2;
  bad_command[12] = '\x22';
  EXPECT_EQ(error(bad_command), "PROXY v2 command is neither LOCAL nor PROXY");
  std::string udp = v2;
  udp[13] = '\x12';
  EXPECT_EQ(error(udp), "PROXY v2 family is not TCP over IPv4 or IPv6");
  std::string huge = v2;
  huge[14] = '\x10';
  EXPECT_EQ(error(huge), "PROXY v2 header longer than 4096 bytes");
  std::string short_addresses("\r\n\r\n\0\r\nQUIT\n\x21\x21\x00\x0c", 16);
  EXPECT_EQ(error(short_addresses + std::string(12, '\0')), "PROXY v2 header too short for IPv6 addresses");
  std::string cut_tlv = v2;
  cut_tlv[15] = static_cast<char>(cut_tlv[15] - 1);  // the block ends one byte into the TLV's value
  EXPECT_EQ(error(cut_tlv), "PROXY v2 TLV longer than the header");
}

}  // namespace
}  // namespace snigate::routing
