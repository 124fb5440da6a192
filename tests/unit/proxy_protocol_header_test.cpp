// PROXY protocol headers, checked against the layouts in haproxy's proxy-protocol.txt.
#include "routing/proxy_protocol_header.h"

#include <gtest/gtest.h>

#include <string>

namespace snigate::routing {
namespace {

using boost::asio::ip::make_address;
using boost::asio::ip::tcp;
using snapshot::ProxyProtocol;

tcp::endpoint endpoint(const char* address, unsigned short port) { return {make_address(address), port}; }

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int value : values) out.push_back(static_cast<char>(value));
  return out;
}

const std::string kV2Signature = bytes({0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a});

TEST(ProxyProtocolHeader, NoneIsEmpty) {
  EXPECT_EQ(proxy_protocol_header(ProxyProtocol::none, endpoint("192.0.2.1", 51234), endpoint("198.51.100.2", 443),
                                  "a.example.com"),
            "");
}

TEST(ProxyProtocolHeader, V1Tcp4IsOneTextLine) {
  EXPECT_EQ(proxy_protocol_header(ProxyProtocol::v1, endpoint("192.0.2.1", 51234), endpoint("198.51.100.2", 443),
                                  "a.example.com"),
            "PROXY TCP4 192.0.2.1 198.51.100.2 51234 443\r\n");
}

TEST(ProxyProtocolHeader, V1Tcp6IsOneTextLine) {
  EXPECT_EQ(proxy_protocol_header(ProxyProtocol::v1, endpoint("2001:db8::1", 51234), endpoint("2001:db8::2", 8443), ""),
            "PROXY TCP6 2001:db8::1 2001:db8::2 51234 8443\r\n");
}

TEST(ProxyProtocolHeader, V1SendsV4MappedAddressesAsTcp4) {
  EXPECT_EQ(proxy_protocol_header(ProxyProtocol::v1, endpoint("::ffff:192.0.2.1", 51234),
                                  endpoint("::ffff:198.51.100.2", 443), ""),
            "PROXY TCP4 192.0.2.1 198.51.100.2 51234 443\r\n");
}

TEST(ProxyProtocolHeader, V2Tcp4LayoutWithAuthorityTlv) {
  auto header = proxy_protocol_header(ProxyProtocol::v2, endpoint("192.0.2.1", 51234), endpoint("198.51.100.2", 443),
                                      "a.example.com");
  std::string expected = kV2Signature +
                         bytes({0x21,                      // version 2, PROXY
                                0x11,                      // TCP over IPv4
                                0x00, 12 + 3 + 13,         // addresses and TLVs that follow
                                192, 0, 2, 1,              // source address
                                198, 51, 100, 2,           // destination address
                                0xc8, 0x22,                // source port 51234
                                0x01, 0xbb,                // destination port 443
                                0x02,                      // PP2_TYPE_AUTHORITY
                                0x00, 13}) +               // its length
                         "a.example.com";
  EXPECT_EQ(header, expected);
}

TEST(ProxyProtocolHeader, V2Tcp6Layout) {
  auto header = proxy_protocol_header(ProxyProtocol::v2, endpoint("2001:db8::1", 51234), endpoint("2001:db8::2", 443),
                                      "b.example.com");
  std::string expected = kV2Signature + bytes({0x21, 0x21, 0x00, 36 + 3 + 13}) +
                         bytes({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}) +
                         bytes({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}) +
                         bytes({0xc8, 0x22, 0x01, 0xbb, 0x02, 0x00, 13}) + "b.example.com";
  EXPECT_EQ(header, expected);
}

TEST(ProxyProtocolHeader, V2WithoutServerNameHasNoTlv) {
  auto header = proxy_protocol_header(ProxyProtocol::v2, endpoint("192.0.2.1", 1), endpoint("198.51.100.2", 2), "");
  EXPECT_EQ(header, kV2Signature + bytes({0x21, 0x11, 0x00, 12, 192, 0, 2, 1, 198, 51, 100, 2, 0, 1, 0, 2}));
}

TEST(ProxyProtocolHeader, V2SendsV4MappedAddressesAsTcp4) {
  auto mapped = proxy_protocol_header(ProxyProtocol::v2, endpoint("::ffff:192.0.2.1", 51234),
                                      endpoint("::ffff:198.51.100.2", 443), "a.example.com");
  auto plain = proxy_protocol_header(ProxyProtocol::v2, endpoint("192.0.2.1", 51234), endpoint("198.51.100.2", 443),
                                     "a.example.com");
  EXPECT_EQ(mapped, plain);
}

TEST(ProxyProtocolHeader, V2LengthCoversTheLongestServerName) {
  std::string name(255, 'a');
  auto header = proxy_protocol_header(ProxyProtocol::v2, endpoint("192.0.2.1", 1), endpoint("198.51.100.2", 2), name);
  ASSERT_EQ(header.size(), 16u + 12 + 3 + 255);
  EXPECT_EQ(static_cast<unsigned char>(header[14]), (12 + 3 + 255) >> 8);
  EXPECT_EQ(static_cast<unsigned char>(header[15]), (12 + 3 + 255) & 0xff);
  EXPECT_EQ(static_cast<unsigned char>(header[29]), 0);
  EXPECT_EQ(static_cast<unsigned char>(header[30]), 255);
}

}  // namespace
}  // namespace snigate::routing
