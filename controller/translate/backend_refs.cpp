#include "translate/backend_refs.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "translate/annotations.h"
#include "translate/object_fields.h"
#include "translate/service_backends.h"

namespace snigate::controller::translate {
namespace {

bool is_service(const model::BackendReference& ref) { return ref.group.empty() && ref.kind == "Service"; }

std::string target_namespace(const model::TLSRoute& route, const model::BackendReference& ref) {
  return ref.namespace_name.value_or(route.meta.namespace_name);
}

// A ReferenceGrant in the Service's namespace lets TLSRoutes of the route's namespace name it.
bool granted(const model::ClusterState& state, const model::TLSRoute& route, const std::string& target_namespace,
             const std::string& service) {
  const std::string prefix = target_namespace + "/";
  for (auto grant = state.reference_grants.lower_bound(prefix); grant != state.reference_grants.end() && grant->first.starts_with(prefix);
       ++grant) {
    const bool from = std::any_of(grant->second.from.begin(), grant->second.from.end(), [&](const model::ReferenceGrantFrom& entry) {
      return entry.group == model::kGatewayApiGroup && entry.kind == "TLSRoute" && entry.namespace_name == route.meta.namespace_name;
    });
    const bool to = std::any_of(grant->second.to.begin(), grant->second.to.end(), [&](const model::ReferenceGrantTo& entry) {
      return entry.group.empty() && entry.kind == "Service" && (!entry.name || *entry.name == service);
    });
    if (from && to) return true;
  }
  return false;
}

// One usable ref: its weight, over these endpoints.
struct Share {
  std::int64_t weight;
  std::vector<snapshot::Backend> endpoints;
};

// Each endpoint gets its ref's weight divided by the ref's endpoint count, scaled so that the
// heaviest endpoint (or the refused share, `refused`: the unusable refs' weights together) has
// kEndpointWeightScale; an address two refs share gets both shares; then every weight is divided
// by their greatest common divisor (one ref: every endpoint 1).
struct Weighted {
  std::vector<snapshot::Backend> backends;
  std::uint32_t refused_weight = 0;
};

Weighted weighted(const std::vector<Share>& shares, std::int64_t refused) {
  double heaviest = static_cast<double>(refused);
  for (const auto& share : shares) heaviest = std::max(heaviest, static_cast<double>(share.weight) / static_cast<double>(share.endpoints.size()));
  std::map<std::pair<std::string, std::uint16_t>, std::int64_t> weights;
  for (const auto& share : shares) {
    const double each = static_cast<double>(share.weight) / static_cast<double>(share.endpoints.size());
    const auto scaled = std::max<std::int64_t>(1, std::llround(each / heaviest * static_cast<double>(kEndpointWeightScale)));
    for (const auto& endpoint : share.endpoints) weights[{endpoint.address, endpoint.port}] += scaled;
  }
  const std::int64_t refused_scaled =
      refused > 0 ? std::max<std::int64_t>(1, std::llround(static_cast<double>(refused) / heaviest * static_cast<double>(kEndpointWeightScale)))
                  : 0;
  std::int64_t divisor = refused_scaled;
  for (const auto& [address, weight] : weights) divisor = std::gcd(divisor, weight);
  const auto reduced = [divisor](std::int64_t weight) {
    return static_cast<std::uint32_t>(std::min<std::int64_t>(weight / divisor, snapshot::kMaxWeight));
  };
  Weighted result{{}, refused_scaled > 0 ? reduced(refused_scaled) : 0};
  for (const auto& [address, weight] : weights) result.backends.push_back({address.first, address.second, reduced(weight)});
  return result;
}

}  // namespace

ResolvedBackendRefs resolve_backend_refs(const model::ClusterState& state, const model::TLSRoute& route, Claims& claims) {
  const ObjectRef owner = reference_to(route.meta, "TLSRoute", "gateway.networking.k8s.io/v1");
  ResolvedBackendRefs resolved{{}, {true, "ResolvedRefs", ""}, 0};
  std::vector<Share> shares;
  std::int64_t refused = 0;  // the weights of the refs that cannot be used
  for (const auto& ref : route.backend_refs) {
    const auto refuse = [&](std::string reason, std::string message) {
      claims.report(owner, reason, message);
      refused += ref.weight;
      if (resolved.resolved_refs.status) resolved.resolved_refs = {false, std::move(reason), std::move(message)};
    };
    const std::string namespace_name = target_namespace(route, ref);
    const std::string named = (ref.group.empty() ? "" : ref.group + "/") + ref.kind + " " + namespace_name + "/" + ref.name;
    if (!is_service(ref)) {
      refuse("InvalidKind", "backendRef " + named + ": only Services can be backends; its share of the connections is refused");
      continue;
    }
    if (namespace_name != route.meta.namespace_name && !granted(state, route, namespace_name, ref.name)) {
      refuse("RefNotPermitted", "backendRef " + named + ": no ReferenceGrant in namespace " + namespace_name +
                                    " lets TLSRoutes of namespace " + route.meta.namespace_name + " use it");
      continue;
    }
    const model::Service* service = state.find_service(namespace_name, ref.name);
    if (service == nullptr) {
      refuse("BackendNotFound", "backendRef " + named + " does not exist");
      continue;
    }
    const Upstream upstream = annotations::upstream(service->meta.annotation(annotations::kUpstream)).value_or(Upstream::endpoints);
    ResolvedBackends endpoints = resolve_service_backends(state, *service, PortSelector{std::nullopt, ref.port}, upstream);
    if (endpoints.problem_reason == "UnknownPort") {
      refuse("BackendNotFound", "backendRef " + named + ": " + endpoints.problem_message);
      continue;
    }
    if (!endpoints.ok()) claims.report(owner, endpoints.problem_reason, "backendRef " + named + ": " + endpoints.problem_message);
    if (endpoints.backends.empty()) {
      refused += ref.weight;  // a Service without ready endpoints: its share is refused too
    } else if (ref.weight > 0) {
      shares.push_back({ref.weight, std::move(endpoints.backends)});
    }
  }
  if (!shares.empty()) {
    Weighted weights = weighted(shares, refused);
    resolved.backends = std::move(weights.backends);
    resolved.refused_weight = weights.refused_weight;
  }
  return resolved;
}

void add_referenced_services(const model::TLSRoute& route, std::set<std::string, std::less<>>& services) {
  for (const auto& ref : route.backend_refs) {
    if (is_service(ref)) services.insert(model::ClusterState::key(target_namespace(route, ref), ref.name));
  }
}

}  // namespace snigate::controller::translate
