// The controller's one pure function: the cluster's objects in, the route snapshot out, with what
// could not be routed and why. No I/O, no clocks: the same objects give the same snapshot.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/cluster_state.h"
#include "snapshot/snapshot.h"
#include "translate/claims.h"
#include "translate/conflicts.h"
#include "translate/gateway_api_status.h"
#include "translate/gateway_listeners.h"
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
  GatewayApiSettings gateway_api{};
};

struct Translation {
  snapshot::Snapshot snapshot;    // generation 0: the push client numbers snapshots
  std::vector<Problem> problems;  // sorted, without duplicates
  std::vector<OurIngress> our_ingresses;
  GatewayApiStatus gateway_api;  // what our GatewayClasses, Gateways and TLSRoutes should say
};

Translation translate(const model::ClusterState& state, const TranslationSettings& settings);

// translate() with a memory: each object's claims are kept until what they were derived from
// changes (model::ClusterState::changed_since): an annotated Service's until it or its
// EndpointSlices change; an Ingress's until it, the IngressClasses or a Service it names change.
// TLSRoutes are derived again all together whenever any Gateway API object or Namespace changes,
// or a Service (or its EndpointSlices) that any TLSRoute names or that may give a Gateway its
// address (translate/gateway_services.h): simple and correct, at the cost of
// one pass over every TLSRoute and Gateway per such change (Gateway API objects are few beside
// Services; a Service no TLSRoute names costs nothing).
// So a change to one of 10,000 Services re-derives only the claims that depend on it, and
// settling the names walks an index of the claims kept as they change. Same result as translate(), for one ClusterState over its life.
class Translator {
 public:
  explicit Translator(TranslationSettings settings) : settings_(std::move(settings)) {}

  Translation translate(const model::ClusterState& state);

 private:
  struct IngressClaims {
    std::vector<std::string> services;  // the Services it names ("namespace/name")
    std::optional<OurIngress> ours;     // nullopt: not of our class, no claims
    Claims claims;
  };

  void refresh(const model::ClusterState& state);
  void update_service(const model::ClusterState& state, std::string_view key);
  void update_ingress(const model::ClusterState& state, std::string_view key);
  void update_tls_routes(const model::ClusterState& state);

  TranslationSettings settings_;
  std::uint64_t seen_revision_ = 0;                         // of the state the claims below were derived from
  std::unordered_map<std::string, Claims> services_;         // annotated Services, by "namespace/name"
  std::unordered_map<std::string, IngressClaims> ingresses_;  // every Ingress, by "namespace/name"
  std::unordered_multimap<std::string, std::string> ingresses_naming_;  // Service key -> Ingress keys
  struct TLSRouteClaims {
    std::set<std::string, std::less<>> services;  // that the routes name ("namespace/name")
    GatewayApiStatus status;
    Claims claims;
  };
  TLSRouteClaims tls_routes_;  // every TLSRoute's
  HostnameClaims hostnames_;  // the claims of services_, ingresses_ and tls_routes_, which must not move while held here
};

}  // namespace snigate::controller::translate
