#include "translate/service_annotations.h"

#include "comma_list.h"
#include "snapshot/hostname.h"
#include "translate/annotations.h"
#include "translate/object_fields.h"
#include "translate/route_annotations.h"

namespace snigate::controller::translate {
namespace {

// The route for every name of one Service; empty backends (with the problem reported) when its
// annotations are invalid or nothing can be resolved.
snapshot::Route service_route(const model::ClusterState& state, const model::Service& service, const ObjectRef& owner,
                              Claims& claims) {
  auto annotated = annotated_route(service.meta, owner, claims);
  if (!annotated) return {};
  snapshot::Route route = std::move(*annotated);
  const auto upstream_value = service.meta.annotation(annotations::kUpstream);
  const auto upstream = annotations::upstream(upstream_value);
  if (!upstream) {
    claims.report(owner, "InvalidAnnotation",
                  annotations::invalid_value(annotations::kUpstream, annotations::kUpstreamValues, *upstream_value));
    return route;
  }
  ResolvedBackends resolved =
      resolve_service_backends(state, service, PortSelector::parse(service.meta.annotation(annotations::kPort)), *upstream);
  if (!resolved.ok()) claims.report(owner, resolved.problem_reason, resolved.problem_message);
  route.backends = std::move(resolved.backends);
  return route;
}

}  // namespace

void claim_annotated_service(const model::ClusterState& state, const model::Service& service, Claims& claims) {
  {
    const std::optional<std::string> hostnames = service.meta.annotation(annotations::kHostnames);
    if (!hostnames) return;
    const ObjectRef owner = reference_to(service.meta, "Service", "v1");

    std::vector<std::string> valid_names;
    for (const std::string& name : split_comma_list(*hostnames)) {
      if (auto normalized = hostname::normalize(name, /*allow_wildcard=*/true)) {
        valid_names.push_back(*normalized);
      } else {
        claims.report(owner, "InvalidHostname",
                      "hostname \"" + name + "\" in " + std::string(annotations::kHostnames) +
                          " is not a valid DNS name (at most one leading \"*.\")");
      }
    }
    if (valid_names.empty()) return;
    std::string alpn_problem;
    auto alpn = annotations::alpn_protocols(service.meta.annotation(annotations::kAlpn), alpn_problem);
    if (!alpn) {
      // No claim at all: an ALPN route that cannot be read must not become the name's only route.
      claims.report(owner, "InvalidAnnotation", alpn_problem);
      return;
    }

    const snapshot::Route route = service_route(state, service, owner, claims);
    for (const std::string& name : valid_names) {
      snapshot::Route named = route;
      named.hostname = name;
      claims.routes.push_back({owner, std::move(named), *alpn});
    }
  }
}

}  // namespace snigate::controller::translate
