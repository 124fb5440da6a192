#include "snapshot/source_range.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace snigate::snapshot {
namespace {

// The bits of byte `index` that lie inside a prefix of `prefix` bits.
std::uint8_t mask_of_byte(std::size_t index, unsigned prefix) {
  const std::size_t first_bit = index * 8;
  if (prefix >= first_bit + 8) return 0xff;
  if (prefix <= first_bit) return 0;
  return static_cast<std::uint8_t>(0xff << (8 - (prefix - first_bit)));
}

}  // namespace

std::optional<SourceRange> SourceRange::parse(std::string_view text, std::string& problem) {
  const auto slash = text.find('/');
  const std::string address(text.substr(0, slash));
  SourceRange range;
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1) {
    std::memcpy(range.network_.data(), &v4, 4);
    range.size_ = 4;
  } else if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_V4MAPPED(&v6)) {
      problem = "is an IPv4-mapped IPv6 range; clients are matched as IPv4, so write the IPv4 range";
      return std::nullopt;
    }
    std::memcpy(range.network_.data(), &v6, 16);
    range.size_ = 16;
  } else {
    problem = "is not an IPv4 or IPv6 address or range";
    return std::nullopt;
  }
  const unsigned bits = range.size_ * 8u;
  unsigned prefix = bits;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() || prefix > bits) {
      problem = "has a prefix length that is not 0-" + std::to_string(bits);
      return std::nullopt;
    }
  }
  range.prefix_ = static_cast<std::uint8_t>(prefix);
  for (std::size_t i = 0; i < range.size_; ++i) {
    if ((range.network_[i] & ~mask_of_byte(i, prefix)) != 0) {
      problem = "has address bits set past its /" + std::to_string(prefix) + " prefix";
      return std::nullopt;
    }
  }
  return range;
}

bool SourceRange::contains(std::span<const std::uint8_t> address) const {
  if (address.size() != size_) return false;
  const std::size_t whole_bytes = prefix_ / 8u;
  if (!std::equal(network_.begin(), network_.begin() + static_cast<std::ptrdiff_t>(whole_bytes), address.begin())) {
    return false;
  }
  if (whole_bytes == size_) return true;
  const std::uint8_t mask = mask_of_byte(whole_bytes, prefix_);
  return (address[whole_bytes] & mask) == network_[whole_bytes];
}

std::string SourceRange::to_string() const {
  char text[INET6_ADDRSTRLEN];
  inet_ntop(size_ == 4 ? AF_INET : AF_INET6, network_.data(), text, sizeof text);
  return std::string(text) + "/" + std::to_string(prefix_);
}

bool in_ranges(const std::vector<SourceRange>& ranges, const boost::asio::ip::address& address) {
  const auto matches = [&](std::span<const std::uint8_t> bytes) {
    return std::any_of(ranges.begin(), ranges.end(), [&](const SourceRange& range) { return range.contains(bytes); });
  };
  if (address.is_v4()) return matches(address.to_v4().to_bytes());
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) return matches(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_bytes());
  return matches(v6.to_bytes());
}

}  // namespace snigate::snapshot
