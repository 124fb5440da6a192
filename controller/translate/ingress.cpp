#include "translate/ingress.h"

#include <algorithm>

#include "snapshot/hostname.h"
#include "translate/annotations.h"
#include "translate/object_fields.h"
#include "translate/route_annotations.h"
#include "translate/service_backends.h"

namespace snigate::controller::translate {
namespace {

constexpr std::string_view kClassAnnotation = "kubernetes.io/ingress.class";
constexpr std::string_view kDefaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class";

std::string describe(const model::IngressBackend& backend) {
  const auto& port = backend.port;
  return *backend.service + ":" + (port.name ? *port.name : port.number ? std::to_string(*port.number) : "?");
}

ResolvedBackends resolve(const model::ClusterState& state, const std::string& namespace_name,
                         const model::IngressBackend& backend) {
  const model::Service* service = state.find_service(namespace_name, *backend.service);
  if (service == nullptr) {
    return {{}, "UnknownService", "backend Service " + namespace_name + "/" + *backend.service + " does not exist"};
  }
  const Upstream upstream = annotations::upstream(service->meta.annotation(annotations::kUpstream)).value_or(Upstream::endpoints);
  return resolve_service_backends(state, *service, PortSelector::from(backend.port), upstream);
}

// The backend of one rule: its first path naming a Service, or the Ingress's default backend when
// it has no paths; nullopt (reported) when there is none to use.
std::optional<model::IngressBackend> rule_backend(const model::IngressRule& rule, const model::Ingress& ingress,
                                                  const ObjectRef& owner, Claims& claims, bool& default_backend_used) {
  const std::string& host = rule.host;
  if (rule.path_backends.empty()) {
    if (ingress.default_backend && ingress.default_backend->service) {
      default_backend_used = true;
      return ingress.default_backend;
    }
    claims.report(owner, "NoBackend", "rule for host " + host + " has no paths and the Ingress has no Service defaultBackend");
    return std::nullopt;
  }
  const model::IngressBackend* first = nullptr;
  bool resource_seen = false;
  bool paths_differ = false;
  for (const auto& backend : rule.path_backends) {
    if (!backend.service) {
      resource_seen = true;
    } else if (first == nullptr) {
      first = &backend;
    } else if (!(backend == *first)) {
      paths_differ = true;
    }
  }
  if (resource_seen) {
    claims.report(owner, "UnsupportedBackend",
                  "rule for host " + host + ": a resource backend cannot be routed; only Service backends are used");
  }
  if (first == nullptr) return std::nullopt;
  if (paths_differ) {
    claims.report(owner, "PathsIgnored",
                  "rule for host " + host + " names different backends by path; an SNI proxy cannot see paths, so " +
                      describe(*first) + " (the first) gets all of " + host);
  }
  return *first;
}

}  // namespace

bool is_our_ingress(const model::ClusterState& state, const model::Ingress& ingress, const IngressClassSelection& selection) {
  if (ingress.class_name && !ingress.class_name->empty()) {
    const auto found = state.ingress_classes.find(*ingress.class_name);
    return found != state.ingress_classes.end() && found->second.controller == selection.controller_name;
  }
  if (const auto annotated = ingress.meta.annotation(kClassAnnotation)) return *annotated == selection.ingress_class;
  for (const auto& [name, ingress_class] : state.ingress_classes) {
    if (ingress_class.controller == selection.controller_name && ingress_class.meta.annotation(kDefaultClassAnnotation) == "true") {
      return true;
    }
  }
  return false;
}

OurIngress claim_ingress(const model::ClusterState& state, const model::Ingress& ingress, Claims& claims) {
  const ObjectRef owner = reference_to(ingress.meta, "Ingress", "networking.k8s.io/v1");
  const std::string& namespace_name = owner.namespace_name;

  // An invalid annotation leaves every route of the Ingress without backends: its names stay
  // claimed and refused, never served without the limit the user asked for.
  const auto annotated = annotated_route(ingress.meta, owner, claims);
  std::string alpn_problem;
  const auto alpn = annotations::alpn_protocols(ingress.meta.annotation(annotations::kAlpn), alpn_problem);
  if (!alpn) {
    claims.report(owner, "InvalidAnnotation", alpn_problem);
    return {owner, ingress.load_balancer};
  }

  bool default_backend_used = false;
  for (const auto& rule : ingress.rules) {
    if (rule.host.empty()) {
      claims.report(owner, "RuleWithoutHost", "a rule without host cannot be routed by SNI");
      continue;
    }
    const auto normalized = hostname::normalize(rule.host, /*allow_wildcard=*/true);
    if (!normalized) {
      claims.report(owner, "InvalidHostname", "host \"" + rule.host + "\" is not a valid DNS name");
      continue;
    }
    snapshot::Route route = annotated.value_or(snapshot::Route{});
    route.hostname = *normalized;
    const auto backend = rule_backend(rule, ingress, owner, claims, default_backend_used);
    if (backend && annotated) {
      ResolvedBackends resolved = resolve(state, namespace_name, *backend);
      if (!resolved.ok()) claims.report(owner, resolved.problem_reason, "host " + rule.host + ": " + resolved.problem_message);
      route.backends = std::move(resolved.backends);
    }
    claims.routes.push_back({owner, std::move(route), *alpn});
  }
  if (ingress.default_backend && !default_backend_used) {
    claims.report(owner, "DefaultBackendIgnored",
                  "spec.defaultBackend serves only this Ingress's rules without paths; names that no route matches go to "
                  "the operator's default backend (--default-backend-service), not to a tenant's");
  }
  return {owner, ingress.load_balancer};
}

std::vector<std::string> referenced_services(const model::Ingress& ingress) {
  std::vector<std::string> keys;
  const auto add = [&](const model::IngressBackend& backend) {
    if (backend.service) keys.push_back(model::ClusterState::key(ingress.meta.namespace_name, *backend.service));
  };
  if (ingress.default_backend) add(*ingress.default_backend);
  for (const auto& rule : ingress.rules) {
    for (const auto& backend : rule.path_backends) add(backend);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

}  // namespace snigate::controller::translate
