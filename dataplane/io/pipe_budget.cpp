#include "io/pipe_budget.h"

#include <algorithm>
#include <fstream>

namespace snigate::io {

PipeBudget pipe_budget(std::size_t workers, std::optional<std::uint64_t> soft_limit_pages) {
  PipeBudget budget{soft_limit_pages, kMaxIdlePipesPerWorker};
  if (!soft_limit_pages) return budget;
  const std::uint64_t idle_allowance = *soft_limit_pages / kPagesPerDefaultPipe / 4;
  const std::uint64_t per_worker = idle_allowance / std::max<std::size_t>(workers, 1);
  budget.idle_pipes_per_worker =
      static_cast<std::size_t>(std::clamp<std::uint64_t>(per_worker, 1, kMaxIdlePipesPerWorker));
  return budget;
}

std::optional<std::uint64_t> read_pipe_user_pages_soft(const std::string& path) {
  std::ifstream file(path);
  std::uint64_t pages = 0;
  if (!(file >> pages) || pages == 0) return std::nullopt;
  return pages;
}

}  // namespace snigate::io
