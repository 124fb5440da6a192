// TLSRoutes attached to Gateways of our GatewayClasses. For each parentRef naming such a Gateway,
// the listeners it selects (sectionName, port) that are TLS passthrough on a served port and whose
// allowedRoutes admit the route's namespace and kind give the route names: each route hostname
// intersected with the listener's (a route without hostnames takes the listener's). Each name is a
// RouteClaim of the TLSRoute, settled against Services and Ingresses like theirs (oldest wins,
// --hostname-delegation applies). The status of our Gateways and of the routes comes out beside.
#pragma once

#include <set>
#include <string>

#include "model/cluster_state.h"
#include "translate/claims.h"
#include "translate/gateway_api_status.h"
#include "translate/gateway_listeners.h"

namespace snigate::controller::translate {

GatewayApiStatus claim_tls_routes(const model::ClusterState& state, const GatewayApiSettings& settings, Claims& claims);

// "namespace/name" of every Service some TLSRoute names as a backend: what their claims depend on
// beside the Gateway API objects and Namespaces.
std::set<std::string, std::less<>> services_named_by_tls_routes(const model::ClusterState& state);

}  // namespace snigate::controller::translate
