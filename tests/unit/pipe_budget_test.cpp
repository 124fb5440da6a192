// pipe_budget: the idle pipes each worker may pool, from the per-uid pipe allowance.
#include "io/pipe_budget.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <sys/resource.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "io/pipe_pool.h"
#include "log/log.h"

namespace snigate::io {
namespace {

TEST(PipeBudget, IdlePipesTakeAQuarterOfTheAllowanceSharedByTheWorkers) {
  // The kernel's default, 16,384 pages, holds 1,024 pipes of 64 KiB.
  EXPECT_EQ(pipe_budget(2, 16384).idle_pipes_per_worker, 128u);
  EXPECT_EQ(pipe_budget(64, 16384).idle_pipes_per_worker, 4u);
  EXPECT_EQ(pipe_budget(1, 16384).idle_pipes_per_worker, 256u) << "never more than 256";
  EXPECT_EQ(pipe_budget(1024, 16384).idle_pipes_per_worker, 1u) << "never none";
  EXPECT_EQ(pipe_budget(4, std::nullopt).idle_pipes_per_worker, kMaxIdlePipesPerWorker) << "no limit";
}

TEST(PipeBudget, ReadsTheSysctlAndTakesZeroForNoLimit) {
  const auto path = std::filesystem::temp_directory_path() / ("snigate-pipe-pages-" + std::to_string(::getpid()));
  std::ofstream(path) << "16384\n";
  EXPECT_EQ(read_pipe_user_pages_soft(path), 16384u);
  std::ofstream(path) << "0\n";
  EXPECT_EQ(read_pipe_user_pages_soft(path), std::nullopt);
  std::filesystem::remove(path);
  EXPECT_EQ(read_pipe_user_pages_soft(path), std::nullopt);
}

TEST(PipePool, CountsIdlePipesForAScrape) {
  PipePool pool(2);
  auto a = pool.acquire(), b = pool.acquire(), c = pool.acquire();
  ASSERT_TRUE(a && b && c);
  pool.release(std::move(*a));
  pool.release(std::move(*b));
  pool.release(std::move(*c));
  EXPECT_EQ(pool.idle(), 2u);
  EXPECT_EQ(pool.shrunk(), 0u) << "as long as this uid is under its pipe allowance";
}

// The kernel shrinks the pipes of a uid past fs.pipe-user-pages-soft without a word: a child
// becomes uid 65534 (nobody), takes a full allowance of pipes, and the pool must have counted the
// ones that came out small. Root is exempt from the limit, hence the other uid.
TEST(PipePool, CountsThePipesTheKernelShrinksPastPipeUserPagesSoft) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to become another uid";
  const auto soft_pages = read_pipe_user_pages_soft();
  if (!soft_pages) GTEST_SKIP() << "fs.pipe-user-pages-soft is 0: no limit";
  const std::uint64_t pipes = *soft_pages / kPagesPerDefaultPipe + 8;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    log::set_level(log::Level::error);
    rlimit files{};
    ::getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &files);
    if (files.rlim_cur < 2 * pipes + 16) ::_exit(4);
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
    PipePool pool(0);
    std::vector<Pipe> held;
    for (std::uint64_t i = 0; i < pipes; ++i) {
      auto pipe = pool.acquire();
      if (!pipe) ::_exit(3);
      held.push_back(std::move(*pipe));
    }
    ::_exit(pool.shrunk() > 0 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 4) GTEST_SKIP() << "the open-file limit cannot hold " << pipes << " pipes";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: no shrunk pipe counted; 2: cannot become nobody; 3: pipe2 failed";
}

}  // namespace
}  // namespace snigate::io
