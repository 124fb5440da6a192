#include "translate/translate.h"

#include <algorithm>

#include "translate/annotations.h"
#include "translate/conflicts.h"
#include "translate/object_fields.h"
#include "translate/service_annotations.h"
#include "translate/service_backends.h"

namespace snigate::controller::translate {
namespace {

// The apiVersion an Event's involvedObject names, for the kinds the controller reads.
std::string api_version_of(const std::string& kind) {
  if (kind == "EndpointSlice") return "discovery.k8s.io/v1";
  if (kind == "Ingress" || kind == "IngressClass") return "networking.k8s.io/v1";
  return "v1";
}

void report_undecodable(const model::ClusterState& state, Claims& claims) {
  for (const auto& [key, object] : state.undecodable) {
    claims.report(reference_to(object.meta, object.kind, api_version_of(object.kind)), "InvalidObject",
                  object.kind + " " + object.meta.qualified_name() + " cannot be read: " + object.error);
  }
}

// Only a backend with addresses can be the snapshot's default; without one, unmatched names are
// refused (unrecognized_name), which is what a missing catch-all should mean.
std::optional<snapshot::DefaultBackend> default_backend(const model::ClusterState& state, const DefaultBackendService& wanted,
                                                        Claims& claims) {
  const model::Service* service = state.find_service(wanted.namespace_name, wanted.name);
  if (service == nullptr) return std::nullopt;
  const ObjectRef owner = reference_to(service->meta, "Service", "v1");
  const auto upstream = annotations::upstream(service->meta.annotation(annotations::kUpstream)).value_or(Upstream::endpoints);
  ResolvedBackends resolved = resolve_service_backends(state, *service, PortSelector::parse(wanted.port), upstream);
  if (!resolved.ok()) claims.report(owner, resolved.problem_reason, "default backend: " + resolved.problem_message);
  if (resolved.backends.empty()) return std::nullopt;
  const auto proxy_protocol = annotations::proxy_protocol(service->meta.annotation(annotations::kProxyProtocol));
  return snapshot::DefaultBackend{std::move(resolved.backends), proxy_protocol.value_or(snapshot::ProxyProtocol::none)};
}

}  // namespace

Translation translate(const model::ClusterState& state, const TranslationSettings& settings) {
  return Translator(settings).translate(state);
}

void Translator::refresh_service_claims(const model::ClusterState& state) {
  std::unordered_map<std::string, ServiceClaims> services;
  services.reserve(services_.size());
  for (const auto& [key, service] : state.services) {
    if (!service.meta.annotations.contains(annotations::kHostnames)) continue;
    const std::uint64_t revision = state.service_inputs_revision(key);
    auto cached = services_.extract(key);
    if (cached.empty() || cached.mapped().inputs_revision != revision) {
      ServiceClaims fresh{revision, {}};
      claim_annotated_service(state, service, fresh.claims);
      services.emplace(key, std::move(fresh));
    } else {
      services.insert(std::move(cached));
    }
  }
  services_ = std::move(services);
}

void Translator::refresh_ingress_claims(const model::ClusterState& state) {
  const auto current = [&](const IngressClaims& claims, std::uint64_t revision) {
    return claims.revision == revision && claims.classes_revision == state.ingress_classes_revision() &&
           std::all_of(claims.services.begin(), claims.services.end(), [&](const auto& service) {
             return state.service_inputs_revision(service.first) == service.second;
           });
  };
  std::unordered_map<std::string, IngressClaims> ingresses;
  ingresses.reserve(ingresses_.size());
  for (const auto& [key, ingress] : state.ingresses) {
    const std::uint64_t revision = state.ingress_revision(key);
    auto cached = ingresses_.extract(key);
    if (!cached.empty() && current(cached.mapped(), revision)) {
      ingresses.insert(std::move(cached));
      continue;
    }
    IngressClaims fresh{.revision = revision, .classes_revision = state.ingress_classes_revision()};
    for (auto& service : referenced_services(ingress)) {
      const std::uint64_t service_revision = state.service_inputs_revision(service);
      fresh.services.emplace_back(std::move(service), service_revision);
    }
    if (is_our_ingress(state, ingress, settings_.ingress_classes)) fresh.ours = claim_ingress(state, ingress, fresh.claims);
    ingresses.emplace(key, std::move(fresh));
  }
  ingresses_ = std::move(ingresses);
}

Translation Translator::translate(const model::ClusterState& state) {
  refresh_service_claims(state);
  refresh_ingress_claims(state);

  Claims claims;  // this pass's own problems, and those of the remembered claims
  report_undecodable(state, claims);
  std::vector<const RouteClaim*> route_claims;
  route_claims.reserve(services_.size() + ingresses_.size());
  const auto gather = [&](const Claims& remembered) {
    for (const auto& claim : remembered.routes) route_claims.push_back(&claim);
    claims.problems.insert(claims.problems.end(), remembered.problems.begin(), remembered.problems.end());
  };
  Translation translation;
  for (const auto& [key, ingress] : state.ingresses) {
    const IngressClaims& remembered = ingresses_.at(key);
    if (remembered.ours) translation.our_ingresses.push_back(*remembered.ours);
    gather(remembered.claims);
  }
  for (const auto& [key, service] : services_) gather(service.claims);
  settle_conflicts(std::move(route_claims), settings_.delegation, translation.snapshot, claims.problems);
  if (settings_.default_backend) translation.snapshot.default_backend = default_backend(state, *settings_.default_backend, claims);
  translation.problems = std::move(claims.problems);
  std::sort(translation.problems.begin(), translation.problems.end());
  translation.problems.erase(std::unique(translation.problems.begin(), translation.problems.end()), translation.problems.end());
  return translation;
}

}  // namespace snigate::controller::translate
