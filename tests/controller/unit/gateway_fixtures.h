// Builders for the Gateway API objects of the TLSRoute tables (JSON as the API server sends it),
// and a rendering of routes with their backends' weights.
#pragma once

#include <string>
#include <vector>

#include "translation_fixtures.h"

namespace snigate::controller::translate::fixtures {

inline json gateway_metadata(const std::string& namespace_name, const std::string& name, const std::string& created) {
  return {{"name", name}, {"namespace", namespace_name}, {"uid", "uid-" + name}, {"creationTimestamp", created}, {"generation", 3}};
}

inline Object namespace_object(const std::string& name, json labels = json::object()) {
  return object({{"metadata", {{"name", name}, {"labels", std::move(labels)}}}});
}

inline Object gateway_class(const std::string& name, const std::string& controller = "snigate.io/gateway-controller") {
  return object({{"metadata", {{"name", name}}}, {"spec", {{"controllerName", controller}}}});
}

// A TLS passthrough listener on 443 admitting routes of its Gateway's namespace; `with` changes it.
inline json listener(const std::string& name, std::optional<std::string> hostname = std::nullopt) {
  json result = {{"name", name}, {"port", 443}, {"protocol", "TLS"}, {"tls", {{"mode", "Passthrough"}}}};
  if (hostname) result["hostname"] = *hostname;
  return result;
}

inline Object gateway(const std::string& namespace_name, const std::string& name, json listeners,
                      const std::string& class_name = "snigate") {
  return object({{"metadata", gateway_metadata(namespace_name, name, "2025-01-01T00:00:00Z")},
                 {"spec", {{"gatewayClassName", class_name}, {"listeners", std::move(listeners)}}}});
}

inline json parent(const std::string& name, std::optional<std::string> namespace_name = std::nullopt) {
  json result = {{"name", name}};
  if (namespace_name) result["namespace"] = *namespace_name;
  return result;
}

inline json backend_ref(const std::string& service, int port = 443, std::optional<int> weight = std::nullopt) {
  json result = {{"name", service}, {"port", port}};
  if (weight) result["weight"] = *weight;
  return result;
}

struct TLSRouteSpec {
  std::string namespace_name = "shop";
  json parents = json::array({parent("edge", "edge")});
  json hostnames = json::array({"a.example.com"});
  json backends = json::array({backend_ref("web")});
  std::string created = "2025-01-01T00:00:00Z";
};

inline Object tls_route(const std::string& name, TLSRouteSpec spec) {
  json body = {{"parentRefs", spec.parents}, {"rules", json::array({{{"backendRefs", spec.backends}}})}};
  if (!spec.hostnames.empty()) body["hostnames"] = spec.hostnames;
  return object({{"metadata", gateway_metadata(spec.namespace_name, name, spec.created)}, {"spec", body}});
}

// Lets TLSRoutes of `from_namespace` use Services (or Service `name`) in `namespace_name`.
inline Object reference_grant(const std::string& namespace_name, const std::string& from_namespace,
                              std::optional<std::string> name = std::nullopt) {
  json to = {{"group", ""}, {"kind", "Service"}};
  if (name) to["name"] = *name;
  return object({{"metadata", {{"name", "grant"}, {"namespace", namespace_name}}},
                 {"spec",
                  {{"from", json::array({{{"group", "gateway.networking.k8s.io"}, {"kind", "TLSRoute"}, {"namespace", from_namespace}}})},
                   {"to", json::array({to})}}}});
}

// A Service in `namespace_name` with port https 443 and these ready endpoints on 8443.
inline std::vector<Object> service_with_endpoints(const std::string& namespace_name, const std::string& name,
                                                 const std::vector<std::string>& addresses) {
  json endpoints = json::array();
  for (const auto& address : addresses) endpoints.push_back(endpoint(address));
  return {in_namespace(service(name, json::object()), namespace_name),
          in_namespace(endpoint_slice(name, https_slice_port(8443), endpoints), namespace_name)};
}

// "a.example.com -> 10.0.0.1:8443 w1 10.0.0.2:8443 w3" ("suffix" after a Gateway API wildcard).
inline std::vector<std::string> rendered_weighted_routes(const snapshot::Snapshot& snapshot) {
  std::vector<std::string> lines;
  for (const auto& route : snapshot.routes) {
    std::string line = route.hostname;
    if (route.is_wildcard() && route.wildcard == snapshot::Wildcard::suffix) line += " suffix";
    line += " ->";
    if (route.backends.empty()) line += " refused";
    for (const auto& backend : route.backends) {
      line += " " + backend.address + ":" + std::to_string(backend.port) + " w" + std::to_string(backend.weight);
    }
    if (route.refused_weight > 0) line += " refused w" + std::to_string(route.refused_weight);
    lines.push_back(line);
  }
  return lines;
}

}  // namespace snigate::controller::translate::fixtures
