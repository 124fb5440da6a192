#include "translate/service_backends.h"

#include <charconv>
#include <set>

#include "translate/object_fields.h"

namespace snigate::controller::translate {
namespace {

ResolvedBackends problem(std::string reason, std::string message) { return {{}, std::move(reason), std::move(message)}; }

std::string service_name(const model::Service& service) { return service.meta.qualified_name(); }

// Only TCP ports: the dataplane proxies TCP, and a UDP port of the same number is another port.
const model::ServicePort* select_port(const std::vector<model::ServicePort>& ports, const PortSelector& selector) {
  auto find = [&](auto matches) -> const model::ServicePort* {
    for (const auto& port : ports) {
      if (port.protocol == "TCP" && matches(port)) return &port;
    }
    return nullptr;
  };
  if (selector.name) return find([&](const auto& port) { return port.name == *selector.name; });
  if (selector.number) return find([&](const auto& port) { return port.port == *selector.number; });
  if (auto https = find([](const auto& port) { return port.name == "https"; })) return https;
  if (auto tls = find([](const auto& port) { return port.port == 443; })) return tls;
  const model::ServicePort* only = nullptr;
  for (const auto& port : ports) {
    if (port.protocol != "TCP") continue;
    if (only != nullptr) return nullptr;
    only = &port;
  }
  return only;
}

// The slice port carries the Service port's name and the resolved target port number.
std::optional<int> slice_port_for(const model::EndpointSlice& slice, const std::string& service_port_name) {
  for (const auto& port : slice.ports) {
    if (port.name == service_port_name && port.protocol == "TCP" && port.port) return port.port;
  }
  return std::nullopt;
}

using AddressSet = std::set<std::pair<std::string, int>>;

// Ready endpoints; while there are none, serving and terminating ones (KEP-1669, as kube-proxy),
// so that connections keep working through a rollout whose new pods are not ready yet.
AddressSet endpoint_addresses(const model::ClusterState& state, const model::Service& service, const std::string& port_name) {
  AddressSet ready;
  AddressSet terminating;
  const auto* slices = state.endpoint_slices_of(service.meta.namespace_name, service.meta.name);
  if (slices == nullptr) return ready;
  for (const auto& [name, slice] : *slices) {
    if (slice.address_type != "IPv4" && slice.address_type != "IPv6") continue;
    const std::optional<int> target_port = slice_port_for(slice, port_name);
    if (!target_port) continue;
    for (const auto& endpoint : slice.endpoints) {
      AddressSet* into = endpoint.conditions.ready                                           ? &ready
                         : endpoint.conditions.serving && endpoint.conditions.terminating ? &terminating
                                                                                           : nullptr;
      if (into == nullptr) continue;
      // The dataplane refuses a whole snapshot for one backend it could never connect to
      // (broadcast, multicast, unspecified), which the API server lets an EndpointSlice hold.
      for (const auto& address : endpoint.addresses) {
        if (!snapshot::backend_address_problem(address)) into->emplace(address, *target_port);
      }
    }
  }
  return ready.empty() ? terminating : ready;
}

}  // namespace

PortSelector PortSelector::parse(const std::optional<std::string>& text) {
  if (!text || text->empty()) return {};
  int number = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), number);
  if (error == std::errc() && end == text->data() + text->size()) return {std::nullopt, number};
  return {*text, std::nullopt};
}

std::string PortSelector::describe() const {
  if (name) return "TCP port named \"" + *name + "\"";
  if (number) return "TCP port " + std::to_string(*number);
  return "default port (the TCP port named https, else 443, else the only TCP port)";
}

ResolvedBackends resolve_service_backends(const model::ClusterState& state, const model::Service& service,
                                          const PortSelector& selector, Upstream upstream) {
  if (service.type == "ExternalName") {
    return problem("ExternalNameService",
                   "Service " + service_name(service) + " is an ExternalName Service (a DNS alias for \"" + service.external_name +
                       "\"); snigate connects only to addresses from EndpointSlices or a ClusterIP, so its clients are refused");
  }
  const model::ServicePort* port = select_port(service.ports, selector);
  if (port == nullptr) return problem("UnknownPort", "Service " + service_name(service) + " has no " + selector.describe());

  AddressSet addresses;
  if (upstream == Upstream::service) {
    if (!is_ip_literal(service.cluster_ip)) {
      return problem("NoClusterIP", "Service " + service_name(service) +
                                        (service.cluster_ip == "None" ? " is headless (clusterIP: None)" : " has no ClusterIP") +
                                        ", so snigate.io/upstream: service has no address to connect to");
    }
    addresses.emplace(service.cluster_ip, port->port);
  } else {
    addresses = endpoint_addresses(state, service, port->name);
  }

  ResolvedBackends resolved;
  for (const auto& [address, number] : addresses) resolved.backends.push_back({address, static_cast<std::uint16_t>(number), 1});
  if (resolved.backends.empty()) {
    resolved.problem_reason = "NoReadyEndpoints";
    resolved.problem_message = "Service " + service_name(service) + " has no ready endpoints for port " +
                               std::to_string(port->port) + "; its clients are refused until one is ready";
  }
  return resolved;
}

}  // namespace snigate::controller::translate
