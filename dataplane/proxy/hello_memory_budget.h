// The process-wide allowance for buffering incomplete ClientHellos. A slow client may hold up to
// twice --max-client-hello until its hello is complete; without a shared cap, 10,000 of them
// would need over a gigabyte. A connection whose partial hello would overdraw the budget is
// refused; a hello that arrives whole (nearly all of them) never draws on it, so legitimate
// clients are still served while slow ones are being shed.
#pragma once

#include <atomic>
#include <cstddef>

namespace snigate::proxy {

class HelloMemoryBudget {
 public:
  explicit HelloMemoryBudget(std::size_t bytes) : limit_(bytes) {}

  // What one connection holds against the budget; gives it back on destruction.
  class Charge {
   public:
    explicit Charge(HelloMemoryBudget& budget) : budget_(&budget) {}
    Charge(const Charge&) = delete;
    Charge& operator=(const Charge&) = delete;
    ~Charge() { budget_->in_use_.fetch_sub(held_, std::memory_order_relaxed); }

    // Holds `bytes` in total from now on; false (holding what it held) when that would overdraw.
    bool hold(std::size_t bytes) {
      if (bytes > held_) {
        std::size_t more = bytes - held_;
        if (budget_->in_use_.fetch_add(more, std::memory_order_relaxed) + more > budget_->limit_) {
          budget_->in_use_.fetch_sub(more, std::memory_order_relaxed);
          return false;
        }
      } else {
        budget_->in_use_.fetch_sub(held_ - bytes, std::memory_order_relaxed);
      }
      held_ = bytes;
      return true;
    }
    std::size_t held() const { return held_; }

   private:
    HelloMemoryBudget* budget_;
    std::size_t held_ = 0;
  };

  std::size_t in_use() const { return in_use_.load(std::memory_order_relaxed); }
  std::size_t limit() const { return limit_; }

 private:
  std::size_t limit_;
  std::atomic<std::size_t> in_use_{0};
};

}  // namespace snigate::proxy
