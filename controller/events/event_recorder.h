// Turns translation problems into Kubernetes Warning Events on the objects concerned, and a log
// line each. Only problems that are new since the previous translation are recorded, so an
// unchanged bad object does not produce an Event per translation.
#pragma once

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
  static constexpr std::string_view kComponent = "snigate-controller";

  EventRecorder(kube::ApiClient& api, telemetry::ControllerMetrics& metrics, std::string instance);

  void record_new(const std::vector<translate::Problem>& problems);

 private:
  void record(const translate::Problem& problem);

  kube::ApiClient& api_;
  telemetry::ControllerMetrics& metrics_;
  std::string instance_;
  std::set<translate::Problem> previous_;
  std::map<std::string, int> counts_;  // by Event name: how often this problem appeared
};

}  // namespace snigate::controller::events
