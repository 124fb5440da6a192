// Builders for the Kubernetes objects the translation tables feed in (JSON as the API server
// sends it, decoded by the controller's own decoders), and a one-line rendering of what comes
// out, so that each table row reads as "these objects give these routes".
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/decode.h"
#include "translate/translate.h"

namespace snigate::controller::translate::fixtures {

using nlohmann::json;
using Object = json;

inline Object object(json value) { return value; }

// The objects of one table row, in any order.
struct Objects {
  std::vector<Object> services{};
  std::vector<Object> endpoint_slices{};
  std::vector<Object> ingresses{};
  std::vector<Object> ingress_classes{};
  std::vector<Object> namespaces{};
  std::vector<Object> gateway_classes{};
  std::vector<Object> gateways{};
  std::vector<Object> tls_routes{};
  std::vector<Object> reference_grants{};
};

inline model::ClusterState cluster_state(const Objects& objects) {
  model::ClusterState state;
  for (const auto& service : objects.services) state.upsert(model::decode_service(service));
  for (const auto& slice : objects.endpoint_slices) state.upsert(model::decode_endpoint_slice(slice));
  for (const auto& ingress : objects.ingresses) state.upsert(model::decode_ingress(ingress));
  for (const auto& ingress_class : objects.ingress_classes) state.upsert(model::decode_ingress_class(ingress_class));
  for (const auto& namespace_object : objects.namespaces) state.upsert(model::decode_namespace(namespace_object));
  for (const auto& gateway_class : objects.gateway_classes) state.upsert(model::decode_gateway_class(gateway_class));
  for (const auto& gateway : objects.gateways) state.upsert(model::decode_gateway(gateway));
  for (const auto& route : objects.tls_routes) state.upsert(model::decode_tls_route(route));
  for (const auto& grant : objects.reference_grants) state.upsert(model::decode_reference_grant(grant));
  return state;
}

inline const IngressClassSelection kSelection{"snigate.io/ingress-controller", "snigate"};

inline Translation translate_objects(const Objects& objects, TranslationSettings settings = {.ingress_classes = kSelection}) {
  return translate(cluster_state(objects), settings);
}

inline json metadata(const std::string& name, const std::string& created, json annotations = json::object()) {
  return {{"name", name}, {"namespace", "shop"}, {"uid", "uid-" + name}, {"creationTimestamp", created},
          {"annotations", std::move(annotations)}};
}

// A Service in namespace "shop" with ClusterIP 10.96.0.10 and the given ports.
inline Object service(const std::string& name, json annotations, json ports = json::array({{{"name", "https"}, {"port", 443}}}),
                      const std::string& created = "2025-01-01T00:00:00Z") {
  return object({{"metadata", metadata(name, created, std::move(annotations))},
                 {"spec", {{"clusterIP", "10.96.0.10"}, {"ports", std::move(ports)}}}});
}

// One endpoint of a slice: an address and whether it is ready (absent `ready` means ready).
inline json endpoint(const std::string& address, std::optional<bool> ready = std::nullopt) {
  json result = {{"addresses", json::array({address})}};
  if (ready) result["conditions"] = {{"ready", *ready}};
  return result;
}

// An endpoint of a pod that is shutting down (KEP-1669): not ready, terminating, maybe serving.
inline json terminating_endpoint(const std::string& address, bool serving) {
  return {{"addresses", json::array({address})}, {"conditions", {{"ready", false}, {"serving", serving}, {"terminating", true}}}};
}

inline Object endpoint_slice(const std::string& service_name, json ports, json endpoints, const std::string& suffix = "a",
                             const std::string& address_type = "IPv4") {
  json meta = metadata(service_name + "-" + suffix, "2025-01-01T00:00:00Z");
  meta["labels"] = {{"kubernetes.io/service-name", service_name}};
  return object({{"metadata", meta}, {"addressType", address_type}, {"ports", std::move(ports)}, {"endpoints", std::move(endpoints)}});
}

// `object` with the field at JSON pointer `pointer` set to `value`.
inline json with(json object, const std::string& pointer, json value) {
  object[json::json_pointer(pointer)] = std::move(value);
  return object;
}

inline json in_namespace(json object, const std::string& namespace_name) {
  return with(std::move(object), "/metadata/namespace", namespace_name);
}

inline json https_slice_port(int port = 8443) { return json::array({{{"name", "https"}, {"port", port}, {"protocol", "TCP"}}}); }

// "a.example.com -> 10.0.0.1:8443 10.0.0.2:8443", plus " proxy v1" when a PROXY header is sent and
// " from 10.0.0.0/8" when only some clients are admitted, and ", alpn acme-tls/1 -> 10.0.0.9:8443"
// for each ALPN route.
inline std::vector<std::string> rendered_routes(const snapshot::Snapshot& snapshot) {
  std::vector<std::string> lines;
  auto backends = [](const std::vector<snapshot::Backend>& list) {
    std::string text;
    for (const auto& backend : list) text += " " + backend.address + ":" + std::to_string(backend.port);
    return text;
  };
  for (const auto& route : snapshot.routes) {
    std::string line = route.hostname + " ->" + (route.backends.empty() ? " refused" : backends(route.backends));
    if (route.proxy_protocol != snapshot::ProxyProtocol::none) line += " proxy " + std::string(snapshot::to_string(route.proxy_protocol));
    if (!route.allow_source_ranges.empty()) {
      line += " from";
      for (const auto& range : route.allow_source_ranges) line += " " + range.to_string();
    }
    if (route.max_connections > 0) line += " max " + std::to_string(route.max_connections);
    if (route.connect_timeout_ms > 0) line += " connect " + std::to_string(route.connect_timeout_ms) + "ms";
    if (route.idle_timeout_ms > 0) line += " idle " + std::to_string(route.idle_timeout_ms) + "ms";
    if (const auto& rate = route.source_connection_rate; rate.limits()) {
      line += " rate " + std::to_string(rate.connections) + "/" + std::to_string(rate.period_ms) + "ms burst " +
              std::to_string(rate.burst);
    }
    for (const auto& alpn : route.alpn_routes) {
      line += ", alpn";
      for (const auto& protocol : alpn.protocols) line += " " + protocol;
      line += " ->" + (alpn.backends.empty() ? std::string(" refused") : backends(alpn.backends));
    }
    lines.push_back(line);
  }
  if (snapshot.default_backend) lines.push_back("default ->" + backends(snapshot.default_backend->backends));
  return lines;
}

// "Service shop/web InvalidHostname"
inline std::vector<std::string> rendered_problems(const std::vector<Problem>& problems) {
  std::vector<std::string> lines;
  for (const auto& problem : problems) lines.push_back(problem.object.kind + " " + problem.object.qualified_name() + " " + problem.reason);
  return lines;
}

}  // namespace snigate::controller::translate::fixtures

