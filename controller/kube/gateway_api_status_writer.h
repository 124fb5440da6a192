// Writes the status of our GatewayClasses, Gateways and TLSRoutes (kube/gateway_api_status_json.h)
// through their /status subresources, only while this replica leads, and only for objects whose
// wanted status changed since it was last written or found in place, or (TLSRoutes) that do not
// show the entries of ours they should: at 10,000 routes an unchanged translation costs no API call.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kube/api_client.h"
#include "model/cluster_state.h"
#include "telemetry/controller_metrics.h"
#include "translate/gateway_api_status.h"
#include "translate/status.h"

namespace snigate::controller::kube {

// A TLSRoute's entries of ours in status.parents (those with our controllerName), as the watch
// last showed them. The translation does not read them (a change of a route's status is no change
// of the route), so our own writes never make the routes translated again; the writer compares.
struct ShownTLSRouteParents {
  translate::ObjectRef route;
  std::size_t ours = 0;
  bool operator==(const ShownTLSRouteParents&) const = default;
};
using ShownTLSRoutes = std::map<std::string, ShownTLSRouteParents>;  // by uid: only routes that show entries of ours

ShownTLSRoutes tls_routes_showing_our_parents(const model::ClusterState& state, const std::string& controller_name);

// The TLSRoute statuses to write: each wanted one that differs from the one last written (by uid in
// `written`) or whose route does not show as many entries of ours as it wants (another controller
// replaced the list); and, for each route that shows entries of ours but is not wanted (it no
// longer names a Gateway of ours: the parentRef removed, the Gateway gone or no longer of our
// class), a status without parents, which removes ours: the Gateway API asks that entries for
// parentRefs no longer referenced go.
std::vector<translate::TLSRouteStatus> tls_route_writes(const std::vector<translate::TLSRouteStatus>& wanted,
                                                        const std::map<std::string, translate::TLSRouteStatus>& written,
                                                        const ShownTLSRoutes& shown);

class GatewayApiStatusWriter {
 public:
  // What the TLSRoutes show now (tls_routes_showing_our_parents on the object store); called once per write().
  using ShownRoutes = std::function<ShownTLSRoutes()>;

  GatewayApiStatusWriter(ApiClient& api, telemetry::ControllerMetrics& metrics, std::string controller_name,
                         std::function<bool()> is_leader, ShownRoutes shown_routes)
      : api_(api),
        metrics_(metrics),
        controller_name_(std::move(controller_name)),
        is_leader_(std::move(is_leader)),
        shown_routes_(std::move(shown_routes)) {}

  // Whether the dataplane holds what a Gateway routes (report::GatewayProgramming).
  using Programmed = std::function<bool(const translate::ObjectRef& gateway)>;

  // `addresses`: the status.addresses of Gateways without their own (what our Ingresses publish). Each object is read,
  // its status computed from the one it shows, and updated (PUT, with the resourceVersion read)
  // when they differ; a conflict reads again. Leadership is checked before each object.
  void write(const translate::GatewayApiStatus& status, const Programmed& programmed, const translate::LoadBalancerStatus& addresses);

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
  void write_routes(const std::vector<translate::TLSRouteStatus>& wanted, const std::string& now);

  ApiClient& api_;
  telemetry::ControllerMetrics& metrics_;
  std::string controller_name_;
  std::function<bool()> is_leader_;
  ShownRoutes shown_routes_;
  std::map<std::string, translate::GatewayClassStatus> classes_;  // by uid: what each shows
  std::map<std::string, GatewayWanted> gateways_;
  std::map<std::string, translate::TLSRouteStatus> routes_;
};

}  // namespace snigate::controller::kube
