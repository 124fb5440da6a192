// Which connections the access log keeps a line for when only a share of them is wanted
// (--access-log-sample). Deterministic, without random numbers: each connection adds the share
// to an accumulator and a line is kept each time it reaches one, so that over any run of n
// connections the kept count is n times the share, give or take one. A connection that did not
// end well is always kept (and does not count): those are the lines an operator looks for.
// One per worker thread; not thread-safe.
#pragma once

#include <cmath>
#include <cstdint>

namespace snigate::log {

class AccessLogSampler {
 public:
  // In millionths, so that shares like 0.1 add up exactly.
  static constexpr std::uint32_t kWhole = 1'000'000;

  // `share` from 0 (only failures) to 1 (every connection).
  explicit AccessLogSampler(double share)
      : share_(static_cast<std::uint32_t>(std::lround(std::fmin(std::fmax(share, 0.0), 1.0) * kWhole))) {}

  bool keep(bool ended_well) {
    if (!ended_well) return true;
    credit_ += share_;
    if (credit_ < kWhole) return false;
    credit_ -= kWhole;
    return true;
  }

 private:
  std::uint32_t share_;
  std::uint32_t credit_ = 0;
};

}  // namespace snigate::log
