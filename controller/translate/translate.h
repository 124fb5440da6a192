// The controller's one pure function: the cluster's objects in, the route snapshot out, with what
// could not be routed and why. No I/O, no clocks: the same objects give the same snapshot.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/cluster_state.h"
#include "snapshot/snapshot.h"
#include "translate/claims.h"
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

// translate() with a memory: a Service's claims are kept until the Service or its EndpointSlices
// change (model::ClusterState::service_inputs_revision), so a change to one of 10,000 Services
// re-derives that one, the Ingresses, and the settling of names. Same result as translate().
class Translator {
 public:
  explicit Translator(TranslationSettings settings) : settings_(std::move(settings)) {}

  Translation translate(const model::ClusterState& state);

 private:
  struct ServiceClaims {
    std::uint64_t inputs_revision = 0;
    Claims claims;
  };

  TranslationSettings settings_;
  std::unordered_map<std::string, ServiceClaims> services_;  // by "namespace/name"
};

}  // namespace snigate::controller::translate
