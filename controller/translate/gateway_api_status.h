// What the status of our Gateway API objects should say, computed by the translation beside the
// routes; the leader writes it (kube/gateway_api_status_writer.h), adding what only the running
// controller knows: whether the dataplane holds the routes (Programmed) and the addresses.
// Conditions are data, named by the field that holds them, with the Gateway API's reasons.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/objects.h"
#include "translate/gateway_services.h"
#include "translate/problem.h"

namespace snigate::controller::translate {

struct Condition {
  bool status = true;
  std::string reason;   // "Accepted", "NotAllowedByListeners", ...
  std::string message;  // "" when all is well
  bool operator==(const Condition&) const = default;
};

struct ListenerStatus {
  std::string name;
  std::vector<model::RouteGroupKind> supported_kinds;
  int attached_routes = 0;  // TLSRoutes that claim at least one name through this listener
  Condition accepted;       // Accepted, or UnsupportedProtocol, UnsupportedValue, PortUnavailable
  Condition resolved_refs;  // ResolvedRefs, or InvalidRouteKinds
  // True (HostnameConflict) when an earlier TLS passthrough listener of the Gateway takes the same
  // port and hostname: this one attaches no route.
  Condition conflicted{false, "NoConflicts", ""};
  bool operator==(const ListenerStatus&) const = default;
};

struct GatewayStatus {
  ObjectRef gateway;
  std::int64_t generation = 0;  // observedGeneration
  std::vector<ListenerStatus> listeners;
  // With an address per Gateway, that of its own Service (empty until it has one); nullopt: the
  // release Service's, which our Ingresses publish too.
  std::optional<std::vector<model::LoadBalancerIngress>> addresses{};
  // Why the Gateway is not Programmed whatever the dataplane holds (AddressNotAssigned,
  // NoResources), or nullopt.
  std::optional<Condition> unprogrammable{};
  bool operator==(const GatewayStatus&) const = default;
};

struct RouteParentStatus {
  model::ParentReference parent;  // as the route wrote it
  Condition accepted;             // Accepted, or NoMatchingParent, NotAllowedByListeners, ...
  Condition resolved_refs;        // ResolvedRefs, or InvalidKind, RefNotPermitted, BackendNotFound
  bool operator==(const RouteParentStatus&) const = default;
};

// One entry per parentRef that names a Gateway of ours; a route with none is not ours to report.
struct TLSRouteStatus {
  ObjectRef route;
  std::int64_t generation = 0;
  std::vector<RouteParentStatus> parents;
  bool operator==(const TLSRouteStatus&) const = default;
};

struct GatewayClassStatus {
  ObjectRef gateway_class;
  std::int64_t generation = 0;  // observedGeneration of Accepted
  bool operator==(const GatewayClassStatus&) const = default;
};

struct GatewayApiStatus {
  std::vector<GatewayClassStatus> gateway_classes;  // ours: to be marked Accepted
  std::vector<GatewayStatus> gateways;     // of our classes, by namespace/name
  std::vector<TLSRouteStatus> routes;      // by namespace/name
  GatewayServicePlan services;             // with an address per Gateway: the Services that give them
  bool operator==(const GatewayApiStatus&) const = default;
};

}  // namespace snigate::controller::translate
