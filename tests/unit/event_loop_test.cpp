// EventLoop: deadlines in order, posts from other threads, and work deferred past a batch.
#include "io/event_loop.h"

#include <gtest/gtest.h>
#include <thread>

namespace snigate::io {
namespace {

using namespace std::chrono_literals;

struct Recorder : EventLoop::Timer, EventLoop::Watcher {
  Recorder(std::vector<std::string>& log, std::string name) : log(log), name(std::move(name)) {}
  void on_timer() override { log.push_back(name); }
  void on_ready(std::uint32_t, unsigned tag) override { log.push_back(name + " ready " + std::to_string(tag)); }
  std::vector<std::string>& log;
  std::string name;
};

TEST(EventLoop, TimersFireInDeadlineOrderAndDisarmedOnesNever) {
  EventLoop loop;
  std::vector<std::string> log;
  Recorder late(log, "late"), early(log, "early"), cancelled(log, "cancelled");
  auto now = Clock::now();
  loop.arm(late, now + 20ms);
  loop.arm(early, now + 5ms);
  loop.arm(cancelled, now + 10ms);
  loop.disarm(cancelled);
  while (log.size() < 2) loop.run_once(50ms);
  EXPECT_EQ(log, (std::vector<std::string>{"early", "late"}));
  EXPECT_FALSE(late.armed());
}

TEST(EventLoop, RearmingMovesADeadline) {
  EventLoop loop;
  std::vector<std::string> log;
  Recorder timer(log, "t");
  loop.arm(timer, Clock::now() + 1h);
  loop.arm(timer, Clock::now());
  loop.run_once(50ms);
  EXPECT_EQ(log, (std::vector<std::string>{"t"}));
}

TEST(EventLoop, PostFromAnotherThreadWakesTheLoop) {
  EventLoop loop;
  std::atomic<bool> ran = false;
  std::thread other([&] { loop.post([&] { ran = true; }); });
  other.join();
  loop.run_once(1000ms);
  EXPECT_TRUE(ran);
}

TEST(EventLoop, PostSoonRunsAfterTheBatchUnlessCancelled) {
  EventLoop loop;
  std::vector<std::string> log;
  Recorder kept(log, "kept"), dropped(log, "dropped");
  loop.post_soon(kept, 1);
  loop.post_soon(dropped, 0);
  loop.cancel_soon(dropped);
  loop.run_once(1000ms);  // returns at once: soon work means no waiting
  EXPECT_EQ(log, (std::vector<std::string>{"kept ready 1"}));
}

}  // namespace
}  // namespace snigate::io
