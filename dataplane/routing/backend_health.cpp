#include "routing/backend_health.h"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace snigate::routing {

std::size_t BackendHealth::KeyHash::operator()(const Key& key) const {
  return std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
}

BackendHealth::Key BackendHealth::key_of(const boost::asio::ip::tcp::endpoint& backend) {
  Key key{};
  const auto address = backend.address();
  if (address.is_v4()) {
    const auto bytes = address.to_v4().to_bytes();
    std::memcpy(key.data(), bytes.data(), bytes.size());
    key[18] = 4;
  } else {
    const auto bytes = address.to_v6().to_bytes();
    std::memcpy(key.data(), bytes.data(), bytes.size());
    key[18] = 6;
  }
  key[16] = static_cast<std::uint8_t>(backend.port() >> 8);
  key[17] = static_cast<std::uint8_t>(backend.port() & 0xff);
  return key;
}

bool BackendHealth::maybe_tracked(const Key& key) const {
  const std::size_t bit = filter_bit(key);
  return (filter_[bit / 64].load(std::memory_order_relaxed) >> (bit % 64)) & 1;
}

void BackendHealth::rebuild_filter() {
  std::array<std::uint64_t, kFilterBits / 64> bits{};
  for (const auto& [key, state] : tracked_) bits[filter_bit(key) / 64] |= std::uint64_t{1} << (filter_bit(key) % 64);
  for (std::size_t i = 0; i < bits.size(); ++i) filter_[i].store(bits[i], std::memory_order_relaxed);
}

bool BackendHealth::ejected(const boost::asio::ip::tcp::endpoint& backend, Clock::time_point now) const {
  if (policy_.failures == 0) return false;
  const Key key = key_of(backend);
  if (!maybe_tracked(key)) return false;
  std::lock_guard lock(mutex_);
  const auto found = tracked_.find(key);
  return found != tracked_.end() && now < found->second.ejected_until;
}

void BackendHealth::connect_failed(const boost::asio::ip::tcp::endpoint& backend, Clock::time_point now) {
  if (policy_.failures == 0) return;
  const Key key = key_of(backend);
  std::lock_guard lock(mutex_);
  auto found = tracked_.find(key);
  if (found == tracked_.end()) {
    if (tracked_.size() >= kMaxTracked) return;  // not judged: better than judging the wrong one
    found = tracked_.emplace(key, State{}).first;
    const std::size_t bit = filter_bit(key);
    filter_[bit / 64].fetch_or(std::uint64_t{1} << (bit % 64), std::memory_order_relaxed);
  }
  State& state = found->second;
  if (now < state.ejected_until) return;  // a connect begun before the ejection
  ++state.consecutive_failures;
  // Back from an ejection, one failure is enough: the streak that ejected it has not ended.
  const bool eject = state.ejections_in_a_row > 0 || state.consecutive_failures >= policy_.failures;
  if (!eject) return;
  const auto doublings = std::min<std::uint32_t>(state.ejections_in_a_row, 20);
  state.ejected_until = now + std::min(policy_.max_ejection, policy_.ejection * (std::int64_t{1} << doublings));
  ++state.ejections_in_a_row;
  ++state.ejections;
  ejections_total_.fetch_add(1, std::memory_order_relaxed);
}

void BackendHealth::connect_succeeded(const boost::asio::ip::tcp::endpoint& backend) {
  if (policy_.failures == 0) return;
  const Key key = key_of(backend);
  if (!maybe_tracked(key)) return;
  std::lock_guard lock(mutex_);
  if (tracked_.erase(key) > 0) rebuild_filter();
}

std::vector<BackendHealth::Sample> BackendHealth::samples(Clock::time_point now) const {
  std::vector<Sample> out;
  std::lock_guard lock(mutex_);
  out.reserve(tracked_.size());
  for (const auto& [key, state] : tracked_) {
    boost::asio::ip::address address;
    if (key[18] == 4) {
      address = boost::asio::ip::address_v4({key[0], key[1], key[2], key[3]});
    } else {
      boost::asio::ip::address_v6::bytes_type bytes;
      std::copy(key.begin(), key.begin() + 16, bytes.begin());
      address = boost::asio::ip::address_v6(bytes);
    }
    const auto port = static_cast<unsigned short>((key[16] << 8) | key[17]);
    out.push_back({{address, port}, now < state.ejected_until, state.consecutive_failures, state.ejections});
  }
  return out;
}

}  // namespace snigate::routing
