#include "routing/source_rate_limiter.h"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace snigate::routing {

std::size_t SourceRateLimiter::KeyHash::operator()(const Key& key) const {
  return std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
}

SourceRateLimiter::Key SourceRateLimiter::key_of(const boost::asio::ip::address& client) {
  Key key{};
  if (client.is_v4()) {
    const auto bytes = client.to_v4().to_bytes();
    std::memcpy(key.data(), bytes.data(), bytes.size());
    return key;
  }
  const auto v6 = client.to_v6();
  if (v6.is_v4_mapped()) return key_of(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6));
  const auto bytes = v6.to_bytes();
  std::memcpy(key.data(), bytes.data(), 8);  // the /64
  key[15] = 6;  // never equal to an IPv4 key, whose last 12 bytes are zero
  return key;
}

bool SourceRateLimiter::admit(const boost::asio::ip::address& client, snapshot::SourceConnectionRate rate,
                              Clock::time_point now) {
  if (!rate.limits()) return true;
  // One connection every `interval`; up to `burst` of them ahead of that schedule.
  const auto interval = std::chrono::duration_cast<Clock::duration>(std::chrono::milliseconds(rate.period_ms)) /
                        rate.connections;
  const auto tolerance = interval * (std::max<std::uint32_t>(rate.burst, 1) - 1);
  const Key key = key_of(client);
  std::lock_guard lock(mutex_);
  auto found = arrival_.find(key);
  if (found == arrival_.end()) {
    if (arrival_.size() >= max_sources_) forget_refilled(now);
    if (arrival_.size() >= max_sources_) {
      ++untracked_;
      return true;
    }
    arrival_.emplace(key, now + interval);
    return true;
  }
  const auto arrival = std::max(found->second, now);
  if (arrival - now > tolerance) return false;
  found->second = arrival + interval;
  return true;
}

void SourceRateLimiter::forget_refilled(Clock::time_point now) {
  // A full scan: at most once a second, so a flood of new sources cannot make every one of them
  // pay for it.
  if (now < next_forget_) return;
  next_forget_ = now + std::chrono::seconds(1);
  std::erase_if(arrival_, [now](const auto& entry) { return entry.second <= now; });
}

std::size_t SourceRateLimiter::tracked() const {
  std::lock_guard lock(mutex_);
  return arrival_.size();
}

std::uint64_t SourceRateLimiter::untracked() const {
  std::lock_guard lock(mutex_);
  return untracked_;
}

}  // namespace snigate::routing
