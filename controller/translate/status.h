// The address the leader publishes in status.loadBalancer.ingress of our Ingresses: that of the
// --publish-service Service, or the fixed --publish-status-address list.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "translate/cluster_state.h"
#include "translate/problem.h"

namespace snigate::controller::translate {

struct PublishSettings {
  std::optional<std::string> service;  // "namespace/name"
  std::vector<std::string> addresses;  // IPs become {"ip": ...}, other names {"hostname": ...}

  bool enabled() const { return service || !addresses.empty(); }
};

// The status.loadBalancer.ingress array to publish; nullopt when publishing is off or the publish
// Service is not known (yet), so that nothing is overwritten with a guess.
std::optional<nlohmann::json> published_load_balancer(const ClusterState& state, const PublishSettings& settings);

// Each of `ours` whose status.loadBalancer.ingress differs from `load_balancer`, as the full object
// with the new status, ready to PUT to its /status subresource.
std::vector<nlohmann::json> ingress_status_updates(const ClusterState& state, const std::vector<ObjectRef>& ours,
                                                   const nlohmann::json& load_balancer);

}  // namespace snigate::controller::translate
