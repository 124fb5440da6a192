// Writes status.loadBalancer.ingress of our Ingresses through their /status subresource, only
// while this replica leads, and only for Ingresses whose status differs (translate/status.h).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "kube/api_client.h"
#include "telemetry/controller_metrics.h"
#include "translate/status.h"

namespace snigate::controller::kube {

class IngressStatusWriter {
 public:
  IngressStatusWriter(ApiClient& api, telemetry::ControllerMetrics& metrics, std::function<bool()> is_leader)
      : api_(api), metrics_(metrics), is_leader_(std::move(is_leader)) {}

  // A JSON merge patch of status.loadBalancer.ingress alone, which replaces the list whole and
  // leaves every other field (and other writers' status) alone. Leadership is checked before each
  // write: a batch may outlast it.
  void write(const std::vector<translate::IngressStatusUpdate>& updates);

 private:
  // A write is not repeated while the Ingress still shows the status it had before it: our own
  // write's watch event has not arrived yet. A merge patch carries no resourceVersion, so nothing
  // else would stop the once-a-second check from writing the same status again.
  struct Written {
    translate::LoadBalancerStatus before;
    translate::LoadBalancerStatus after;
  };

  ApiClient& api_;
  telemetry::ControllerMetrics& metrics_;
  std::function<bool()> is_leader_;
  std::map<std::string, Written> written_;  // by Ingress uid
};

}  // namespace snigate::controller::kube
