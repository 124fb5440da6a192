// Moves one direction of a proxied connection from socket to socket through a pipe with splice(2),
// so payload bytes never enter user space.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "io/pipe_pool.h"

namespace snigate::proxy {

class SplicePump {
 public:
  enum class Status {
    want_read,   // the source is drained: wait until it is readable
    want_write,  // the destination is full: wait until it is writable
    yielded,     // moved its share for this turn; run again after other work
    want_pipe,   // the process is out of descriptors for a pipe: try again a little later
    finished,    // end of stream seen and every byte delivered
    failed,      // a socket error; error() says which, failed_at() where
  };
  // Where a failure came from: reading the source socket, writing the destination socket, or
  // neither (no pipe could be had for another reason than a lack of descriptors).
  enum class FailedAt : std::uint8_t { source, destination, pipe };

  SplicePump(io::PipePool& pool, int from_fd, int to_fd) : pool_(pool), from_fd_(from_fd), to_fd_(to_fd) {}
  SplicePump(const SplicePump&) = delete;
  SplicePump& operator=(const SplicePump&) = delete;
  ~SplicePump();

  // Moves as much as the sockets allow, up to a fairness budget; adds the bytes delivered to `moved`.
  Status transfer(std::uint64_t& moved);

  bool finished() const { return finished_; }
  bool holds_bytes() const { return bytes_in_pipe_ > 0; }
  int from_fd() const { return from_fd_; }
  int to_fd() const { return to_fd_; }
  int error() const { return error_; }
  FailedAt failed_at() const { return failed_at_; }

 private:
  Status fail(int error, FailedAt where);
  void return_pipe();
  void grow_pipe_for_bulk();

  io::PipePool& pool_;
  int from_fd_;
  int to_fd_;
  std::optional<io::Pipe> pipe_;  // held only while bytes are in flight
  std::size_t bytes_in_pipe_ = 0;
  std::size_t pipe_bytes_ = 64 * 1024;  // capacity of pipe_, and so the most one splice moves
  std::uint64_t delivered_ = 0;
  bool grown_ = false;
  bool end_of_stream_ = false;
  bool finished_ = false;
  FailedAt failed_at_ = FailedAt::source;
  int error_ = 0;
};

}  // namespace snigate::proxy
