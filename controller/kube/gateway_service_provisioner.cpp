#include "kube/gateway_service_provisioner.h"

#include "telemetry/log.h"

namespace snigate::controller::kube {
namespace {

constexpr const char* kFieldManager = "snigate-controller";

nlohmann::json with_error(nlohmann::json fields, const std::string& error) {
  fields["error"] = error;
  return fields;
}

}  // namespace

nlohmann::json gateway_service_manifest(const translate::GatewayService& wanted, const translate::GatewayServiceSettings& settings) {
  nlohmann::json ports = nlohmann::json::array();
  for (const auto& port : wanted.ports) {
    ports.push_back({{"name", "tls-" + std::to_string(port.port)}, {"protocol", "TCP"}, {"port", port.port}, {"targetPort", port.target_port}});
  }
  nlohmann::json selector = nlohmann::json::object();
  for (const auto& [key, value] : settings.selector) selector[key] = value;
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata",
           {{"name", wanted.name},
            {"namespace", settings.namespace_name},
            {"labels", {{"app.kubernetes.io/managed-by", kFieldManager}, {std::string(translate::kGatewayServiceLabel), "true"}}},
            {"annotations", {{std::string(translate::kGatewayAnnotation), wanted.gateway}}}}},
          {"spec", {{"type", settings.type}, {"selector", selector}, {"ports", ports}}}};
}

void GatewayServiceProvisioner::apply(const translate::GatewayServicePlan& plan) {
  if (!is_leader_()) {
    // Another replica applies meanwhile: once leading again, apply everything afresh.
    applied_.clear();
    deleted_.clear();
    return;
  }
  const std::string base = "/api/v1/namespaces/" + settings_.namespace_name + "/services/";
  std::map<std::string, translate::GatewayService> still_applied;
  for (const auto& wanted : plan.wanted) {
    deleted_.erase(wanted.name);
    if (const auto earlier = applied_.find(wanted.name); earlier != applied_.end() && earlier->second == wanted) {
      still_applied.insert(*earlier);
      continue;
    }
    const nlohmann::json fields = {{"service", settings_.namespace_name + "/" + wanted.name}, {"gateway", wanted.gateway}};
    try {
      const ApiResponse response = api_.send(web::http::methods::PATCH, base + wanted.name + "?fieldManager=" + kFieldManager + "&force=true",
                                             gateway_service_manifest(wanted, settings_), "application/apply-patch+yaml");
      if (response.ok()) {
        still_applied.emplace(wanted.name, wanted);
        log::write(log::Level::info, "Gateway Service applied", fields);
      } else {
        log::write(log::Level::warn, "cannot apply a Gateway's Service", with_error(fields, response.describe()));
      }
    } catch (const ApiUnreachable& error) {
      log::write(log::Level::warn, "cannot apply a Gateway's Service", with_error(fields, error.what()));
    }
  }
  applied_ = std::move(still_applied);

  std::set<std::string> still_deleted;
  for (const auto& name : plan.unwanted) {
    if (deleted_.contains(name)) {
      still_deleted.insert(name);
      continue;
    }
    const nlohmann::json fields = {{"service", settings_.namespace_name + "/" + name}};
    try {
      const ApiResponse response = api_.send(web::http::methods::DEL, base + name, nlohmann::json::object());
      if (response.ok() || response.status == 404) {
        still_deleted.insert(name);
        log::write(log::Level::info, "Gateway Service deleted: no Gateway of ours wants it", fields);
      } else {
        log::write(log::Level::warn, "cannot delete a Gateway's Service", with_error(fields, response.describe()));
      }
    } catch (const ApiUnreachable& error) {
      log::write(log::Level::warn, "cannot delete a Gateway's Service", with_error(fields, error.what()));
    }
  }
  deleted_ = std::move(still_deleted);
}

}  // namespace snigate::controller::kube
