// A range of client addresses a route admits ("10.0.0.0/8", "2001:db8::/32", "192.0.2.7"): read
// from snapshots and from the snigate.io/allow-source-ranges annotation, and matched against each
// client of the route before any byte reaches a backend.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace snigate::snapshot {

// Ranges per route, at most: matching is a scan, and a longer list is a mistake or a firewall.
inline constexpr std::size_t kMaxSourceRanges = 1000;

class SourceRange {
 public:
  // "ADDRESS/PREFIX", or an address alone for that one host. nullopt, with `problem` saying why,
  // for anything else: not an IP literal, a prefix that is not 0-32 (IPv4) or 0-128 (IPv6),
  // address bits set past the prefix (a typo: "10.1.0.0/8" would admit all of 10.0.0.0/8), or an
  // IPv4-mapped IPv6 range (clients are matched as IPv4: write the IPv4 range).
  static std::optional<SourceRange> parse(std::string_view text, std::string& problem);

  // Whether an address of 4 (IPv4) or 16 (IPv6) bytes, network order, is inside. An address of
  // the other family never is.
  bool contains(std::span<const std::uint8_t> address) const;

  // Canonical text: the address as inet_ntop writes it, always with its prefix ("192.0.2.7/32").
  std::string to_string() const;

  bool operator==(const SourceRange&) const = default;

 private:
  std::array<std::uint8_t, 16> network_{};
  std::uint8_t size_ = 4;  // bytes of address: 4 or 16
  std::uint8_t prefix_ = 0;
};

// Whether `address` (IPv4-mapped IPv6 addresses matched as IPv4) lies in one of `ranges`.
bool in_ranges(const std::vector<SourceRange>& ranges, const boost::asio::ip::address& address);

}  // namespace snigate::snapshot
