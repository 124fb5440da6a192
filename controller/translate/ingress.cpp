#include "translate/ingress.h"

#include "snapshot/hostname.h"
#include "translate/annotations.h"
#include "translate/object_fields.h"
#include "translate/service_backends.h"

namespace snigate::controller::translate {
namespace {

constexpr std::string_view kClassAnnotation = "kubernetes.io/ingress.class";
constexpr std::string_view kDefaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class";

struct ServiceBackend {
  std::string service;
  PortSelector port;

  bool operator==(const ServiceBackend& other) const {
    return service == other.service && port.name == other.port.name && port.number == other.port.number;
  }
  std::string describe() const {
    return service + ":" + (port.name ? *port.name : port.number ? std::to_string(*port.number) : "?");
  }
};

// An IngressBackend naming a Service; nullopt for a `resource` backend, which cannot be routed.
std::optional<ServiceBackend> service_backend(const nlohmann::json& backend) {
  const auto service = backend.find("service");
  if (service == backend.end() || !service->is_object()) return std::nullopt;
  ServiceBackend result{service->value("name", ""), {}};
  const nlohmann::json port = service->value("port", nlohmann::json::object());
  if (port.contains("name")) result.port.name = port["name"].get<std::string>();
  if (port.contains("number")) result.port.number = port["number"].get<int>();
  return result;
}

ResolvedBackends resolve(const ClusterState& state, const std::string& namespace_name, const ServiceBackend& backend) {
  const nlohmann::json* service = find_service(state, namespace_name, backend.service);
  if (service == nullptr) {
    return {{}, "UnknownService", "backend Service " + namespace_name + "/" + backend.service + " does not exist"};
  }
  const Upstream upstream = annotations::upstream(annotation(*service, annotations::kUpstream)).value_or(Upstream::endpoints);
  return resolve_service_backends(state, *service, backend.port, upstream);
}

// The backend of one rule: its first path's, or the Ingress's default backend when it has no paths.
std::optional<ServiceBackend> rule_backend(const nlohmann::json& rule, const nlohmann::json& spec, const std::string& host,
                                           const ObjectRef& owner, Claims& claims) {
  const nlohmann::json paths = rule.value("/http/paths"_json_pointer, nlohmann::json::array());
  if (paths.empty()) {
    if (spec.contains("defaultBackend")) return service_backend(spec["defaultBackend"]);
    claims.report(owner, "NoBackend", "rule for host " + host + " has no paths and the Ingress has no defaultBackend");
    return std::nullopt;
  }
  std::optional<ServiceBackend> first = service_backend(paths[0].value("backend", nlohmann::json::object()));
  if (!first) {
    claims.report(owner, "UnsupportedBackend", "rule for host " + host + ": only Service backends can be routed");
    return std::nullopt;
  }
  for (const auto& path : paths) {
    const auto other = service_backend(path.value("backend", nlohmann::json::object()));
    if (!other || !(*other == *first)) {
      claims.report(owner, "PathsIgnored",
                    "rule for host " + host + " names different backends by path; an SNI proxy cannot see paths, so " +
                        first->describe() + " (the first) gets all of " + host);
      break;
    }
  }
  return first;
}

}  // namespace

bool is_our_ingress(const ClusterState& state, const nlohmann::json& ingress, const IngressClassSelection& selection) {
  auto ours = [&](const nlohmann::json& ingress_class) {
    return ingress_class.value("/spec/controller"_json_pointer, std::string()) == selection.controller_name;
  };
  const std::string class_name = ingress.value("/spec/ingressClassName"_json_pointer, std::string());
  if (!class_name.empty()) {
    for (const auto& ingress_class : state.ingress_classes) {
      if (name_of(*ingress_class) == class_name) return ours(*ingress_class);
    }
    return false;
  }
  if (const auto annotated = annotation(ingress, kClassAnnotation)) return *annotated == selection.ingress_class;
  for (const auto& ingress_class : state.ingress_classes) {
    if (ours(*ingress_class) && annotation(*ingress_class, kDefaultClassAnnotation) == "true") return true;
  }
  return false;
}

std::vector<ObjectRef> claim_ingresses(const ClusterState& state, const IngressClassSelection& selection, Claims& claims) {
  std::vector<ObjectRef> ours;
  for (const auto& ingress : state.ingresses) {
    if (!is_our_ingress(state, *ingress, selection)) continue;
    const ObjectRef owner = reference_to(*ingress, "Ingress", "networking.k8s.io/v1");
    ours.push_back(owner);
    const std::string namespace_name = owner.namespace_name;
    const nlohmann::json spec = ingress->value("spec", nlohmann::json::object());

    const auto proxy_protocol = annotations::proxy_protocol(annotation(*ingress, annotations::kProxyProtocol));
    if (!proxy_protocol) {
      claims.report(owner, "InvalidAnnotation", std::string(annotations::kProxyProtocol) + " must be none, v1 or v2");
      continue;
    }

    if (spec.contains("defaultBackend")) {
      const auto backend = service_backend(spec["defaultBackend"]);
      const ResolvedBackends resolved =
          backend ? resolve(state, namespace_name, *backend)
                  : ResolvedBackends{{}, "UnsupportedBackend", "defaultBackend: only Service backends can be routed"};
      if (resolved.ok()) {
        claims.default_backends.push_back({owner, {resolved.backends, *proxy_protocol}});
      } else {
        claims.report(owner, resolved.failure_reason, "defaultBackend: " + resolved.failure_message);
      }
    }

    for (const auto& rule : spec.value("rules", nlohmann::json::array())) {
      const std::string host = rule.value("host", "");
      if (host.empty()) {
        claims.report(owner, "RuleWithoutHost", "a rule without host cannot be routed by SNI; use spec.defaultBackend");
        continue;
      }
      const auto normalized = hostname::normalize(host, /*allow_wildcard=*/true);
      if (!normalized) {
        claims.report(owner, "InvalidHostname", "host \"" + host + "\" is not a valid DNS name");
        continue;
      }
      const auto backend = rule_backend(rule, spec, host, owner, claims);
      if (!backend) continue;
      const ResolvedBackends resolved = resolve(state, namespace_name, *backend);
      if (!resolved.ok()) {
        claims.report(owner, resolved.failure_reason, "host " + host + ": " + resolved.failure_message);
        continue;
      }
      claims.routes.push_back({owner, {*normalized, snapshot::Wildcard::single_label, resolved.backends, *proxy_protocol}});
    }
  }
  return ours;
}

}  // namespace snigate::controller::translate
