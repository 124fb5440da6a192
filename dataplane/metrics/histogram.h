// A histogram of durations written by one worker thread and read by any (the scrape), made of the
// same single-writer counters as the rest: fixed upper bounds, one counter per bucket (not
// cumulative: an observation writes one bucket) and the sum in whole microseconds. A scrape sums
// the workers' histograms into HistogramTotals and makes the buckets cumulative when it renders.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

#include "metrics/counter.h"

namespace snigate::metrics {

// `UpperBounds`: a constexpr array of increasing std::chrono::nanoseconds, the `le` of each bucket
// but the last (+Inf). As a template argument, the bounds cost no memory in each histogram.
template <const auto& UpperBounds>
struct HistogramTotals {
  static constexpr std::span<const std::chrono::nanoseconds> upper_bounds{UpperBounds};
  std::array<std::uint64_t, std::size(UpperBounds) + 1> buckets{};  // observations per bucket, +Inf last
  std::uint64_t sum_microseconds = 0;

  std::uint64_t count() const {
    std::uint64_t total = 0;
    for (auto observed : buckets) total += observed;
    return total;
  }
  HistogramTotals& operator+=(const HistogramTotals& other) {
    for (std::size_t i = 0; i < buckets.size(); ++i) buckets[i] += other.buckets[i];
    sum_microseconds += other.sum_microseconds;
    return *this;
  }
};

template <const auto& UpperBounds>
class Histogram {
 public:
  using Totals = HistogramTotals<UpperBounds>;
  static_assert(std::ranges::is_sorted(UpperBounds), "bucket bounds must increase");

  // The first bucket whose bound is not below `value`: a value equal to a bound counts as `le` it.
  void observe(std::chrono::nanoseconds value) {
    value = std::max(value, std::chrono::nanoseconds::zero());
    auto bucket = std::ranges::lower_bound(UpperBounds, value) - std::ranges::begin(UpperBounds);
    ++buckets_[static_cast<std::size_t>(bucket)];
    sum_microseconds_ += static_cast<std::uint64_t>(std::chrono::round<std::chrono::microseconds>(value).count());
  }

  void add_to(Totals& totals) const {
    for (std::size_t i = 0; i < buckets_.size(); ++i) totals.buckets[i] += buckets_[i];
    totals.sum_microseconds += sum_microseconds_;
  }

 private:
  std::array<Counter, std::size(UpperBounds) + 1> buckets_{};
  Counter sum_microseconds_;
};

}  // namespace snigate::metrics
