#include "translate/gateway_services.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace snigate::controller::translate {
namespace {

constexpr std::string_view kPrefix = "snigate-gw-";
constexpr std::size_t kMaxServiceName = 63;

// FNV-1a: stable across builds and platforms, which std::hash is not; a Service's name must not
// change when the controller is upgraded.
std::uint32_t fnv1a(std::string_view text) {
  std::uint32_t hash = 2166136261u;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return hash;
}

// Our Services in the namespace, by name.
std::map<std::string_view, const model::Service*> our_services(const model::ClusterState& state, const std::string& namespace_name) {
  std::map<std::string_view, const model::Service*> ours;
  const std::string prefix = namespace_name + "/";
  for (auto entry = state.services.lower_bound(prefix); entry != state.services.end() && entry->first.starts_with(prefix); ++entry) {
    const auto label = entry->second.meta.labels.find(kGatewayServiceLabel);
    if (label != entry->second.meta.labels.end() && label->second == "true") ours.emplace(entry->second.meta.name, &entry->second);
  }
  return ours;
}

std::vector<model::LoadBalancerIngress> addresses_of(const model::Service& service) {
  if (service.type == "LoadBalancer") return service.load_balancer;
  if (service.cluster_ip.empty() || service.cluster_ip == "None") return {};
  return {{service.cluster_ip, ""}};
}

}  // namespace

std::string gateway_service_name(std::string_view gateway_namespace, std::string_view gateway_name) {
  char hash[9];
  std::snprintf(hash, sizeof hash, "%08x", fnv1a(std::string(gateway_namespace) + "/" + std::string(gateway_name)));
  std::string body = std::string(gateway_namespace) + "-" + std::string(gateway_name);
  std::replace(body.begin(), body.end(), '.', '-');  // a Gateway's name may hold dots, a Service's not
  body.resize(std::min(body.size(), kMaxServiceName - kPrefix.size() - 1 - 8));
  while (!body.empty() && body.back() == '-') body.pop_back();
  return std::string(kPrefix) + body + "-" + hash;
}

GatewayServiceAssignment assign_gateway_services(const model::ClusterState& state, const GatewayServiceSettings& settings,
                                                 const std::map<std::string, std::set<int>, std::less<>>& listener_ports) {
  GatewayServiceAssignment assignment;
  const auto ours = our_services(state, settings.namespace_name);
  const auto in_range = [&](int port) { return port >= settings.first_port && port <= settings.last_port; };

  // What the cluster maps now. Only the Service of a Gateway's own name counts for it, and a
  // dataplane port for the first Service (by name) that maps it: a copy or a hand-made duplicate
  // must never scope two Gateways' routes to one port.
  std::set<int> taken;
  for (const auto& [name, service] : ours) {
    const auto gateway = service->meta.annotation(kGatewayAnnotation);
    const auto slash = gateway ? gateway->find('/') : std::string::npos;
    if (slash == std::string::npos || gateway_service_name(gateway->substr(0, slash), gateway->substr(slash + 1)) != name) continue;
    GatewayAddress address{std::string(name), {}, addresses_of(*service)};
    for (const auto& port : service->ports) {
      if (!port.target_port || !in_range(*port.target_port) || port.protocol != "TCP") continue;
      if (!taken.insert(*port.target_port).second) continue;
      address.dataplane_ports.emplace(port.port, *port.target_port);
    }
    // A Service about to be deleted still holds its ports: its address may still bring clients.
    if (listener_ports.contains(*gateway)) assignment.current.emplace(*gateway, std::move(address));
  }

  // What they should map: what they map now where the listener port is still wanted, and the
  // lowest free dataplane port for each new listener port. Ports of listeners gone stay taken
  // until the Services stop mapping them.
  int next_free = settings.first_port;
  const auto take_free = [&]() -> std::optional<int> {
    while (next_free <= settings.last_port && taken.contains(next_free)) ++next_free;
    if (next_free > settings.last_port) return std::nullopt;
    taken.insert(next_free);
    return next_free;
  };
  std::set<std::string, std::less<>> wanted_names;
  for (const auto& [gateway, ports] : listener_ports) {
    const auto slash = gateway.find('/');
    GatewayService wanted{gateway, gateway_service_name(gateway.substr(0, slash), gateway.substr(slash + 1)), {}};
    const auto current = assignment.current.find(gateway);
    for (const int port : ports) {
      if (current != assignment.current.end()) {
        if (const auto mapped = current->second.dataplane_ports.find(port); mapped != current->second.dataplane_ports.end()) {
          wanted.ports.push_back({port, mapped->second});
          continue;
        }
      }
      if (const auto free = take_free()) {
        wanted.ports.push_back({port, *free});
      } else {
        assignment.unassigned[gateway].push_back(port);
      }
    }
    if (wanted.ports.empty()) continue;  // a Service needs a port
    wanted_names.insert(wanted.name);
    assignment.plan.wanted.push_back(std::move(wanted));
  }
  for (const auto& [name, service] : ours) {
    if (!wanted_names.contains(name)) assignment.plan.unwanted.emplace_back(name);
  }
  return assignment;
}

}  // namespace snigate::controller::translate
