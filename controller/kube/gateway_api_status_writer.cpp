#include "kube/gateway_api_status_writer.h"

#include <algorithm>
#include <set>

#include "kube/gateway_api_status_json.h"
#include "kube/kube_time.h"
#include "telemetry/log.h"
#include "translate/object_fields.h"

namespace snigate::controller::kube {
namespace {

using nlohmann::json;

constexpr int kConflictRetries = 3;
const std::string kApi = "/apis/gateway.networking.k8s.io/v1/";

std::string namespaced_path(const std::string& resource, const translate::ObjectRef& object) {
  return kApi + "namespaces/" + object.namespace_name + "/" + resource + "/" + object.name;
}

}  // namespace

ShownTLSRoutes tls_routes_showing_our_parents(const model::ClusterState& state, const std::string& controller_name) {
  ShownTLSRoutes shown;
  for (const auto& [key, route] : state.tls_routes) {
    const auto ours = static_cast<std::size_t>(std::count(route.status_controllers.begin(), route.status_controllers.end(), controller_name));
    if (ours > 0) shown[route.meta.uid] = {translate::reference_to(route.meta, "TLSRoute", "gateway.networking.k8s.io/v1"), ours};
  }
  return shown;
}

std::vector<translate::TLSRouteStatus> tls_route_writes(const std::vector<translate::TLSRouteStatus>& wanted,
                                                        const std::map<std::string, translate::TLSRouteStatus>& written,
                                                        const ShownTLSRoutes& shown) {
  std::vector<translate::TLSRouteStatus> writes;
  std::set<std::string, std::less<>> wanted_uids;
  for (const auto& route : wanted) {
    wanted_uids.insert(route.route.uid);
    const auto earlier = written.find(route.route.uid);
    const auto showing = shown.find(route.route.uid);
    const std::size_t ours = showing == shown.end() ? 0 : showing->second.ours;
    if (earlier == written.end() || earlier->second != route || ours != route.parents.size()) writes.push_back(route);
  }
  for (const auto& [uid, route] : shown) {
    if (!wanted_uids.contains(uid)) writes.push_back({route.route, 0, {}});
  }
  return writes;
}

bool GatewayApiStatusWriter::update(const std::string& path, const std::string& what, const StatusFrom& status_from) {
  try {
    for (int attempt = 0; attempt < kConflictRetries; ++attempt) {
      ApiResponse read = api_.get(path);
      if (!read.ok()) {
        // 404: deleted since the translation; its watch event follows.
        if (read.status != 404) log::write(log::Level::warn, "cannot read for its status", {{"object", what}, {"error", read.describe()}});
        return false;
      }
      json object = std::move(read.body);
      const json current = object.contains("status") ? object["status"] : json();
      json status = status_from(current);
      if (status == current) return true;
      object["status"] = std::move(status);
      const ApiResponse written = api_.send(web::http::methods::PUT, path + "/status", object);
      if (written.ok()) {
        metrics_.gateway_api_status_updates++;
        log::write(log::Level::info, "status written", {{"object", what}});
        return true;
      }
      if (written.status != 409) {
        log::write(log::Level::warn, "cannot write status", {{"object", what}, {"error", written.describe()}});
        return false;
      }
    }
    log::write(log::Level::warn, "cannot write status: it kept changing under us", {{"object", what}});
  } catch (const ApiUnreachable& error) {
    log::write(log::Level::warn, "cannot write status", {{"object", what}, {"error", error.what()}});
  }
  return false;
}

template <typename Wanted>
bool GatewayApiStatusWriter::update_each(std::map<std::string, Wanted>& written,
                                         const std::vector<std::pair<translate::ObjectRef, Wanted>>& wanted,
                                         const std::function<std::string(const translate::ObjectRef&)>& path,
                                         const std::function<StatusFrom(const Wanted&)>& status_from) {
  std::map<std::string, Wanted> showing;
  for (const auto& [object, status] : wanted) {
    if (const auto earlier = written.find(object.uid); earlier != written.end() && earlier->second == status) {
      showing.insert(*earlier);
      continue;
    }
    if (!is_leader_()) {
      log::write(log::Level::info, "no longer the leader: Gateway API status left to the new one");
      return false;
    }
    if (update(path(object), object.kind + " " + object.qualified_name(), status_from(status))) showing.emplace(object.uid, status);
  }
  written = std::move(showing);
  return true;
}

void GatewayApiStatusWriter::write(const translate::GatewayApiStatus& status, const Programmed& programmed,
                                   const translate::LoadBalancerStatus& addresses) {
  if (!is_leader_()) {
    // Another replica writes meanwhile: once leading again, look at every object afresh.
    classes_.clear();
    gateways_.clear();
    routes_.clear();
    return;
  }
  const std::string now = to_time(std::chrono::system_clock::now());

  std::vector<std::pair<translate::ObjectRef, translate::GatewayClassStatus>> classes;
  for (const auto& entry : status.gateway_classes) classes.emplace_back(entry.gateway_class, entry);
  const bool leading = update_each<translate::GatewayClassStatus>(
      classes_, classes, [](const translate::ObjectRef& object) { return kApi + "gatewayclasses/" + object.name; },
      [&](const translate::GatewayClassStatus& wanted) -> StatusFrom {
        return [&wanted, &now](const json& current) { return gateway_class_status(current, wanted, now); };
      });
  if (!leading) return;

  std::vector<std::pair<translate::ObjectRef, GatewayWanted>> gateways;
  for (const auto& entry : status.gateways) gateways.emplace_back(entry.gateway, GatewayWanted{entry, programmed(entry.gateway), entry.addresses.value_or(addresses)});
  const bool still_leading = update_each<GatewayWanted>(
      gateways_, gateways, [](const translate::ObjectRef& object) { return namespaced_path("gateways", object); },
      [&](const GatewayWanted& wanted) -> StatusFrom {
        return [&wanted, &now](const json& current) {
          return gateway_status(current, wanted.status, wanted.programmed, wanted.addresses, now);
        };
      });
  if (!still_leading) return;

  write_routes(status.routes, now);
}

void GatewayApiStatusWriter::write_routes(const std::vector<translate::TLSRouteStatus>& wanted, const std::string& now) {
  const std::vector<translate::TLSRouteStatus> writes = tls_route_writes(wanted, routes_, shown_routes_());
  // What stays in routes_: the wanted statuses last written (or found in place) that need no write now.
  std::map<std::string, translate::TLSRouteStatus> showing;
  std::set<std::string, std::less<>> writing;
  for (const auto& route : writes) writing.insert(route.route.uid);
  for (const auto& route : wanted) {
    if (!writing.contains(route.route.uid)) showing.emplace(route.route.uid, route);
  }
  for (const auto& route : writes) {
    if (!is_leader_()) {
      log::write(log::Level::info, "no longer the leader: Gateway API status left to the new one");
      return;
    }
    const auto status_from = [&route, &now, this](const json& current) { return tls_route_status(current, route, controller_name_, now); };
    // A route that wants no entries of ours is not remembered: what it shows says whether ours are gone.
    if (update(namespaced_path("tlsroutes", route.route), "TLSRoute " + route.route.qualified_name(), status_from) && !route.parents.empty()) {
      showing.emplace(route.route.uid, route);
    }
  }
  routes_ = std::move(showing);
}

}  // namespace snigate::controller::kube
