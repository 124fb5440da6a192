// Writes the status of our GatewayClasses, Gateways and TLSRoutes (kube/gateway_api_status_json.h)
// through their /status subresources, only while this replica leads, and only for objects whose
// wanted status changed since it was last written or found in place: at 10,000 routes an
// unchanged translation costs no API call.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "kube/api_client.h"
#include "telemetry/controller_metrics.h"
#include "translate/gateway_api_status.h"
#include "translate/status.h"

namespace snigate::controller::kube {

class GatewayApiStatusWriter {
 public:
  GatewayApiStatusWriter(ApiClient& api, telemetry::ControllerMetrics& metrics, std::string controller_name,
                         std::function<bool()> is_leader)
      : api_(api), metrics_(metrics), controller_name_(std::move(controller_name)), is_leader_(std::move(is_leader)) {}

  // `programmed`: the dataplane holds a snapshot at least as new as the translation that computed
  // `status`. `addresses`: the Gateways' status.addresses (what our Ingresses publish). Each object
  // is read, its status computed from the one it shows, and updated (PUT, with the resourceVersion
  // read) when they differ; a conflict reads again. Leadership is checked before each object.
  void write(const translate::GatewayApiStatus& status, bool programmed, const translate::LoadBalancerStatus& addresses);

 private:
  struct GatewayWanted {
    translate::GatewayStatus status;
    bool programmed = false;
    translate::LoadBalancerStatus addresses;
    bool operator==(const GatewayWanted&) const = default;
  };
  using StatusFrom = std::function<nlohmann::json(const nlohmann::json& current)>;

  // Whether the object now shows what `status_from` wants (written, or already so).
  bool update(const std::string& path, const std::string& what, const StatusFrom& status_from);
  // Calls update() for each wanted object whose wanted status differs from the last one it
  // succeeded with; `written` (by uid) then holds exactly the objects that show what they should.
  template <typename Wanted>
  bool update_each(std::map<std::string, Wanted>& written, const std::vector<std::pair<translate::ObjectRef, Wanted>>& wanted,
                   const std::function<std::string(const translate::ObjectRef&)>& path,
                   const std::function<StatusFrom(const Wanted&)>& status_from);

  ApiClient& api_;
  telemetry::ControllerMetrics& metrics_;
  std::string controller_name_;
  std::function<bool()> is_leader_;
  std::map<std::string, translate::GatewayClassStatus> classes_;  // by uid: what each shows
  std::map<std::string, GatewayWanted> gateways_;
  std::map<std::string, translate::TLSRouteStatus> routes_;
};

}  // namespace snigate::controller::kube
