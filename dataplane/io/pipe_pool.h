// Kernel pipes for splice(2), recycled per worker. A connection holds a pipe only while bytes are
// in flight, so thousands of idle connections cost no pipe descriptors.
#pragma once

#include <cstddef>
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

  std::size_t idle() const { return idle_.size(); }

 private:
  std::size_t max_idle_;
  std::vector<Pipe> idle_;
};

}  // namespace snigate::io
