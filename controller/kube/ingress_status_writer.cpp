#include "kube/ingress_status_writer.h"

#include "telemetry/log.h"

namespace snigate::controller::kube {
namespace {

nlohmann::json to_json(const translate::LoadBalancerStatus& load_balancer) {
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& entry : load_balancer) {
    nlohmann::json item = nlohmann::json::object();
    if (!entry.ip.empty()) item["ip"] = entry.ip;
    if (!entry.hostname.empty()) item["hostname"] = entry.hostname;
    entries.push_back(std::move(item));
  }
  return entries;
}

}  // namespace

void IngressStatusWriter::write(const std::vector<translate::IngressStatusUpdate>& updates) {
  std::map<std::string, Written> still_pending;
  for (const auto& update : updates) {
    if (const auto earlier = written_.find(update.ingress.uid);
        earlier != written_.end() && earlier->second.before == update.current && earlier->second.after == update.load_balancer) {
      still_pending.insert(*earlier);
      continue;
    }
    const std::string name = update.ingress.qualified_name();
    if (!is_leader_()) {
      log::write(log::Level::info, "no longer the leader: Ingress status left to the new one", {{"ingress", name}});
      return;
    }
    const std::string path = "/apis/networking.k8s.io/v1/namespaces/" + update.ingress.namespace_name + "/ingresses/" +
                             update.ingress.name + "/status";
    const nlohmann::json patch = {{"status", {{"loadBalancer", {{"ingress", to_json(update.load_balancer)}}}}}};
    try {
      const ApiResponse response = api_.send(web::http::methods::PATCH, path, patch, "application/merge-patch+json");
      if (response.ok()) {
        metrics_.status_updates++;
        still_pending.insert_or_assign(update.ingress.uid, Written{update.current, update.load_balancer});
        log::write(log::Level::info, "Ingress status written", {{"ingress", name}, {"loadBalancer", patch["status"]["loadBalancer"]}});
      } else {
        log::write(log::Level::warn, "cannot write Ingress status", {{"ingress", name}, {"error", response.describe()}});
      }
    } catch (const ApiUnreachable& error) {
      log::write(log::Level::warn, "cannot write Ingress status", {{"ingress", name}, {"error", error.what()}});
    }
  }
  // Ingresses that now show what was written drop out here, so the map stays as small as the
  // writes in flight.
  written_ = std::move(still_pending);
}

}  // namespace snigate::controller::kube
