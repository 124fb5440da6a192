// How the open-file limit is shared out. A busy proxied connection holds six descriptors: its two
// sockets and, while bytes are in flight both ways, a pipe of two ends for each direction (a
// grown bulk pipe is held until the connection ends). Each worker's pool of idle pipes holds two
// per pipe, and a few are kept for the process itself (listeners, epoll, admin and control sockets).
#pragma once

#include <algorithm>
#include <cstddef>

namespace snigate::proxy {

struct DescriptorPlan {
  std::size_t max_connections;
  std::size_t idle_pipes_per_worker;
};

inline constexpr std::size_t kReservedDescriptors = 64;
inline constexpr std::size_t kDescriptorsPerConnection = 6;
inline constexpr std::size_t kMaxIdlePipesPerWorker = 256;

inline DescriptorPlan plan_descriptors(std::size_t open_files, std::size_t workers) {
  workers = std::max<std::size_t>(workers, 1);
  // Pooled pipes take at most a sixteenth of the limit.
  std::size_t idle_pipes = std::clamp<std::size_t>(open_files / 32 / workers, 1, kMaxIdlePipesPerWorker);
  std::size_t pooled = idle_pipes * 2 * workers;
  std::size_t usable = open_files > kReservedDescriptors + pooled ? open_files - kReservedDescriptors - pooled : 0;
  return {std::max<std::size_t>(usable / kDescriptorsPerConnection, 1), idle_pipes};
}

}  // namespace snigate::proxy
