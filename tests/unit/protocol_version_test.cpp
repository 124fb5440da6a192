// TLS version numbers: which are GREASE, and the names the access log gives them.
#include "tls/protocol_version.h"

#include <gtest/gtest.h>

namespace snigate::tls {
namespace {

TEST(ProtocolVersion, GreaseIsTheSixteenValuesOfRfc8701) {
  int grease = 0;
  for (unsigned value = 0; value <= 0xffff; ++value) {
    if (is_grease(static_cast<std::uint16_t>(value))) {
      ++grease;
      EXPECT_EQ(value & 0x0f0f, 0x0a0au) << value;
      EXPECT_EQ(value >> 8, value & 0xff) << value;
    }
  }
  EXPECT_EQ(grease, 16);
  EXPECT_TRUE(is_grease(0x0a0a));
  EXPECT_TRUE(is_grease(0xfafa));
  EXPECT_FALSE(is_grease(0x0304));
  EXPECT_FALSE(is_grease(0x1a2a));
}

TEST(ProtocolVersion, KnownVersionsByNameOthersInHex) {
  EXPECT_EQ(protocol_version_name(0x0304), "TLSv1.3");
  EXPECT_EQ(protocol_version_name(0x0303), "TLSv1.2");
  EXPECT_EQ(protocol_version_name(0x0302), "TLSv1.1");
  EXPECT_EQ(protocol_version_name(0x0301), "TLSv1");
  EXPECT_EQ(protocol_version_name(0x0300), "SSLv3");
  EXPECT_EQ(protocol_version_name(0x7f1c), "0x7f1c");
  EXPECT_EQ(protocol_version_name(0x0002), "0x0002");
}

}  // namespace
}  // namespace snigate::tls
