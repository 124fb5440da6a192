#include "io/pipe_pool.h"

#include <fcntl.h>
#include <unistd.h>

namespace snigate::io {

std::optional<Pipe> PipePool::acquire() {
  if (!idle_.empty()) {
    Pipe pipe = std::move(idle_.back());
    idle_.pop_back();
    return pipe;
  }
  int fds[2];
  if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return std::nullopt;
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void PipePool::release(Pipe pipe) {
  if (idle_.size() < max_idle_) idle_.push_back(std::move(pipe));
}

}  // namespace snigate::io
