// The Kubernetes objects the controller reads, as plain types holding only the fields it uses.
// They are decoded once, where they enter (model/decode.h); translate/ never sees JSON.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace snigate::controller::model {

struct ObjectMeta {
  std::string namespace_name{};  // empty for cluster-scoped kinds
  std::string name{};
  std::string uid{};
  std::string creation_timestamp{};  // RFC 3339 as the API server wrote it: orders claims by age
  std::int64_t generation = 0;
  std::map<std::string, std::string, std::less<>> annotations{};
  std::map<std::string, std::string, std::less<>> labels{};

  std::optional<std::string> annotation(std::string_view key) const {
    const auto found = annotations.find(key);
    return found == annotations.end() ? std::nullopt : std::optional<std::string>(found->second);
  }
  std::string qualified_name() const { return namespace_name.empty() ? name : namespace_name + "/" + name; }
  bool operator==(const ObjectMeta&) const = default;
};

// One entry of status.loadBalancer.ingress.
struct LoadBalancerIngress {
  std::string ip;
  std::string hostname;
  bool operator==(const LoadBalancerIngress&) const = default;
};

struct ServicePort {
  std::string name;
  std::string protocol = "TCP";
  int port = 0;
  bool operator==(const ServicePort&) const = default;
};

struct Service {
  ObjectMeta meta;
  std::string type = "ClusterIP";  // ClusterIP, NodePort, LoadBalancer or ExternalName
  std::string cluster_ip;          // "None" when headless
  std::string external_name;       // the DNS name an ExternalName Service aliases
  std::vector<ServicePort> ports;
  std::vector<LoadBalancerIngress> load_balancer;
  bool operator==(const Service&) const = default;
};

// The API's conditions with their documented defaults already applied: an absent `ready` is
// ready, an absent `serving` follows `ready`, an absent `terminating` is false.
struct EndpointConditions {
  bool ready = true;
  bool serving = true;
  bool terminating = false;
  bool operator==(const EndpointConditions&) const = default;
};

struct Endpoint {
  std::vector<std::string> addresses;
  EndpointConditions conditions;
  bool operator==(const Endpoint&) const = default;
};

struct EndpointPort {
  std::string name;  // the Service port's name ("" for an unnamed port)
  std::string protocol = "TCP";
  std::optional<int> port;  // the resolved target port; absent means "all ports" (not usable here)
  bool operator==(const EndpointPort&) const = default;
};

struct EndpointSlice {
  ObjectMeta meta;
  std::string service_name;  // label kubernetes.io/service-name
  std::string address_type;  // IPv4, IPv6 or FQDN
  std::vector<EndpointPort> ports;
  std::vector<Endpoint> endpoints;
  bool operator==(const EndpointSlice&) const = default;
};

// A Service port as an Ingress backend or the snigate.io/port annotation names it.
struct PortReference {
  std::optional<std::string> name;
  std::optional<int> number;
  bool operator==(const PortReference&) const = default;
};

// An IngressBackend: a Service, or a `resource` (which an SNI proxy cannot route to).
struct IngressBackend {
  std::optional<std::string> service;  // nullopt for a resource backend
  PortReference port;
  bool operator==(const IngressBackend&) const = default;
};

struct IngressRule {
  std::string host;                          // "" when the rule has none
  std::vector<IngressBackend> path_backends;  // one per http path, in order
  bool operator==(const IngressRule&) const = default;
};

struct Ingress {
  ObjectMeta meta;
  std::optional<std::string> class_name;  // spec.ingressClassName
  std::optional<IngressBackend> default_backend;
  std::vector<IngressRule> rules;
  std::vector<LoadBalancerIngress> load_balancer;
  bool operator==(const Ingress&) const = default;
};

struct IngressClass {
  ObjectMeta meta;
  std::string controller;
  bool operator==(const IngressClass&) const = default;
};

}  // namespace snigate::controller::model
