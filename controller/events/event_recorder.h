// Turns translation problems into Kubernetes Warning Events on the objects concerned, and a log
// line each. A problem is recorded once it has lasted a grace period (a Service's EndpointSlice
// usually arrives a moment after the Service: that is not worth a warning), and once per
// appearance, so an unchanged bad object does not produce an Event per translation.
#pragma once

#include <chrono>
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

  EventRecorder(kube::ApiClient& api, telemetry::ControllerMetrics& metrics, std::string instance);

  // Called with the current problems after every translation and at least every second.
  void observe(const std::vector<translate::Problem>& problems, Clock::time_point now);

 private:
  void record(const translate::Problem& problem);

  kube::ApiClient& api_;
  telemetry::ControllerMetrics& metrics_;
  std::string instance_;
  std::map<translate::Problem, Clock::time_point> first_seen_;
  std::set<translate::Problem> recorded_;
  std::map<std::string, int> counts_;  // by Event name: how often this problem appeared
};

}  // namespace snigate::controller::events
