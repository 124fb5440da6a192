// log: lines go out whole, and with a BackgroundWriter a reader that never reads costs dropped
// (and counted) lines, never a thread that logs.
#include "log/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <gtest/gtest.h>
#include <string>

namespace snigate::log {
namespace {

class LogOutput : public testing::Test {
 protected:
  void SetUp() override {
    std::signal(SIGPIPE, SIG_IGN);
    ASSERT_EQ(::pipe2(fds_, O_CLOEXEC), 0);
    set_output(fds_[1]);
  }
  void TearDown() override {
    set_output(STDOUT_FILENO);
    ::close(fds_[0]);
    ::close(fds_[1]);
  }

  std::string read_available() {
    ::fcntl(fds_[0], F_SETFL, O_NONBLOCK);
    std::string text;
    char buffer[65536];
    for (ssize_t got; (got = ::read(fds_[0], buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(got));
    return text;
  }

  int fds_[2] = {-1, -1};
};

TEST_F(LogOutput, ABackgroundWriterWritesEveryLineInOrder) {
  {
    BackgroundWriter writer;
    for (int i = 0; i < 100; ++i) write_lines("line " + std::to_string(i) + "\n");
  }  // destruction writes what is queued
  std::string expected;
  for (int i = 0; i < 100; ++i) expected += "line " + std::to_string(i) + "\n";
  EXPECT_EQ(read_available(), expected);
}

// Workers logged with a blocking write under a global mutex: a full stdout pipe stopped them all.
TEST_F(LogOutput, AReaderThatNeverReadsCostsDroppedLinesNotAWait) {
  const std::string line = std::string(99, 'x') + "\n";
  const auto dropped_before = dropped_lines();
  const auto started = std::chrono::steady_clock::now();
  {
    BackgroundWriter writer(/*max_queued_bytes=*/64 * 1024, /*flush_deadline=*/std::chrono::milliseconds(200));
    for (int i = 0; i < 20'000; ++i) write_lines(line);  // 2 MB into a 64 KiB pipe and a 64 KiB queue
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
    // Kept: what the pipe holds, the batch the writer is blocked on, and the queue: 64 KiB each,
    // and each may end in a part of one more line.
    EXPECT_GE(dropped_lines() - dropped_before, 20'000u - 3 * (64 * 1024 / line.size() + 1));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3)) << "gave up flushing in time";
  EXPECT_FALSE(read_available().empty());  // what fitted, and the abandoned writer can finish
}

}  // namespace
}  // namespace snigate::log
