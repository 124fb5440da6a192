// Client address ranges: what parses, what is refused and why, and which addresses fall inside.
#include "snapshot/source_range.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace snigate::snapshot {
namespace {

SourceRange range(const std::string& text) {
  std::string problem;
  auto parsed = SourceRange::parse(text, problem);
  EXPECT_TRUE(parsed) << text << ": " << problem;
  return parsed.value_or(SourceRange{});
}

std::string problem_of(const std::string& text) {
  std::string problem;
  EXPECT_FALSE(SourceRange::parse(text, problem)) << text << " was accepted";
  return problem;
}

std::vector<std::uint8_t> bytes(const std::string& address) {
  std::array<std::uint8_t, 16> buffer{};
  if (inet_pton(AF_INET, address.c_str(), buffer.data()) == 1) return {buffer.begin(), buffer.begin() + 4};
  EXPECT_EQ(inet_pton(AF_INET6, address.c_str(), buffer.data()), 1) << address;
  return {buffer.begin(), buffer.end()};
}

TEST(SourceRange, ReadsRangesAndSingleAddressesInCanonicalForm) {
  EXPECT_EQ(range("10.0.0.0/8").to_string(), "10.0.0.0/8");
  EXPECT_EQ(range("192.0.2.7").to_string(), "192.0.2.7/32");
  EXPECT_EQ(range("0.0.0.0/0").to_string(), "0.0.0.0/0");
  EXPECT_EQ(range("2001:DB8:0::/32").to_string(), "2001:db8::/32");
  EXPECT_EQ(range("::1").to_string(), "::1/128");
  EXPECT_EQ(range("::/0").to_string(), "::/0");
}

TEST(SourceRange, RefusesWhatIsNotARangeSayingWhy) {
  EXPECT_EQ(problem_of("10.0.0.0/"), "has a prefix length that is not 0-32");
  EXPECT_EQ(problem_of("10.0.0.0/-1"), "has a prefix length that is not 0-32");
  EXPECT_EQ(problem_of("10.0.0.0/8x"), "has a prefix length that is not 0-32");
  EXPECT_EQ(problem_of("2001:db8::/129"), "has a prefix length that is not 0-128");
  EXPECT_EQ(problem_of("10.0.0.1/24"), "has address bits set past its /24 prefix");
  EXPECT_EQ(problem_of("2001:db8::1/64"), "has address bits set past its /64 prefix");
  EXPECT_EQ(problem_of("::ffff:10.0.0.0/104"),
            "is an IPv4-mapped IPv6 range; clients are matched as IPv4, so write the IPv4 range");
  EXPECT_EQ(problem_of("10.0.0/8"), "is not an IPv4 or IPv6 address or range");
  EXPECT_EQ(problem_of(" 10.0.0.0/8"), "is not an IPv4 or IPv6 address or range");
  EXPECT_EQ(problem_of(""), "is not an IPv4 or IPv6 address or range");
}

TEST(SourceRange, ContainsTheAddressesUnderItsPrefixOnly) {
  const auto office = range("192.0.2.0/25");
  EXPECT_TRUE(office.contains(bytes("192.0.2.0")));
  EXPECT_TRUE(office.contains(bytes("192.0.2.127")));
  EXPECT_FALSE(office.contains(bytes("192.0.2.128")));
  EXPECT_FALSE(office.contains(bytes("192.0.3.1")));
  const auto host = range("198.51.100.9");
  EXPECT_TRUE(host.contains(bytes("198.51.100.9")));
  EXPECT_FALSE(host.contains(bytes("198.51.100.8")));
  EXPECT_TRUE(range("0.0.0.0/0").contains(bytes("203.0.113.200")));
  const auto v6 = range("2001:db8:8000::/33");
  EXPECT_TRUE(v6.contains(bytes("2001:db8:ffff::1")));
  EXPECT_FALSE(v6.contains(bytes("2001:db8:7fff::1")));
}

TEST(SourceRange, NeverMatchesAnAddressOfTheOtherFamily) {
  EXPECT_FALSE(range("::/0").contains(bytes("10.0.0.1")));
  EXPECT_FALSE(range("0.0.0.0/0").contains(bytes("2001:db8::1")));
  EXPECT_FALSE(range("0.0.0.0/0").contains(bytes("::ffff:10.0.0.1")));
}

}  // namespace
}  // namespace snigate::snapshot
