// The process-wide cap on open client connections (--max-connections), shared by all workers.
// One atomic add per accepted connection; nothing on the per-byte path.
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <utility>

namespace snigate::proxy {

class ConnectionLimit {
 public:
  // Held by a connection for its lifetime; gives its place back on destruction.
  class Slot {
   public:
    explicit Slot(ConnectionLimit* limit) : limit_(limit) {}
    Slot(Slot&& other) noexcept : limit_(std::exchange(other.limit_, nullptr)) {}
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (limit_) limit_->active_.fetch_sub(1, std::memory_order_relaxed);
    }

   private:
    ConnectionLimit* limit_ = nullptr;
  };

  explicit ConnectionLimit(std::size_t max) : max_(max) {}

  // A slot, or nullopt when the limit is reached.
  std::optional<Slot> try_acquire() {
    if (active_.fetch_add(1, std::memory_order_relaxed) >= max_) {
      active_.fetch_sub(1, std::memory_order_relaxed);
      return std::nullopt;
    }
    return Slot(this);
  }

  std::size_t active() const { return active_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::size_t> active_{0};
  std::size_t max_;
};

}  // namespace snigate::proxy
