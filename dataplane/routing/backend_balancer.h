// Smooth weighted round-robin (as in nginx's upstream module) over one route's backends, one
// running sequence per worker.
//
// Chosen over random or least-connections because it is deterministic, spreads picks evenly even
// with skewed weights (weights 5:1:1 give a a b a c a a, never a burst of five), costs O(backends)
// with no shared state, and each worker keeps its own sequence, so the hot path needs no atomics.
// Across N workers the proportions still hold: each worker's sequence is exact. Each worker starts
// at a different place in the rotation, so that N workers' first connections do not all go to the
// same backend.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <vector>

namespace snigate::routing {

class BackendBalancer {
 public:
  // Worker w starts at backend (first + w * backends / workers) % backends.
  explicit BackendBalancer(std::span<const std::uint32_t> weights, std::size_t workers = 1, std::size_t first = 0);

  // Index of the next backend `worker` should try first. Each worker calls this for itself only.
  std::size_t pick(std::size_t worker = 0);

  // The running weights `worker` writes on every pick: whole cache lines of its own, so that two
  // workers picking for the same route never write to the same line.
  std::span<const std::int64_t> state_of(std::size_t worker) const {
    return {state_.get() + worker * stride_, weights_.size()};
  }

  static constexpr std::size_t kCacheLineBytes = 64;

 private:
  struct FreeAligned {
    void operator()(std::int64_t* state) const { std::free(state); }
  };

  std::vector<std::int64_t> weights_;  // read by every worker, written by none
  std::int64_t total_ = 0;
  std::vector<std::size_t> first_;  // where each worker's rotation starts
  std::size_t stride_ = 0;          // int64s per worker, whole cache lines
  std::unique_ptr<std::int64_t[], FreeAligned> state_;
};

}  // namespace snigate::routing
