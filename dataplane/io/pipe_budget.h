// How many pipes a worker may keep idle, given the kernel's per-uid pipe allowance
// (fs.pipe-user-pages-soft): past it, every new pipe of the uid gets 2 pages instead of 16, and a
// splice through it moves 8 KiB instead of 64 KiB. Idle pooled pipes count against it too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace snigate::io {

inline constexpr std::size_t kMaxIdlePipesPerWorker = 256;
inline constexpr std::uint64_t kPagesPerDefaultPipe = 16;  // 64 KiB in 4 KiB pages

struct PipeBudget {
  std::optional<std::uint64_t> soft_limit_pages;  // nullopt: no limit (0 in the sysctl) or unknown
  std::size_t idle_pipes_per_worker = kMaxIdlePipesPerWorker;
};

// Idle pipes take at most a quarter of the allowance, shared by the workers; the rest is for pipes
// in use (two per moving connection) and for the uid's other processes.
PipeBudget pipe_budget(std::size_t workers, std::optional<std::uint64_t> soft_limit_pages);

// fs.pipe-user-pages-soft from `path`; nullopt when unreadable or 0 (no limit).
std::optional<std::uint64_t> read_pipe_user_pages_soft(const std::string& path = "/proc/sys/fs/pipe-user-pages-soft");

}  // namespace snigate::io
