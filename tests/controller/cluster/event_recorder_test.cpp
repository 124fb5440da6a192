// EventRecorder against the real kube-apiserver: a reappearing problem counts its Event up, only
// the leader writes Events, and counts are forgotten with the Events they describe.
#include "events/event_recorder.h"

#include <gtest/gtest.h>

#include "local_cluster_fixture.h"

namespace snigate::controller::events {
namespace {

using test::LocalClusterEnvironment;
using Clock = EventRecorder::Clock;
using namespace std::chrono_literals;

class EventRecorderTest : public test::LocalClusterTest {
 protected:
  translate::Problem problem() const {
    return {.object = {.kind = "Service", .api_version = "v1", .namespace_name = test_namespace(), .name = "web", .uid = "uid-web",
                       .creation_timestamp = "2026-01-01T00:00:00Z"},
            .reason = "UnknownPort",
            .message = "no port 9999"};
  }
  // One appearance of the problem at `at`, long enough to pass the grace period, then gone.
  void appear(EventRecorder& recorder, Clock::time_point at) {
    recorder.observe({problem()}, at);
    recorder.observe({problem()}, at + EventRecorder::kGracePeriod);
    recorder.observe({}, at + EventRecorder::kGracePeriod + 1s);
  }
  // "count" of each Event on Service web.
  std::vector<int> event_counts() {
    const auto events = nlohmann::json::parse(kubectl("get events -n " + test_namespace() + " -o json"));
    std::vector<int> counts;
    for (const auto& event : events["items"]) {
      if (event["involvedObject"]["name"] == "web") counts.push_back(event.value("count", 0));
    }
    return counts;
  }

  kube::ApiClient api_{kube::load_kubeconfig(LocalClusterEnvironment::admin_kubeconfig()), 20s};
  telemetry::ControllerMetrics metrics_;
};

TEST_F(EventRecorderTest, OnlyTheLeaderWritesEventsAndEveryReplicaCountsTheProblem) {
  bool leader = false;
  EventRecorder recorder(api_, metrics_, "test", [&] { return leader; });
  const auto start = Clock::now();
  recorder.observe({problem()}, start);
  recorder.observe({problem()}, start + EventRecorder::kGracePeriod);
  EXPECT_EQ(metrics_.problems, 1u);
  EXPECT_EQ(event_counts(), std::vector<int>{}) << "a follower wrote an Event";

  leader = true;
  recorder.observe({problem()}, start + EventRecorder::kGracePeriod + 1s);
  EXPECT_EQ(event_counts(), std::vector<int>{1}) << "a new leader records the problems it finds";
  EXPECT_EQ(metrics_.events_recorded, 1u);
}

TEST_F(EventRecorderTest, AReappearanceCountsUpAndOneAfterTheEventExpiredStartsANewEvent) {
  EventRecorder recorder(api_, metrics_, "test", [] { return true; });
  const auto start = Clock::now();
  appear(recorder, start);
  appear(recorder, start + 10s);
  EXPECT_EQ(event_counts(), std::vector<int>{2});

  // The apiserver deletes an Event --event-ttl after its last write; here kubectl stands in for it.
  kubectl("delete events --all -n " + test_namespace());
  appear(recorder, start + 10s + EventRecorder::kEventTtl + 1min);
  EXPECT_EQ(event_counts(), std::vector<int>{1}) << "the count outlived its Event";
}

}  // namespace
}  // namespace snigate::controller::events
