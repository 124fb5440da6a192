#include "translate/tls_route.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>

#include "snapshot/hostname.h"
#include "translate/backend_refs.h"
#include "translate/object_fields.h"
#include "translate/route_annotations.h"

namespace snigate::controller::translate {
namespace {

// One of our Gateways, with its listeners' own verdicts (their attached_routes counted as routes attach).
struct OurGateway {
  const model::Gateway* gateway;
  GatewayStatus status;
  bool own_address = false;                // --gateway-dataplane-ports
  std::optional<GatewayAddress> address;    // its Service as the cluster holds it, if any

  // The dataplane port that serves this listener port's routes: 0, the release Service's
  // listeners, without an address per Gateway; nullopt while the Gateway's Service does not map it.
  std::optional<std::uint16_t> scope_of(int listener_port) const {
    if (!own_address) return 0;
    if (!address) return std::nullopt;
    const auto found = address->dataplane_ports.find(listener_port);
    if (found == address->dataplane_ports.end()) return std::nullopt;
    return static_cast<std::uint16_t>(found->second);
  }
};

// A name a route takes, and the dataplane port it is served on (0: the unscoped listeners).
using ScopedName = std::pair<std::string, std::uint16_t>;

std::string describe(const model::ParentReference& parent, const std::string& namespace_name) {
  std::string text = "Gateway " + namespace_name + "/" + parent.name;
  if (parent.section_name) text += " listener " + *parent.section_name;
  if (parent.port) text += " port " + std::to_string(*parent.port);
  return text;
}

// The route's valid hostnames, normalized; invalid ones are reported and left out.
std::vector<std::string> route_hostnames(const model::TLSRoute& route, const ObjectRef& owner, Claims& claims) {
  std::vector<std::string> names;
  for (const auto& name : route.hostnames) {
    if (const auto normalized = hostname::normalize(name, /*allow_wildcard=*/true)) {
      names.push_back(*normalized);
    } else {
      claims.report(owner, "InvalidHostname", "hostname \"" + name + "\" is not a valid DNS name");
    }
  }
  return names;
}

// Attaches the route to the listeners `parent` selects on `gateway`: adds the names it gets to
// `names` and counts the route on each listener that gave one. Returns the parent's Accepted.
Condition attach(const model::ClusterState& state, const model::TLSRoute& route, const std::vector<std::string>& hostnames,
                 const model::ParentReference& parent, OurGateway& gateway, std::set<ScopedName>& names) {
  const auto& listeners = gateway.gateway->listeners;
  std::vector<std::size_t> selected;
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    if ((!parent.section_name || *parent.section_name == listeners[i].name) && (!parent.port || *parent.port == listeners[i].port)) {
      selected.push_back(i);
    }
  }
  const std::string parent_text = describe(parent, gateway.gateway->meta.namespace_name);
  if (selected.empty()) return {false, "NoMatchingParent", parent_text + " has no listener of that name and port"};

  std::vector<std::size_t> admitting;
  const Condition* unusable = nullptr;
  for (const std::size_t i : selected) {
    const ListenerStatus& status = gateway.status.listeners[i];
    if (!status.accepted.status) {
      if (unusable == nullptr) unusable = &status.accepted;
    } else if (admits_tls_routes(status) && admits_namespace(state, *gateway.gateway, listeners[i], route.meta.namespace_name)) {
      admitting.push_back(i);
    }
  }
  if (admitting.empty()) {
    // A listener that is not TLS at all does not allow TLSRoutes; one that is but cannot be
    // served (Terminate, a port not served) says why.
    if (unusable != nullptr && unusable->reason != "UnsupportedProtocol") return {false, unusable->reason, parent_text + ": " + unusable->message};
    return {false, "NotAllowedByListeners",
            parent_text + ": no TLS passthrough listener there allows TLSRoutes from namespace " + route.meta.namespace_name};
  }

