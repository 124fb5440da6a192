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

  // The index of the next backend to try, or nullopt once the connection must give up.
  std::optional<std::size_t> next(Clock::time_point now) {
    if (tried_ >= backends_ || tried_ >= limits_.max_attempts || now >= give_up_at_) return std::nullopt;
    return (first_ + tried_++) % backends_;
  }

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
};

}  // namespace snigate::proxy
