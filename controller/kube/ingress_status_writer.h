// Writes status.loadBalancer.ingress of our Ingresses through their /status subresource. Only the
// leader calls it, and only with Ingresses whose status differs (translate/status.h).
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "kube/api_client.h"
#include "telemetry/controller_metrics.h"

namespace snigate::controller::kube {

class IngressStatusWriter {
 public:
  IngressStatusWriter(ApiClient& api, telemetry::ControllerMetrics& metrics) : api_(api), metrics_(metrics) {}

  // PUTs each updated Ingress (it carries its resourceVersion, so a stale one gets 409 and is
  // retried after the watch delivers the newer object).
  void write(const std::vector<nlohmann::json>& updated_ingresses);

 private:
  ApiClient& api_;
  telemetry::ControllerMetrics& metrics_;
};

}  // namespace snigate::controller::kube
