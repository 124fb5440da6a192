// Kernel pipes for splice(2), recycled per worker. A connection holds a pipe only while bytes are
// in flight, so thousands of idle connections cost no pipe descriptors.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "io/unique_fd.h"

namespace snigate::io {

struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

class PipePool {
 public:
  explicit PipePool(std::size_t max_idle) : max_idle_(max_idle) {}

  // A pipe from the pool, or a new one; nullopt when the process is out of descriptors.
  std::optional<Pipe> acquire();

  // Only an empty pipe may come back; one holding bytes must be destroyed instead.
  void release(Pipe pipe);

  // From any thread (a scrape).
  std::size_t idle() const { return idle_count_.load(std::memory_order_relaxed); }
  // New pipes the kernel made smaller than the default 64 KiB, because the uid holds more pipe
  // pages than fs.pipe-user-pages-soft allows: each then moves a page or two per splice.
  std::uint64_t shrunk() const { return shrunk_.load(std::memory_order_relaxed); }

 private:
  std::size_t max_idle_;
  std::vector<Pipe> idle_;
  std::atomic<std::size_t> idle_count_{0};
  std::atomic<std::uint64_t> shrunk_{0};
};

}  // namespace snigate::io
