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
  // spec.ports[].targetPort when a number; nullopt when absent or a port name. Read for the
  // Services the controller gives Gateways (translate/gateway_services.h).
  std::optional<int> target_port = std::nullopt;
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

// Only its labels matter: a Gateway listener may admit the routes of namespaces by label.
struct Namespace {
  ObjectMeta meta;
  bool operator==(const Namespace&) const = default;
};

// --- Gateway API (gateway.networking.k8s.io/v1), the fields snigate reads ---

inline constexpr std::string_view kGatewayApiGroup = "gateway.networking.k8s.io";

struct GatewayClass {
  ObjectMeta meta;
  std::string controller_name;  // spec.controllerName
  bool operator==(const GatewayClass&) const = default;
};

// One metav1.LabelSelectorRequirement: `op` In, NotIn, Exists or DoesNotExist, as written.
struct LabelSelectorRequirement {
  std::string key;
  std::string op;
  std::vector<std::string> values;
  bool operator==(const LabelSelectorRequirement&) const = default;
};

// A metav1.LabelSelector: every matchLabels entry and every matchExpressions requirement must hold.
struct LabelSelector {
  std::map<std::string, std::string, std::less<>> match_labels;
  std::vector<LabelSelectorRequirement> match_expressions;
  bool operator==(const LabelSelector&) const = default;
};

struct RouteGroupKind {
  std::string group{kGatewayApiGroup};
  std::string kind;
  bool operator==(const RouteGroupKind&) const = default;
};

struct GatewayListener {
  std::string name;
  std::optional<std::string> hostname;  // absent: every name
  int port = 0;
  std::string protocol;                 // HTTP, HTTPS, TLS, TCP, UDP or a vendor's
  std::string tls_mode = "Terminate";   // tls.mode, with the API's default
  std::string namespaces_from = "Same";             // allowedRoutes.namespaces.from: Same, All or Selector
  std::optional<LabelSelector> namespace_selector;  // allowedRoutes.namespaces.selector
  std::vector<RouteGroupKind> allowed_kinds;        // allowedRoutes.kinds; empty: the protocol's default
  bool operator==(const GatewayListener&) const = default;
};

struct Gateway {
  ObjectMeta meta;
  std::string class_name;  // spec.gatewayClassName
  std::vector<GatewayListener> listeners;
  bool operator==(const Gateway&) const = default;
};

struct ParentReference {
  std::string group{kGatewayApiGroup};
  std::string kind = "Gateway";
  std::optional<std::string> namespace_name;  // absent: the route's
  std::string name;
  std::optional<std::string> section_name;  // a listener's name
  std::optional<int> port;                  // a listener's port
  bool operator==(const ParentReference&) const = default;
};

struct BackendReference {
  std::string group;  // "" is the core group
  std::string kind = "Service";
  std::string name;
  std::optional<std::string> namespace_name;  // absent: the route's
  std::optional<int> port;
  std::int64_t weight = 1;  // 0 to 1,000,000
  bool operator==(const BackendReference&) const = default;
};

struct TLSRoute {
  ObjectMeta meta;
  std::vector<ParentReference> parent_refs;
  std::vector<std::string> hostnames;
  // spec.rules[0].backendRefs: a TLSRoute v1 has exactly one rule.
  std::vector<BackendReference> backend_refs;
  // status.parents[].controllerName, one per entry: what the route shows, for our status writer
  // (kube/gateway_api_status_writer.h), which writes again when our entries are not the ones it
  // wants (another controller replaced the list, or they are stale). Not an input of the
  // translation: a change of it alone is no change of the model (ClusterState::upsert).
  std::vector<std::string> status_controllers;
  bool operator==(const TLSRoute&) const = default;
};

struct ReferenceGrantFrom {
  std::string group;
  std::string kind;
  std::string namespace_name;
  bool operator==(const ReferenceGrantFrom&) const = default;
};

struct ReferenceGrantTo {
  std::string group;
  std::string kind;
  std::optional<std::string> name;  // absent: every object of the kind in the grant's namespace
  bool operator==(const ReferenceGrantTo&) const = default;
};

// Lets objects of `from` refer to objects of `to` in the grant's own namespace.
struct ReferenceGrant {
  ObjectMeta meta;
  std::vector<ReferenceGrantFrom> from;
  std::vector<ReferenceGrantTo> to;
  bool operator==(const ReferenceGrant&) const = default;
};

}  // namespace snigate::controller::model
