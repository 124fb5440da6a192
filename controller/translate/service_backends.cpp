#include "translate/service_backends.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "translate/object_fields.h"

namespace snigate::controller::translate {
namespace {

ResolvedBackends failure(std::string reason, std::string message) { return {{}, std::move(reason), std::move(message)}; }

std::string service_name(const nlohmann::json& service) { return namespace_of(service) + "/" + name_of(service); }

const nlohmann::json* select_port(const nlohmann::json& ports, const PortSelector& selector) {
  auto find = [&](auto matches) -> const nlohmann::json* {
    for (const auto& port : ports) {
      if (matches(port)) return &port;
    }
    return nullptr;
  };
  if (selector.name) return find([&](const auto& port) { return port.value("name", "") == *selector.name; });
  if (selector.number) return find([&](const auto& port) { return port.value("port", 0) == *selector.number; });
  if (auto https = find([](const auto& port) { return port.value("name", "") == "https"; })) return https;
  if (auto tls = find([](const auto& port) { return port.value("port", 0) == 443; })) return tls;
  return ports.size() == 1 ? &ports[0] : nullptr;
}

// The slice port carries the Service port's name and the resolved target port number.
std::optional<int> slice_port_for(const nlohmann::json& slice, const std::string& service_port_name) {
  for (const auto& port : slice.value("ports", nlohmann::json::array())) {
    if (port.value("name", "") == service_port_name && port.value("protocol", "TCP") == "TCP" && port.contains("port")) {
      return port["port"].get<int>();
    }
  }
  return std::nullopt;
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
  if (name) return "port named \"" + *name + "\"";
  if (number) return "port " + std::to_string(*number);
  return "default port (named https, else 443, else the only one)";
}

const nlohmann::json* find_service(const ClusterState& state, const std::string& namespace_name, const std::string& name) {
  for (const auto& service : state.services) {
    if (namespace_of(*service) == namespace_name && name_of(*service) == name) return service.get();
  }
  return nullptr;
}

ResolvedBackends resolve_service_backends(const ClusterState& state, const nlohmann::json& service,
                                          const PortSelector& selector, Upstream upstream) {
  const nlohmann::json spec = service.value("spec", nlohmann::json::object());
  const nlohmann::json ports = spec.value("ports", nlohmann::json::array());
  const nlohmann::json* port = select_port(ports, selector);
  if (port == nullptr) {
    return failure("UnknownPort", "Service " + service_name(service) + " has no " + selector.describe());
  }
  const int service_port = port->value("port", 0);

  std::set<std::pair<std::string, int>> addresses;
  if (upstream == Upstream::service) {
    const std::string cluster_ip = spec.value("clusterIP", "");
    if (!is_ip_literal(cluster_ip)) {
      return failure("NoClusterIP", "Service " + service_name(service) + " has no ClusterIP (headless?) for snigate.io/upstream: service");
    }
    addresses.emplace(cluster_ip, service_port);
  } else {
    const std::string port_name = port->value("name", "");
    for (const auto& slice : state.endpoint_slices) {
      if (namespace_of(*slice) != namespace_of(service) || label(*slice, "kubernetes.io/service-name") != name_of(service)) continue;
      const std::string type = slice->value("addressType", "");
      if (type != "IPv4" && type != "IPv6") continue;
      const std::optional<int> target_port = slice_port_for(*slice, port_name);
      if (!target_port) continue;
      for (const auto& endpoint : slice->value("endpoints", nlohmann::json::array())) {
        // The API says an absent `ready` means ready.
        if (!endpoint.value("/conditions/ready"_json_pointer, true)) continue;
        for (const auto& address : endpoint.value("addresses", nlohmann::json::array())) {
          if (address.is_string() && is_ip_literal(address.get<std::string>())) addresses.emplace(address.get<std::string>(), *target_port);
        }
      }
    }
    if (addresses.empty()) {
      return failure("NoReadyEndpoints", "Service " + service_name(service) + " has no ready endpoints for port " +
                                             std::to_string(service_port));
    }
  }

  ResolvedBackends resolved;
  for (const auto& [address, number] : addresses) {
    resolved.backends.push_back({address, static_cast<std::uint16_t>(number), 1});
  }
  return resolved;
}

}  // namespace snigate::controller::translate