namespace snigate::controller::translate::fixtures {

inline Object ingress_class(const std::string& name, const std::string& controller, bool is_default = false) {
  json annotations = json::object();
  if (is_default) annotations["ingressclass.kubernetes.io/is-default-class"] = "true";
  return object({{"metadata", {{"name", name}, {"annotations", annotations}}}, {"spec", {{"controller", controller}}}});
}

inline json service_backend(const std::string& service, json port = {{"number", 443}}) {
  return {{"service", {{"name", service}, {"port", std::move(port)}}}};
}

inline json resource_backend() { return {{"resource", {{"apiGroup", "k8s.example.com"}, {"kind", "Bucket"}, {"name", "static"}}}}; }

// A rule for `host` whose paths go to the given backends in order.
inline json rule(const std::string& host, std::vector<json> backends) {
  json paths = json::array();
  for (auto& backend : backends) paths.push_back({{"path", "/"}, {"pathType", "Prefix"}, {"backend", std::move(backend)}});
  json result = {{"http", {{"paths", paths}}}};
  if (!host.empty()) result["host"] = host;
  return result;
}

struct IngressSpec {
  std::optional<std::string> class_name{};
  json annotations = json::object();
  json rules = json::array();
  std::optional<json> default_backend{};
  std::string created = "2025-01-01T00:00:00Z";
};

inline Object ingress(const std::string& name, IngressSpec spec) {
  json body = {{"rules", spec.rules}};
  if (spec.class_name) body["ingressClassName"] = *spec.class_name;
  if (spec.default_backend) body["defaultBackend"] = *spec.default_backend;
  return object({{"metadata", metadata(name, spec.created, spec.annotations)}, {"spec", body}});
}

}  // namespace snigate::controller::translate::fixtures
