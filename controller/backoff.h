// Exponential backoff with jitter between failed attempts, as client-go's reflector does: about
// 0.8 s, doubling up to 30 s, each delay stretched by a random quarter so that many clients that
// failed together do not retry together.
#pragma once

#include <algorithm>
#include <chrono>
#include <random>

namespace snigate::controller {

class Backoff {
 public:
  using Duration = std::chrono::milliseconds;

  explicit Backoff(Duration initial = Duration(800), Duration cap = Duration(30'000))
      : initial_(initial), cap_(cap), base_(initial), random_(std::random_device{}()) {}

  Duration next() {
    std::uniform_real_distribution<double> stretch(1.0, 1.25);
    const Duration delay(static_cast<Duration::rep>(static_cast<double>(base_.count()) * stretch(random_)));
    base_ = std::min(cap_, base_ * 2);
    return std::min(cap_, delay);
  }

  void reset() { base_ = initial_; }

 private:
  Duration initial_;
  Duration cap_;
  Duration base_;
  std::mt19937 random_;
};

}  // namespace snigate::controller
