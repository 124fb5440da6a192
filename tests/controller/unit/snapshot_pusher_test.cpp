// SnapshotPusher against a real snigate-dataplane process: generations, coalescing, unchanged
// snapshots, a dataplane restart, and rejections.
#include "push/snapshot_pusher.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "dataplane_process.h"
#include "wait_until.h"

namespace snigate::controller::push {
namespace {

using Clock = SnapshotPusher::Clock;
using namespace std::chrono_literals;

snapshot::Snapshot routes_to(const std::string& hostname, std::uint16_t port = 8443) {
  snapshot::Snapshot wanted;
  wanted.routes.push_back({hostname, snapshot::Wildcard::single_label, {{"10.0.0.1", port, 1}}, snapshot::ProxyProtocol::none, {}, {}, 0, 0, 0, {}});
  return wanted;
}

// What the dataplane holds: generation and first hostname, or "none".
std::pair<std::uint64_t, std::string> held_by(const test::DataplaneProcess& dataplane) {
  const auto answer = nlohmann::json::parse(dataplane.current_snapshot());
  if (!answer.contains("routes")) return {0, "none"};
  return {answer["generation"].get<std::uint64_t>(), answer["routes"].empty() ? "" : answer["routes"][0]["hostname"].get<std::string>()};
}

class SnapshotPusherTest : public ::testing::Test {
 protected:
  void start_pusher(PushSettings settings = {}) {
    settings.socket_path = dataplane_.socket_path();
    pusher_ = std::make_unique<SnapshotPusher>(settings, metrics_, stop_);
    thread_ = std::thread([this] { pusher_->run(); });
  }
  void TearDown() override {
    stop_.trigger();
    if (thread_.joinable()) thread_.join();
  }

