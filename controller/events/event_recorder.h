// Turns translation problems into a log line each on every replica and, on the leader only, a
// Kubernetes Warning Event on the object concerned. A problem is reported once it has lasted a
// grace period (a Service's EndpointSlice usually arrives a moment after the Service: that is not
// worth a warning), and once per appearance, so an unchanged bad object does not produce an Event
// per translation.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "kube/api_client.h"
#include "telemetry/controller_metrics.h"
#include "translate/problem.h"

namespace snigate::controller::events {

class EventRecorder {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::string_view kComponent = "snigate-controller";
  static constexpr std::chrono::seconds kGracePeriod{2};
  // kube-apiserver's default --event-ttl: an Event is deleted this long after its last write.
  static constexpr std::chrono::hours kEventTtl{1};

  EventRecorder(kube::ApiClient& api, telemetry::ControllerMetrics& metrics, std::string instance,
                std::function<bool()> is_leader);

  // Called with the current problems after every translation and at least every second.
  void observe(const std::vector<translate::Problem>& problems, Clock::time_point now);

 private:
  struct Count {
    int count = 0;
    Clock::time_point written_at;
  };

  void record(const translate::Problem& problem, Clock::time_point now);

  kube::ApiClient& api_;
  telemetry::ControllerMetrics& metrics_;
  std::string instance_;
  std::function<bool()> is_leader_;
  std::map<translate::Problem, Clock::time_point> first_seen_;
  std::set<translate::Problem> logged_;    // past the grace period, on every replica
  std::set<translate::Problem> recorded_;  // as an Event, by this replica while it led
  // By Event name: how often this problem appeared. Entries go once their Event has expired
  // (kEventTtl after our last write), when a count would describe an Event that is gone anyway;
  // so the map holds the problems of the last hour, not every object that ever had one.
  std::map<std::string, Count> counts_;
};

}  // namespace snigate::controller::events
