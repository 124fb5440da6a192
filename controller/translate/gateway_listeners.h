// Which Gateways are ours and what each listener of theirs admits: the TLS passthrough listeners
// on a port the dataplane serves, the route kinds and namespaces their allowedRoutes let in, and
// the names a route may take through them (Gateway API hostname intersection).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/cluster_state.h"
#include "translate/claims.h"
#include "translate/gateway_api_status.h"
#include "translate/gateway_services.h"

namespace snigate::controller::translate {

struct GatewayApiSettings {
  std::string controller_name = "snigate.io/gateway-controller";  // GatewayClass spec.controllerName that is ours
  std::vector<int> listener_ports = {443};                         // the ports clients reach the dataplane on
  // Set: each Gateway gets an address of its own, and its listeners any port
  // (--gateway-dataplane-ports); nullopt: every Gateway is served on the release's Service, on listener_ports.
  std::optional<GatewayServiceSettings> own_addresses{};
};

bool is_our_gateway_class(const model::GatewayClass& gateway_class, const GatewayApiSettings& settings);
bool is_our_gateway(const model::ClusterState& state, const model::Gateway& gateway, const GatewayApiSettings& settings);

// A listener's own verdict, before any route attaches (attached_routes 0). What makes it unusable
// is reported on the Gateway.
ListenerStatus evaluate_listener(const model::Gateway& gateway, const model::GatewayListener& listener,
                                 const GatewayApiSettings& settings, Claims& claims);

// allowedRoutes.namespaces: Same (the Gateway's namespace), All, or Selector (the Namespace's labels
// hold every matchLabels entry and matchExpressions requirement; an invalid requirement, or an
// unknown Namespace, admits none).
bool admits_namespace(const model::ClusterState& state, const model::Gateway& gateway, const model::GatewayListener& listener,
                      std::string_view route_namespace);

bool admits_tls_routes(const ListenerStatus& listener);

// The name a route hostname and a listener hostname both match, or nullopt: equal names; a
// wildcard ("*.example.com", which matches names at any depth below example.com) and a name it
// matches give the name; two wildcards, the narrower. Both normalized.
std::optional<std::string> hostname_intersection(std::string_view listener, std::string_view route);

}  // namespace snigate::controller::translate
