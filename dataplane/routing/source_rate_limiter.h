// A route's per-client-address connection rate (the snapshot's source_connection_rate), shared by
// every worker: the generic cell rate algorithm, one "theoretical arrival time" per address, so
// an address costs 24 bytes and a decision one hash lookup. IPv6 clients are counted by their /64:
// anyone holding one address holds the 2^64 around it.
#pragma once

#include <array>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <unordered_map>

#include "snapshot/snapshot.h"

namespace snigate::routing {

class SourceRateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // Addresses remembered at most. Beyond it, addresses whose allowance has refilled are forgotten
  // first; if none has, a new address is admitted without being remembered (counted in
  // untracked()): refusing it would let a flood of sources shut out every client.
  static constexpr std::size_t kDefaultMaxSources = 65536;

  explicit SourceRateLimiter(std::size_t max_sources = kDefaultMaxSources) : max_sources_(max_sources) {}

  // Whether `client` may open one more connection at `now`; counts it when it may.
  bool admit(const boost::asio::ip::address& client, snapshot::SourceConnectionRate rate, Clock::time_point now);

  std::size_t tracked() const;
  std::uint64_t untracked() const;

 private:
  using Key = std::array<std::uint8_t, 16>;
  struct KeyHash {
    std::size_t operator()(const Key& key) const;
  };

  static Key key_of(const boost::asio::ip::address& client);
  // Forgets every address whose next connection would be admitted with a full burst anyway.
  void forget_refilled(Clock::time_point now);

  std::size_t max_sources_;
  mutable std::mutex mutex_;
  std::unordered_map<Key, Clock::time_point, KeyHash> arrival_;  // theoretical arrival time
  Clock::time_point next_forget_{};
  std::uint64_t untracked_ = 0;
};

}  // namespace snigate::routing
