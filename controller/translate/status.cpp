#include "translate/status.h"

#include <set>

#include "translate/object_fields.h"
#include "translate/service_backends.h"

namespace snigate::controller::translate {

std::optional<nlohmann::json> published_load_balancer(const ClusterState& state, const PublishSettings& settings) {
  if (settings.service) {
    const auto slash = settings.service->find('/');
    if (slash == std::string::npos) return std::nullopt;
    const nlohmann::json* service =
        find_service(state, settings.service->substr(0, slash), settings.service->substr(slash + 1));
    if (service == nullptr) return std::nullopt;
    return service->value("/status/loadBalancer/ingress"_json_pointer, nlohmann::json::array());
  }
  if (settings.addresses.empty()) return std::nullopt;
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& address : settings.addresses) {
    entries.push_back(is_ip_literal(address) ? nlohmann::json{{"ip", address}} : nlohmann::json{{"hostname", address}});
  }
  return entries;
}

std::vector<nlohmann::json> ingress_status_updates(const ClusterState& state, const std::vector<ObjectRef>& ours,
                                                   const nlohmann::json& load_balancer) {
  std::set<std::pair<std::string, std::string>> wanted;
  for (const auto& ingress : ours) wanted.emplace(ingress.namespace_name, ingress.name);
  std::vector<nlohmann::json> updates;
  for (const auto& ingress : state.ingresses) {
    if (!wanted.contains({namespace_of(*ingress), name_of(*ingress)})) continue;
    const nlohmann::json current = ingress->value("/status/loadBalancer/ingress"_json_pointer, nlohmann::json::array());
    if (current == load_balancer) continue;
    nlohmann::json updated = *ingress;
    updated["status"]["loadBalancer"]["ingress"] = load_balancer;
    updates.push_back(std::move(updated));
  }
  return updates;
}

}  // namespace snigate::controller::translate
