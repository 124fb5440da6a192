#include "translate/service_annotations.h"

#include "comma_list.h"
#include "snapshot/hostname.h"
#include "translate/annotations.h"
#include "translate/object_fields.h"

namespace snigate::controller::translate {
namespace {

// The route for every name of one Service; empty backends (with the problem reported) when its
// annotations are invalid or nothing can be resolved.
snapshot::Route service_route(const model::ClusterState& state, const model::Service& service, const ObjectRef& owner,
                              Claims& claims) {
  snapshot::Route route;
  const auto proxy_value = service.meta.annotation(annotations::kProxyProtocol);
  const auto proxy_protocol = annotations::proxy_protocol(proxy_value);
  if (!proxy_protocol) {
    claims.report(owner, "InvalidAnnotation",
                  annotations::invalid_value(annotations::kProxyProtocol, annotations::kProxyProtocolValues, *proxy_value));
    return route;
  }
  route.proxy_protocol = *proxy_protocol;
  std::string ranges_problem;
  auto ranges = annotations::allow_source_ranges(service.meta.annotation(annotations::kAllowSourceRanges), ranges_problem);
  if (!ranges) {
    claims.report(owner, "InvalidAnnotation", ranges_problem);
    return route;
  }
  route.allow_source_ranges = std::move(*ranges);
  std::string limit_problem;
  const auto limit = annotations::max_connections(service.meta.annotation(annotations::kMaxConnections), limit_problem);
  if (!limit) {
    claims.report(owner, "InvalidAnnotation", limit_problem);
    return route;
  }
  route.max_connections = *limit;
  std::string rate_problem;
  const auto rate = annotations::source_connection_rate(service.meta.annotation(annotations::kSourceConnectionRate),
                                                        service.meta.annotation(annotations::kSourceConnectionBurst),
                                                        rate_problem);
  if (!rate) {
    claims.report(owner, "InvalidAnnotation", rate_problem);
    return route;
  }
  route.source_connection_rate = *rate;
  for (auto [key, field] : {std::pair{annotations::kConnectTimeout, &route.connect_timeout_ms},
                            std::pair{annotations::kIdleTimeout, &route.idle_timeout_ms}}) {
    std::string timeout_problem;
    const auto timeout = annotations::timeout_ms(key, service.meta.annotation(key), timeout_problem);
    if (!timeout) {
      claims.report(owner, "InvalidAnnotation", timeout_problem);
      return route;
    }
    *field = *timeout;
  }
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
