#include "proxy/splice_pump.h"

#include <fcntl.h>

#include <cerrno>

namespace snigate::proxy {
namespace {

constexpr std::size_t kDefaultPipeBytes = 64 * 1024;  // Linux's default pipe capacity
// A direction that has moved this much is a bulk transfer: its pipe grows to kBulkPipeBytes, so each
// splice moves up to 16 times more. Only such pipes grow, since every pipe page counts against the
// user's pipe-user-pages limit, and a grown pipe is closed rather than pooled.
constexpr std::uint64_t kBulkThresholdBytes = 1024 * 1024;
constexpr int kBulkPipeBytes = 1024 * 1024;
// Chunks per turn, so that one fast connection cannot starve the rest of its worker.
constexpr int kChunksPerTurn = 16;
constexpr unsigned kSpliceFlags = SPLICE_F_MOVE | SPLICE_F_NONBLOCK;

}  // namespace

SplicePump::~SplicePump() { return_pipe(); }

void SplicePump::return_pipe() {
  // A pipe that still holds bytes would leak them into the next connection: let it close instead.
  if (pipe_ && bytes_in_pipe_ == 0 && pipe_bytes_ == kDefaultPipeBytes) pool_.release(std::move(*pipe_));
  pipe_.reset();
}

void SplicePump::grow_pipe_for_bulk() {
  grown_ = true;  // tried once, whatever the outcome
  int capacity = ::fcntl(pipe_->write_end.get(), F_SETPIPE_SZ, kBulkPipeBytes);
  if (capacity > 0) pipe_bytes_ = static_cast<std::size_t>(capacity);
}

SplicePump::Status SplicePump::fail(int error, FailedAt where) {
  error_ = error;
  failed_at_ = where;
  return Status::failed;
}

SplicePump::Status SplicePump::transfer(std::uint64_t& moved) {
  for (int chunks = 0; chunks < kChunksPerTurn;) {
    if (bytes_in_pipe_ > 0) {
      ssize_t sent = ::splice(pipe_->read_end.get(), nullptr, to_fd_, nullptr, bytes_in_pipe_, kSpliceFlags);
      if (sent > 0) {
        bytes_in_pipe_ -= static_cast<std::size_t>(sent);
        moved += static_cast<std::uint64_t>(sent);
        delivered_ += static_cast<std::uint64_t>(sent);
        continue;
      }
      if (sent < 0 && errno == EINTR) continue;
      if (sent < 0 && errno == EAGAIN) return Status::want_write;
      return fail(sent < 0 ? errno : EPIPE, FailedAt::destination);
    }
    if (end_of_stream_) {
      return_pipe();
      finished_ = true;
      return Status::finished;
    }
    if (!pipe_) {
      pipe_ = pool_.acquire();
      if (!pipe_) {
        // Out of descriptors is the process's state, not this transfer's: the bytes stay in the
        // socket until a pipe can be had.
        if (errno == EMFILE || errno == ENFILE || errno == ENOMEM) return Status::want_pipe;
        return fail(errno, FailedAt::pipe);
      }
    }
    if (!grown_ && delivered_ >= kBulkThresholdBytes) grow_pipe_for_bulk();
    ssize_t received = ::splice(from_fd_, nullptr, pipe_->write_end.get(), nullptr, pipe_bytes_, kSpliceFlags);
    if (received > 0) {
      bytes_in_pipe_ = static_cast<std::size_t>(received);
      ++chunks;
      continue;
    }
    if (received == 0) {
      end_of_stream_ = true;
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {
      // Idle connections hold no pipe; a bulk one keeps its grown pipe for the next burst.
      if (pipe_bytes_ == kDefaultPipeBytes) return_pipe();
      return Status::want_read;
    }
    return fail(errno, FailedAt::source);
  }
  return Status::yielded;
}

}  // namespace snigate::proxy