  bool everything_refused = false;
  bool attached = false;
  for (const std::size_t i : admitting) {
    const auto listener_name = listeners[i].hostname ? hostname::normalize(*listeners[i].hostname, true) : std::nullopt;
    if (listeners[i].hostname && !listener_name) continue;  // reported on the Gateway
    bool gave = false;
    // Until the Gateway's Service maps the listener, the route is attached but its names are not
    // served: not on another Gateway's address, nor on the release Service's.
    const std::optional<std::uint16_t> scope = gateway.scope_of(listeners[i].port);
    const auto take = [&](std::string name) {
      if (scope) names.emplace(std::move(name), *scope);
      gave = true;
    };
    if (!listener_name && hostnames.empty()) {
      everything_refused = true;
    } else if (hostnames.empty()) {
      take(*listener_name);
    } else {
      for (const auto& name : hostnames) {
        const auto both = listener_name ? hostname_intersection(*listener_name, name) : std::optional<std::string>(name);
        if (both) take(*both);
      }
    }
    if (gave) {
      ++gateway.status.listeners[i].attached_routes;
      attached = true;
    }
  }
  if (attached) return {true, "Accepted", ""};
  if (everything_refused) {
    return {false, "UnsupportedValue",
            parent_text + ": neither the route nor the listener names a hostname, which would take every name; snigate routes "
                          "names, and the catch-all for unknown names is the operator's (--default-backend-service)"};
  }
  return {false, "NoMatchingListenerHostname", parent_text + ": no listener hostname matches the route's hostnames"};
}

// Each Gateway with a listener to serve gets its Service's address and dataplane ports; one not
// (yet) fully mapped, or without an address, is not Programmed.
void give_addresses(const model::ClusterState& state, const GatewayServiceSettings& settings,
                    std::map<std::string, OurGateway, std::less<>>& ours, GatewayServicePlan& plan, Claims& claims) {
  std::map<std::string, std::set<int>, std::less<>> listener_ports;
  for (const auto& [key, gateway] : ours) {
    for (std::size_t i = 0; i < gateway.status.listeners.size(); ++i) {
      if (admits_tls_routes(gateway.status.listeners[i])) listener_ports[key].insert(gateway.gateway->listeners[i].port);
    }
  }
  const GatewayServiceAssignment assignment = assign_gateway_services(state, settings, listener_ports);
  plan = assignment.plan;
  for (auto& [key, gateway] : ours) {
    gateway.own_address = true;
    gateway.status.addresses.emplace();
    const auto wanted = listener_ports.find(key);
    if (wanted == listener_ports.end()) continue;  // nothing to serve: no Service, nothing to wait for
    const std::string service = settings.namespace_name + "/" + gateway_service_name(gateway.gateway->meta.namespace_name, gateway.gateway->meta.name);
    if (const auto current = assignment.current.find(key); current != assignment.current.end()) {
      gateway.address = current->second;
      *gateway.status.addresses = current->second.addresses;
    }
    if (const auto unassigned = assignment.unassigned.find(key); unassigned != assignment.unassigned.end()) {
      std::string ports;
      for (const int port : unassigned->second) ports += (ports.empty() ? "" : ", ") + std::to_string(port);
      gateway.status.unprogrammable = Condition{false, "NoResources",
                                                "no dataplane port (--gateway-dataplane-ports) is left for listener port(s) " + ports};
      claims.report(gateway.status.gateway, "NoResources", gateway.status.unprogrammable->message);
    } else if (!gateway.address || std::any_of(wanted->second.begin(), wanted->second.end(), [&](int port) {
                 return !gateway.address->dataplane_ports.contains(port);
               })) {
      gateway.status.unprogrammable = Condition{false, "AddressNotAssigned", "waiting for Service " + service + " to map every listener port"};
    } else if (gateway.status.addresses->empty()) {
      gateway.status.unprogrammable = Condition{false, "AddressNotAssigned", "Service " + service + " has no address yet"};
    }
  }
}

}  // namespace

