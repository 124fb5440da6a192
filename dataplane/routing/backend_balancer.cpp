#include "routing/backend_balancer.h"

namespace snigate::routing {

BackendBalancer::BackendBalancer(std::span<const std::uint32_t> weights)
    : current_(weights.size(), 0), weights_(weights.begin(), weights.end()) {
  for (auto weight : weights_) total_ += weight;
}

std::size_t BackendBalancer::pick() {
  std::size_t best = 0;
  for (std::size_t i = 0; i < weights_.size(); ++i) {
    current_[i] += weights_[i];
    if (current_[i] > current_[best]) best = i;
  }
  current_[best] -= total_;
  return best;
}

}  // namespace snigate::routing
