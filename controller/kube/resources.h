// The Kubernetes resources the controller watches, as types that Reflector<Resource> is
// parameterized by: where each lives in the API, and how its objects decode into the model.
// `optional` kinds are the Gateway API's, from CRDs that may not be installed (yet), and Namespaces,
// which only the Gateway API needs: their reflector takes a 404 (not installed) or a 403 (not
// granted, as in a namespace-scoped install) for "no such objects" and looks again now and then,
// so that Services and Ingresses are routed whatever becomes of them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/decode.h"

namespace snigate::controller::kube {

struct Services {
  static constexpr std::string_view kind = "Service";
  using Object = model::Service;
  static Object decode(const nlohmann::json& object) { return model::decode_service(object); }
  static constexpr std::string_view group_version_path = "/api/v1";
  static constexpr std::string_view plural = "services";
  static constexpr bool namespaced = true;
  static constexpr bool optional = false;
};

struct EndpointSlices {
  static constexpr std::string_view kind = "EndpointSlice";
  using Object = model::EndpointSlice;
  static Object decode(const nlohmann::json& object) { return model::decode_endpoint_slice(object); }
  static constexpr std::string_view group_version_path = "/apis/discovery.k8s.io/v1";
  static constexpr std::string_view plural = "endpointslices";
  static constexpr bool namespaced = true;
  static constexpr bool optional = false;
};

struct Ingresses {
  static constexpr std::string_view kind = "Ingress";
  using Object = model::Ingress;
  static Object decode(const nlohmann::json& object) { return model::decode_ingress(object); }
  static constexpr std::string_view group_version_path = "/apis/networking.k8s.io/v1";
  static constexpr std::string_view plural = "ingresses";
  static constexpr bool namespaced = true;
  static constexpr bool optional = false;
};

struct IngressClasses {
  static constexpr std::string_view kind = "IngressClass";
  using Object = model::IngressClass;
  static Object decode(const nlohmann::json& object) { return model::decode_ingress_class(object); }
  static constexpr std::string_view group_version_path = "/apis/networking.k8s.io/v1";
  static constexpr std::string_view plural = "ingressclasses";
  static constexpr bool namespaced = false;
  static constexpr bool optional = false;
};

struct Namespaces {
  static constexpr std::string_view kind = "Namespace";
  using Object = model::Namespace;
  static Object decode(const nlohmann::json& object) { return model::decode_namespace(object); }
  static constexpr std::string_view group_version_path = "/api/v1";
  static constexpr std::string_view plural = "namespaces";
  static constexpr bool namespaced = false;
  static constexpr bool optional = true;
};

struct GatewayClasses {
  static constexpr std::string_view kind = "GatewayClass";
  using Object = model::GatewayClass;
  static Object decode(const nlohmann::json& object) { return model::decode_gateway_class(object); }
  static constexpr std::string_view group_version_path = "/apis/gateway.networking.k8s.io/v1";
  static constexpr std::string_view plural = "gatewayclasses";
  static constexpr bool namespaced = false;
  static constexpr bool optional = true;
};

struct Gateways {
  static constexpr std::string_view kind = "Gateway";
  using Object = model::Gateway;
  static Object decode(const nlohmann::json& object) { return model::decode_gateway(object); }
  static constexpr std::string_view group_version_path = "/apis/gateway.networking.k8s.io/v1";
  static constexpr std::string_view plural = "gateways";
  static constexpr bool namespaced = true;
  static constexpr bool optional = true;
};

struct TLSRoutes {
  static constexpr std::string_view kind = "TLSRoute";
  using Object = model::TLSRoute;
  static Object decode(const nlohmann::json& object) { return model::decode_tls_route(object); }
  static constexpr std::string_view group_version_path = "/apis/gateway.networking.k8s.io/v1";
  static constexpr std::string_view plural = "tlsroutes";
  static constexpr bool namespaced = true;
  static constexpr bool optional = true;
};

struct ReferenceGrants {
  static constexpr std::string_view kind = "ReferenceGrant";
  using Object = model::ReferenceGrant;
  static Object decode(const nlohmann::json& object) { return model::decode_reference_grant(object); }
  static constexpr std::string_view group_version_path = "/apis/gateway.networking.k8s.io/v1";
  static constexpr std::string_view plural = "referencegrants";
  static constexpr bool namespaced = true;
  static constexpr bool optional = true;
};

// The collection URL of a resource, limited to `watch_namespace` for namespaced kinds.
template <typename Resource>
std::string collection_path(const std::optional<std::string>& watch_namespace) {
  std::string path(Resource::group_version_path);
  if (Resource::namespaced && watch_namespace) path += "/namespaces/" + *watch_namespace;
  return path + "/" + std::string(Resource::plural);
}

}  // namespace snigate::controller::kube
