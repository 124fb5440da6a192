#include "kube/ingress_status_writer.h"

#include "telemetry/log.h"

namespace snigate::controller::kube {

void IngressStatusWriter::write(const std::vector<nlohmann::json>& updated_ingresses) {
  for (const auto& ingress : updated_ingresses) {
    const std::string namespace_name = ingress["metadata"].value("namespace", "");
    const std::string name = ingress["metadata"].value("name", "");
    if (!is_leader_()) {
      log::write(log::Level::info, "no longer the leader: Ingress status left to the new one", {{"ingress", namespace_name + "/" + name}});
      return;
    }
    const std::string path = "/apis/networking.k8s.io/v1/namespaces/" + namespace_name + "/ingresses/" + name + "/status";
    try {
      const ApiResponse response = api_.send(web::http::methods::PUT, path, ingress);
      if (response.ok()) {
        metrics_.status_updates++;
        log::write(log::Level::info, "Ingress status written",
                   {{"ingress", namespace_name + "/" + name}, {"loadBalancer", ingress["status"]["loadBalancer"]}});
      } else {
        log::write(log::Level::warn, "cannot write Ingress status", {{"ingress", namespace_name + "/" + name}, {"error", response.describe()}});
      }
    } catch (const ApiUnreachable& error) {
      log::write(log::Level::warn, "cannot write Ingress status", {{"ingress", namespace_name + "/" + name}, {"error", error.what()}});
    }
  }
}

}  // namespace snigate::controller::kube
