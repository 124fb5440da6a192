// Limits and deadlines every worker applies to its connections.
#pragma once

#include <chrono>
#include <cstddef>

namespace snigate::proxy {

struct ProxySettings {
  std::chrono::milliseconds client_hello_timeout{std::chrono::seconds(5)};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};
  std::chrono::milliseconds idle_timeout{std::chrono::hours(1)};
  std::size_t max_client_hello_bytes = 64 * 1024;
  std::size_t idle_pipes_per_worker = 256;  // sized at startup from fs.pipe-user-pages-soft (io/pipe_budget.h)
};

}  // namespace snigate::proxy
