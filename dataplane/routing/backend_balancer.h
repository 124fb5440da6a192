// Smooth weighted round-robin (as in nginx's upstream module) over one route's backends.
//
// Chosen over random or least-connections because it is deterministic, spreads picks evenly even
// with skewed weights (weights 5:1:1 give a a b a c a a, never a burst of five), costs O(backends)
// with no shared state, and each worker keeps its own instance, so the hot path needs no atomics.
// Across N workers the proportions still hold: each worker's sequence is exact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace snigate::routing {

class BackendBalancer {
 public:
  explicit BackendBalancer(std::span<const std::uint32_t> weights);

  // Index of the next backend to try first.
  std::size_t pick();

 private:
  std::vector<std::int64_t> current_;
  std::vector<std::int64_t> weights_;
  std::int64_t total_ = 0;
};

}  // namespace snigate::routing
