// A counter written by one thread (its worker) and read by any (the scrape). The writer adds with
// a plain load and store, no locked instruction, so the hot path pays nothing for letting a scrape
// read every worker's counters at any time instead of asking each worker for a copy.
#pragma once

#include <atomic>
#include <cstdint>

namespace snigate::metrics {

template <typename Value>
class SingleWriter {
 public:
  SingleWriter() = default;
  SingleWriter(const SingleWriter&) = delete;
  SingleWriter& operator=(const SingleWriter&) = delete;

  SingleWriter& operator+=(Value amount) {
    value_.store(value_.load(std::memory_order_relaxed) + amount, std::memory_order_relaxed);
    return *this;
  }
  SingleWriter& operator-=(Value amount) {
    value_.store(value_.load(std::memory_order_relaxed) - amount, std::memory_order_relaxed);
    return *this;
  }
  SingleWriter& operator++() { return *this += 1; }
  SingleWriter& operator--() { return *this -= 1; }
  SingleWriter& operator=(Value value) {
    value_.store(value, std::memory_order_relaxed);
    return *this;
  }
  Value value() const { return value_.load(std::memory_order_relaxed); }
  operator Value() const { return value(); }

 private:
  std::atomic<Value> value_{0};
};

using Counter = SingleWriter<std::uint64_t>;  // only goes up
using Gauge = SingleWriter<std::int64_t>;     // up and down

}  // namespace snigate::metrics
