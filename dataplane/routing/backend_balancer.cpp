#include "routing/backend_balancer.h"

#include <algorithm>
#include <new>

namespace snigate::routing {

BackendBalancer::BackendBalancer(std::span<const std::uint32_t> weights, std::size_t workers, std::size_t first)
    : weights_(weights.begin(), weights.end()) {
  for (auto weight : weights_) total_ += weight;
  const std::size_t backends = weights_.size();
  workers = std::max<std::size_t>(workers, 1);
  for (std::size_t worker = 0; worker < workers; ++worker) {
    first_.push_back(backends == 0 ? 0 : (first + worker * backends / workers) % backends);
  }
  constexpr std::size_t kPerLine = kCacheLineBytes / sizeof(std::int64_t);
  stride_ = std::max<std::size_t>((backends + kPerLine - 1) / kPerLine, 1) * kPerLine;
  const std::size_t bytes = workers * stride_ * sizeof(std::int64_t);
  state_.reset(static_cast<std::int64_t*>(std::aligned_alloc(kCacheLineBytes, bytes)));
  if (!state_) throw std::bad_alloc();
  std::fill_n(state_.get(), workers * stride_, 0);
}

std::size_t BackendBalancer::pick(std::size_t worker) {
  std::int64_t* current = state_.get() + worker * stride_;
  const std::size_t backends = weights_.size();
  // Visiting the backends from this worker's starting place makes it win the ties, which is all
  // that separates the workers' sequences: the proportions are the same for every start.
  const std::size_t start = first_[worker];
  std::size_t best = start;
  auto visit = [&](std::size_t i) {
    current[i] += weights_[i];
    if (current[i] > current[best]) best = i;
  };
  for (std::size_t i = start; i < backends; ++i) visit(i);
  for (std::size_t i = 0; i < start; ++i) visit(i);
  current[best] -= total_;
  return best;
}

}  // namespace snigate::routing
