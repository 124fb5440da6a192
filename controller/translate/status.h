// The address the leader publishes in status.loadBalancer.ingress of our Ingresses: that of the
// --publish-service Service, or the fixed --publish-status-address list.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/objects.h"
#include "translate/ingress.h"

namespace snigate::controller::translate {

struct PublishSettings {
  std::optional<std::string> service;  // "namespace/name", read from the API (it may lie outside --watch-namespace)
  std::vector<std::string> addresses;  // IPs become {"ip": ...}, other names {"hostname": ...}

  bool enabled() const { return service || !addresses.empty(); }
};

using LoadBalancerStatus = std::vector<model::LoadBalancerIngress>;

// What to publish; nullopt when publishing is off or the publish Service is not known (yet), so
// that nothing is overwritten with a guess. `publish_service` is that Service as last read.
std::optional<LoadBalancerStatus> published_load_balancer(const PublishSettings& settings,
                                                          const std::optional<model::Service>& publish_service);

struct IngressStatusUpdate {
  ObjectRef ingress;
  LoadBalancerStatus current;        // what the Ingress shows now
  LoadBalancerStatus load_balancer;  // what it should show
};

// Each of `ours` whose status differs from `load_balancer`.
std::vector<IngressStatusUpdate> ingress_status_updates(const std::vector<OurIngress>& ours, const LoadBalancerStatus& load_balancer);

}  // namespace snigate::controller::translate
