// The Kubernetes resources the controller watches, as types that Reflector<Resource> is
// parameterized by: where each lives in the API, and how its objects decode into the model.
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
};

struct EndpointSlices {
  static constexpr std::string_view kind = "EndpointSlice";
  using Object = model::EndpointSlice;
  static Object decode(const nlohmann::json& object) { return model::decode_endpoint_slice(object); }
  static constexpr std::string_view group_version_path = "/apis/discovery.k8s.io/v1";
  static constexpr std::string_view plural = "endpointslices";
  static constexpr bool namespaced = true;
};

struct Ingresses {
  static constexpr std::string_view kind = "Ingress";
  using Object = model::Ingress;
  static Object decode(const nlohmann::json& object) { return model::decode_ingress(object); }
  static constexpr std::string_view group_version_path = "/apis/networking.k8s.io/v1";
  static constexpr std::string_view plural = "ingresses";
  static constexpr bool namespaced = true;
};

struct IngressClasses {
  static constexpr std::string_view kind = "IngressClass";
  using Object = model::IngressClass;
  static Object decode(const nlohmann::json& object) { return model::decode_ingress_class(object); }
  static constexpr std::string_view group_version_path = "/apis/networking.k8s.io/v1";
  static constexpr std::string_view plural = "ingressclasses";
  static constexpr bool namespaced = false;
};

// The collection URL of a resource, limited to `watch_namespace` for namespaced kinds.
template <typename Resource>
std::string collection_path(const std::optional<std::string>& watch_namespace) {
  std::string path(Resource::group_version_path);
  if (Resource::namespaced && watch_namespace) path += "/namespaces/" + *watch_namespace;
  return path + "/" + std::string(Resource::plural);
}

}  // namespace snigate::controller::kube
