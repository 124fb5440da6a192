// The controller's one pure function: the cluster's objects in, the route snapshot out, with what
// could not be routed and why. No I/O, no clocks: the same objects give the same snapshot.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/cluster_state.h"
#include "snapshot/snapshot.h"
#include "translate/hostname_delegation.h"
#include "translate/ingress.h"
#include "translate/problem.h"

namespace snigate::controller::translate {

// The operator's catch-all for names no route matches (--default-backend-service).
struct DefaultBackendService {
  std::string namespace_name;
  std::string name;
  std::optional<std::string> port;  // a port name or number; nullopt: the default port
};

struct TranslationSettings {
  IngressClassSelection ingress_classes;
  std::optional<DefaultBackendService> default_backend{};
  HostnameDelegation delegation{};
};

struct Translation {
  snapshot::Snapshot snapshot;    // generation 0: the push client numbers snapshots
  std::vector<Problem> problems;  // sorted, without duplicates
  std::vector<OurIngress> our_ingresses;
};

Translation translate(const model::ClusterState& state, const TranslationSettings& settings);

}  // namespace snigate::controller::translate
