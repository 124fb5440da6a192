// Passive outlier detection: a backend whose connects fail `failures` times in a row is left out
// of backend choice for an ejection time that doubles with each ejection in a row (capped), then
// tried again; one more failure ejects it again, one success forgets it. Shared by every worker and
// every route (a dead pod is dead for each route that lists it). Only backends with a failure
// streak or an ejection are remembered, at most kMaxTracked of them: that bounds both memory and
// the per-backend metrics (snigate_backend_ejected{backend}).
//
// Healthy backends cost one relaxed load per question: a filter of the tracked addresses is read
// before the lock is taken.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace snigate::routing {

class BackendHealth {
 public:
  using Clock = std::chrono::steady_clock;

  struct Policy {
    std::uint32_t failures = 5;  // connects failed in a row that eject a backend; 0: never eject
    Clock::duration ejection = std::chrono::seconds(10);  // the first ejection; doubles from there
    Clock::duration max_ejection = std::chrono::minutes(5);
  };
  static constexpr std::size_t kMaxTracked = 4096;

  explicit BackendHealth(Policy policy) : policy_(policy) {}

  bool ejected(const boost::asio::ip::tcp::endpoint& backend, Clock::time_point now) const;
  void connect_failed(const boost::asio::ip::tcp::endpoint& backend, Clock::time_point now);
  void connect_succeeded(const boost::asio::ip::tcp::endpoint& backend);

  // What a scrape shows of each remembered backend.
  struct Sample {
    boost::asio::ip::tcp::endpoint backend;
    bool ejected;
    std::uint32_t consecutive_failures;
    std::uint64_t ejections;  // while remembered
  };
  std::vector<Sample> samples(Clock::time_point now) const;
  std::uint64_t ejections_total() const { return ejections_total_.load(std::memory_order_relaxed); }

 private:
  struct State {
    std::uint32_t consecutive_failures = 0;
    std::uint32_t ejections_in_a_row = 0;
    std::uint64_t ejections = 0;
    Clock::time_point ejected_until{};
  };
  using Key = std::array<std::uint8_t, 19>;  // address (IPv4 in the first 4 bytes), port, family
  struct KeyHash {
    std::size_t operator()(const Key& key) const;
  };
  static Key key_of(const boost::asio::ip::tcp::endpoint& backend);
  static std::size_t filter_bit(const Key& key) { return KeyHash{}(key) % kFilterBits; }
  bool maybe_tracked(const Key& key) const;
  void rebuild_filter();  // under the lock, after an entry went away

  static constexpr std::size_t kFilterBits = 1024;
  Policy policy_;
  mutable std::mutex mutex_;
  std::unordered_map<Key, State, KeyHash> tracked_;
  std::array<std::atomic<std::uint64_t>, kFilterBits / 64> filter_{};
  std::atomic<std::uint64_t> ejections_total_{0};
};

}  // namespace snigate::routing