  test::DataplaneProcess dataplane_;
  telemetry::ControllerMetrics metrics_;
  StopSignal stop_;
  std::unique_ptr<SnapshotPusher> pusher_;
  std::thread thread_;
};

TEST_F(SnapshotPusherTest, FirstSnapshotArrivesAsGenerationOneWithinTheMaxDelay) {
  start_pusher();
  const auto offered_at = Clock::now();
  pusher_->offer(routes_to("a.example.com"), offered_at);
  ASSERT_TRUE(test::wait_until([&] { return held_by(dataplane_).second == "a.example.com"; }, 2s));
  EXPECT_LT(Clock::now() - offered_at, 500ms);
  EXPECT_EQ(held_by(dataplane_).first, 1u);
  EXPECT_TRUE(pusher_->in_sync());
}

TEST_F(SnapshotPusherTest, ChangeAfterAQuietSpellIsPushedAtOnce) {
  // A long quiet period makes waiting for it visible: only the changes of a burst wait.
  start_pusher({.quiet_period = 2s, .max_delay = 4s});
  pusher_->offer(routes_to("first.example.com"), Clock::now());
  ASSERT_TRUE(test::wait_until([&] { return metrics_.pushes == 1; }, 1s)) << "the first change waited for a quiet period";
  std::this_thread::sleep_for(2100ms);
  const auto offered_at = Clock::now();
  pusher_->offer(routes_to("second.example.com"), offered_at);
  ASSERT_TRUE(test::wait_until([&] { return metrics_.pushes == 2; }, 1s)) << "a change after a quiet spell waited";
  EXPECT_EQ(held_by(dataplane_).second, "second.example.com");
}

TEST_F(SnapshotPusherTest, BurstOfOffersAfterAPushBecomesOnePush) {
  start_pusher({.quiet_period = 200ms, .max_delay = 1s});
  pusher_->offer(routes_to("warm.example.com"), Clock::now());
  ASSERT_TRUE(test::wait_until([&] { return metrics_.pushes == 1; }, 2s));
  for (int i = 0; i < 50; ++i) pusher_->offer(routes_to("burst" + std::to_string(i) + ".example.com"), Clock::now());
  ASSERT_TRUE(test::wait_until([&] { return held_by(dataplane_).second == "burst49.example.com"; }, 2s));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(metrics_.pushes, 2u) << "50 offers in a burst must coalesce into one push";
}

TEST_F(SnapshotPusherTest, UnchangedSnapshotIsNotPushedAgain) {
  start_pusher();
  pusher_->offer(routes_to("a.example.com"), Clock::now());
  ASSERT_TRUE(test::wait_until([&] { return metrics_.pushes == 1; }, 2s));
  pusher_->offer(routes_to("a.example.com"), Clock::now());
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(metrics_.pushes, 1u);
  EXPECT_EQ(held_by(dataplane_).first, 1u);
}

TEST_F(SnapshotPusherTest, RestartedDataplaneGetsTheCurrentSnapshotAgain) {
  start_pusher();
  pusher_->offer(routes_to("a.example.com"), Clock::now());
  ASSERT_TRUE(test::wait_until([&] { return held_by(dataplane_).second == "a.example.com"; }, 2s));
  dataplane_.stop(SIGKILL);
  std::this_thread::sleep_for(300ms);
  dataplane_.start();
  EXPECT_TRUE(test::wait_until([&] { return held_by(dataplane_).second == "a.example.com"; }, 3s))
      << "the controller must re-push after the dataplane restarts";
  EXPECT_EQ(held_by(dataplane_).first, 1u) << "a fresh dataplane starts the sequence again";
}

TEST_F(SnapshotPusherTest, InSyncOnlyWhileConnectedToADataplaneThatHoldsOurSnapshot) {
  start_pusher();
  pusher_->offer(routes_to("a.example.com"), Clock::now());
  ASSERT_TRUE(test::wait_until([&] { return pusher_->in_sync(); }, 2s));
  dataplane_.stop(SIGKILL);
  const auto killed_at = Clock::now();
  EXPECT_TRUE(test::wait_until([&] { return !pusher_->in_sync(); }, 1s)) << "a dead dataplane is not in sync";
  EXPECT_LT(Clock::now() - killed_at, 500ms);
  dataplane_.start();
  EXPECT_TRUE(test::wait_until([&] { return pusher_->in_sync(); }, 3s)) << "in sync again once the restarted dataplane has it";
  EXPECT_EQ(held_by(dataplane_).second, "a.example.com");
}

TEST_F(SnapshotPusherTest, ContinuesFromTheGenerationTheDataplaneHolds) {
  dataplane_.stop();
  std::ofstream(dataplane_.folder() / "routes.json")
      << R"({"version":1,"generation":41,"routes":[{"hostname":"file.example.com","backends":[{"address":"10.0.0.9","port":443}]}]})";
  test::DataplaneProcess with_file({"--routes", (dataplane_.folder() / "routes.json").string()});
  pusher_ = std::make_unique<SnapshotPusher>(PushSettings{.socket_path = with_file.socket_path()}, metrics_, stop_);
  thread_ = std::thread([this] { pusher_->run(); });
  pusher_->offer(routes_to("a.example.com"), Clock::now());
  ASSERT_TRUE(test::wait_until([&] { return held_by(with_file).second == "a.example.com"; }, 2s));
  EXPECT_EQ(held_by(with_file).first, 42u);
  stop_.trigger();
  thread_.join();
}

TEST_F(SnapshotPusherTest, RejectionIsCountedAndTheNextChangeStillGoesThrough) {
  start_pusher();
  snapshot::Snapshot invalid = routes_to("a.example.com");
  invalid.routes[0].backends[0].address = "not-an-ip";
  pusher_->offer(invalid, Clock::now());
  ASSERT_TRUE(test::wait_until([&] { return metrics_.push_rejections >= 1; }, 2s));
  std::this_thread::sleep_for(300ms);
  EXPECT_LE(metrics_.push_rejections, 2u) << "a refused snapshot is retried at most once";
  pusher_->offer(routes_to("good.example.com"), Clock::now());
  EXPECT_TRUE(test::wait_until([&] { return held_by(dataplane_).second == "good.example.com"; }, 2s));
}

TEST_F(SnapshotPusherTest, NothingIsPushedBeforeTheFirstOffer) {
  start_pusher();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(held_by(dataplane_).second, "none");
  EXPECT_FALSE(pusher_->in_sync());
}

}  // namespace
}  // namespace snigate::controller::push
