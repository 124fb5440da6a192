#include "io/pipe_pool.h"

#include <fcntl.h>
#include <unistd.h>

#include "io/pipe_budget.h"
#include "log/log.h"

namespace snigate::io {
namespace {

constexpr int kDefaultPipeBytes = static_cast<int>(kPagesPerDefaultPipe * 4096);

// Said once per process: every later pipe is likely shrunk too, and the metric counts them.
void report_first_shrunk_pipe(int capacity) {
  static std::atomic<bool> reported{false};
  if (reported.exchange(true)) return;
  log::write(log::Level::warn,
             "pipes are being shrunk: this uid holds more pipe pages than fs.pipe-user-pages-soft allows, so "
             "splice moves less per call (snigate_pipes_shrunk_total counts them)",
             {{"pipe_bytes", capacity}, {"wanted_bytes", kDefaultPipeBytes}});
}

}  // namespace

std::optional<Pipe> PipePool::acquire() {
  if (!idle_.empty()) {
    Pipe pipe = std::move(idle_.back());
    idle_.pop_back();
    idle_count_.store(idle_.size(), std::memory_order_relaxed);
    return pipe;
  }
  int fds[2];
  if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return std::nullopt;
  // Only new pipes are asked, and pooled ones are reused: one fcntl per pipe created.
  const int capacity = ::fcntl(fds[1], F_GETPIPE_SZ);
  if (capacity > 0 && capacity < kDefaultPipeBytes) {
    shrunk_.fetch_add(1, std::memory_order_relaxed);
    report_first_shrunk_pipe(capacity);
  }
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void PipePool::release(Pipe pipe) {
  if (idle_.size() < max_idle_) idle_.push_back(std::move(pipe));
  idle_count_.store(idle_.size(), std::memory_order_relaxed);
}

}  // namespace snigate::io
