// Which backend a connection tries next, and when it must stop trying: each backend at most once,
// at most `max_attempts` of them, and none once the connect budget is spent. Iterated by its
// caller, never recursed: a route of 50,000 backends that all fail at once costs a loop, not a
// stack frame each.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

namespace snigate::proxy {

class BackendAttempts {
 public:
  using Clock = std::chrono::steady_clock;

  struct Limits {
    std::size_t max_attempts;
    Clock::duration attempt_timeout;  // each connect
    Clock::duration budget;           // all connects together
  };

  BackendAttempts(std::size_t backends, std::size_t first, Limits limits, Clock::time_point started)
      : backends_(backends), first_(first), limits_(limits), give_up_at_(started + limits.budget) {}

  // The index of the next backend to try, or nullopt once the connection must give up. Backends
  // `ejected(index)` says are out (passive outlier detection) are passed over, at most
  // kMaxPassedOver of them; when that leaves none at all, the ejected ones are tried in order all
  // the same: an ejection never leaves a route dark.
  template <typename Ejected>
  std::optional<std::size_t> next(Clock::time_point now, Ejected&& ejected) {
    if (tried_ >= limits_.max_attempts || now >= give_up_at_) return std::nullopt;
    while (!every_backend_ejected_ && offset_ < backends_) {
      const std::size_t index = (first_ + offset_++) % backends_;
      if (passed_over_ < kMaxPassedOver && ejected(index)) {
        ++passed_over_;
        continue;
      }
      ++tried_;
      return index;
    }
    if (tried_ == 0 && !every_backend_ejected_) {
      every_backend_ejected_ = true;
      offset_ = 0;
    }
    if (!every_backend_ejected_ || offset_ >= backends_) return std::nullopt;
    ++tried_;
    return (first_ + offset_++) % backends_;
  }
  std::optional<std::size_t> next(Clock::time_point now) {
    return next(now, [](std::size_t) { return false; });
  }
  static constexpr std::size_t kMaxPassedOver = 64;  // a bound on the work per connection

  // When the attempt just started must be abandoned.
  Clock::time_point attempt_deadline(Clock::time_point now) const {
    return std::min(now + limits_.attempt_timeout, give_up_at_);
  }

  std::size_t tried() const { return tried_; }
  bool budget_spent(Clock::time_point now) const { return now >= give_up_at_; }

 private:
  std::size_t backends_;
  std::size_t first_;
  Limits limits_;
  Clock::time_point give_up_at_;
  std::size_t tried_ = 0;
  std::size_t offset_ = 0;  // into the ring from first_
  std::size_t passed_over_ = 0;
  bool every_backend_ejected_ = false;
};

}  // namespace snigate::proxy