GatewayApiStatus claim_tls_routes(const model::ClusterState& state, const GatewayApiSettings& settings, Claims& claims) {
  GatewayApiStatus status;
  for (const auto& [name, gateway_class] : state.gateway_classes) {
    if (is_our_gateway_class(gateway_class, settings)) {
      status.gateway_classes.push_back(
          {reference_to(gateway_class.meta, "GatewayClass", "gateway.networking.k8s.io/v1"), gateway_class.meta.generation});
    }
  }
  std::map<std::string, OurGateway, std::less<>> ours;  // "namespace/name"
  for (const auto& [key, gateway] : state.gateways) {
    if (!is_our_gateway(state, gateway, settings)) continue;
    OurGateway& entry = ours[key];
    entry.gateway = &gateway;
    entry.status = {reference_to(gateway.meta, "Gateway", "gateway.networking.k8s.io/v1"), gateway.meta.generation, {}};
    for (const auto& listener : gateway.listeners) entry.status.listeners.push_back(evaluate_listener(gateway, listener, settings, claims));
  }
  if (settings.own_addresses) give_addresses(state, *settings.own_addresses, ours, status.services, claims);

  for (const auto& [key, route] : state.tls_routes) {
    const ObjectRef owner = reference_to(route.meta, "TLSRoute", "gateway.networking.k8s.io/v1");
    Claims own;  // kept only if the route has a parent of ours
    const std::vector<std::string> hostnames = route_hostnames(route, owner, own);
    TLSRouteStatus route_status{owner, route.meta.generation, {}};
    std::set<ScopedName> names;
    for (const auto& parent : route.parent_refs) {
      if (parent.group != model::kGatewayApiGroup || parent.kind != "Gateway") continue;
      const auto gateway = ours.find(model::ClusterState::key(parent.namespace_name.value_or(route.meta.namespace_name), parent.name));
      if (gateway == ours.end()) continue;  // not ours (or not there): another controller's to report
      RouteParentStatus parent_status{parent, attach(state, route, hostnames, parent, gateway->second, names), {}};
      if (!parent_status.accepted.status) own.report(owner, parent_status.accepted.reason, parent_status.accepted.message);
      route_status.parents.push_back(std::move(parent_status));
    }
    if (route_status.parents.empty()) continue;
    const ResolvedBackendRefs backends = resolve_backend_refs(state, route, own);
    for (auto& parent : route_status.parents) parent.resolved_refs = backends.resolved_refs;
    // The same snigate.io annotations as on Services and Ingresses (the Gateway API has no field
    // for these limits); an invalid one leaves the names claimed and refused.
    const auto annotated = annotated_route(route.meta, owner, own);
    for (const auto& [name, scope] : names) {
      // Gateway API wildcards match at any depth ("*.example.com" takes a.b.example.com too).
      snapshot::Route claimed = annotated.value_or(snapshot::Route{});
      claimed.hostname = name;
      claimed.listen_port = scope;
      if (claimed.is_wildcard()) claimed.wildcard = snapshot::Wildcard::suffix;
      // The Gateway API rejects the connection of a route without usable backends; a TLS alert
      // would tell the client more, but its conformance suite takes only a reset or a close.
      claimed.refusal = snapshot::Refusal::close;
      if (annotated) {
        claimed.backends = backends.backends;
        if (!claimed.backends.empty()) claimed.refused_weight = backends.refused_weight;
      }
      own.routes.push_back({owner, std::move(claimed)});
    }
    claims.routes.insert(claims.routes.end(), own.routes.begin(), own.routes.end());
    claims.problems.insert(claims.problems.end(), own.problems.begin(), own.problems.end());
    status.routes.push_back(std::move(route_status));
  }
  for (auto& [key, gateway] : ours) status.gateways.push_back(std::move(gateway.status));
  return status;
}

std::set<std::string, std::less<>> services_named_by_tls_routes(const model::ClusterState& state) {
  std::set<std::string, std::less<>> services;
  for (const auto& [key, route] : state.tls_routes) add_referenced_services(route, services);
  return services;
}

}  // namespace snigate::controller::translate
