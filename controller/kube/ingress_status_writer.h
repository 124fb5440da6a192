// Writes status.loadBalancer.ingress of our Ingresses through their /status subresource, only
// while this replica leads, and only for Ingresses whose status differs (translate/status.h).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "kube/api_client.h"
#include "telemetry/controller_metrics.h"

namespace snigate::controller::kube {

class IngressStatusWriter {
 public:
  IngressStatusWriter(ApiClient& api, telemetry::ControllerMetrics& metrics, std::function<bool()> is_leader)
      : api_(api), metrics_(metrics), is_leader_(std::move(is_leader)) {}

  // PUTs each updated Ingress (it carries its resourceVersion, so a stale one gets 409 and is
  // retried after the watch delivers the newer object). Leadership is checked before each PUT:
  // a batch may outlast it.
  void write(const std::vector<nlohmann::json>& updated_ingresses);

 private:
  ApiClient& api_;
  telemetry::ControllerMetrics& metrics_;
  std::function<bool()> is_leader_;
};

}  // namespace snigate::controller::kube
