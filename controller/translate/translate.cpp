#include "translate/translate.h"

#include <algorithm>
#include <set>

#include "translate/annotations.h"
#include "translate/object_fields.h"
#include "translate/service_annotations.h"
#include "translate/service_backends.h"
#include "translate/tls_route.h"

namespace snigate::controller::translate {
namespace {

// The apiVersion an Event's involvedObject names, for the kinds the controller reads.
std::string api_version_of(const std::string& kind) {
  if (kind == "EndpointSlice") return "discovery.k8s.io/v1";
  if (kind == "Ingress" || kind == "IngressClass") return "networking.k8s.io/v1";
  if (kind == "GatewayClass" || kind == "Gateway" || kind == "TLSRoute" || kind == "ReferenceGrant") return "gateway.networking.k8s.io/v1";
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

void Translator::update_service(const model::ClusterState& state, std::string_view key) {
  const std::string name(key);
  if (const auto old = services_.find(name); old != services_.end()) {
    for (const auto& claim : old->second.routes) hostnames_.remove(claim);
    services_.erase(old);
  }
  const auto found = state.services.find(key);
  if (found == state.services.end() || !found->second.meta.annotations.contains(annotations::kHostnames)) return;
  Claims& claims = services_[name];
  claim_annotated_service(state, found->second, claims);
  for (const auto& claim : claims.routes) hostnames_.add(claim);
}

void Translator::update_ingress(const model::ClusterState& state, std::string_view key) {
  const std::string name(key);
  if (const auto old = ingresses_.find(name); old != ingresses_.end()) {
    for (const auto& claim : old->second.claims.routes) hostnames_.remove(claim);
    for (const auto& service : old->second.services) {
      const auto [first, last] = ingresses_naming_.equal_range(service);
      for (auto entry = first; entry != last; ++entry) {
        if (entry->second == name) {
          ingresses_naming_.erase(entry);
          break;
        }
      }
    }
    ingresses_.erase(old);
  }
  const auto found = state.ingresses.find(key);
  if (found == state.ingresses.end()) return;
  IngressClaims& fresh = ingresses_[name];
  fresh.services = referenced_services(found->second);
  for (const auto& service : fresh.services) ingresses_naming_.emplace(service, name);
  if (is_our_ingress(state, found->second, settings_.ingress_classes)) fresh.ours = claim_ingress(state, found->second, fresh.claims);
  for (const auto& claim : fresh.claims.routes) hostnames_.add(claim);
}

void Translator::update_tls_routes(const model::ClusterState& state) {
  for (const auto& claim : tls_routes_.claims.routes) hostnames_.remove(claim);
  tls_routes_ = {};
  tls_routes_.services = services_named_by_tls_routes(state);
  tls_routes_.status = claim_tls_routes(state, settings_.gateway_api, tls_routes_.claims);
  for (const auto& claim : tls_routes_.claims.routes) hostnames_.add(claim);
}

void Translator::refresh(const model::ClusterState& state) {
  const model::ClusterState::Changes changes = state.changed_since(seen_revision_);
  if (seen_revision_ == 0 || state.revision() < seen_revision_ || changes.everything) {
    services_.clear();
    ingresses_.clear();
    ingresses_naming_.clear();
    hostnames_.clear();
    for (const auto& [key, service] : state.services) update_service(state, key);
    for (const auto& [key, ingress] : state.ingresses) update_ingress(state, key);
    update_tls_routes(state);
  } else {
    for (const std::string_view service : changes.services) update_service(state, service);
    std::set<std::string, std::less<>> ingresses(changes.ingresses.begin(), changes.ingresses.end());
    for (const std::string_view service : changes.services) {
      const auto [first, last] = ingresses_naming_.equal_range(std::string(service));
      for (auto entry = first; entry != last; ++entry) ingresses.insert(entry->second);
    }
    if (changes.ingress_classes) {
      for (const auto& [key, ingress] : state.ingresses) ingresses.insert(key);
    }
    for (const auto& ingress : ingresses) update_ingress(state, ingress);
    // With an address per Gateway, a Service in the release's namespace may be one of theirs.
    const std::string gateway_services = settings_.gateway_api.own_addresses ? settings_.gateway_api.own_addresses->namespace_name + "/" : "";
    const bool named_service_changed =
        std::any_of(changes.services.begin(), changes.services.end(), [&](std::string_view service) {
          return tls_routes_.services.contains(service) || (!gateway_services.empty() && service.starts_with(gateway_services));
        });
    if (changes.gateway_api || named_service_changed) update_tls_routes(state);
  }
  seen_revision_ = state.revision();
}

Translation Translator::translate(const model::ClusterState& state) {
  refresh(state);

  Claims claims;  // this pass's own problems, and those of the remembered claims
  report_undecodable(state, claims);
  const auto gather = [&](const Claims& remembered) {
    claims.problems.insert(claims.problems.end(), remembered.problems.begin(), remembered.problems.end());
  };
  Translation translation;
  for (const auto& [key, ingress] : state.ingresses) {
    const IngressClaims& remembered = ingresses_.at(key);
    if (remembered.ours) translation.our_ingresses.push_back(*remembered.ours);
    gather(remembered.claims);
  }
  for (const auto& [key, service] : services_) gather(service);
  gather(tls_routes_.claims);
  translation.gateway_api = tls_routes_.status;
  hostnames_.settle(settings_.delegation, translation.snapshot, claims.problems);
  if (settings_.default_backend) translation.snapshot.default_backend = default_backend(state, *settings_.default_backend, claims);
  translation.problems = std::move(claims.problems);
  std::sort(translation.problems.begin(), translation.problems.end());
  translation.problems.erase(std::unique(translation.problems.begin(), translation.problems.end()), translation.problems.end());
  return translation;
}

}  // namespace snigate::controller::translate
