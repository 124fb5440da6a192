#include "translate/gateway_listeners.h"

#include <algorithm>

#include "snapshot/hostname.h"
#include "translate/object_fields.h"

namespace snigate::controller::translate {
namespace {

constexpr std::string_view kTlsRoute = "TLSRoute";

Condition failed(std::string reason, std::string message) { return {false, std::move(reason), std::move(message)}; }

// Whether wildcard `pattern` ("*.example.com") matches `name` (a name or a narrower wildcard).
bool wildcard_matches(std::string_view pattern, std::string_view name) {
  const std::string_view suffix = pattern.substr(1);  // ".example.com"
  return name.size() > suffix.size() && name.ends_with(suffix);
}

bool is_wildcard(std::string_view name) { return name.starts_with("*."); }

// What makes a requirement one Kubernetes would refuse to evaluate, or nullopt.
std::optional<std::string> requirement_problem(const model::LabelSelectorRequirement& requirement) {
  if (requirement.op == "In" || requirement.op == "NotIn") {
    if (requirement.values.empty()) return "operator " + requirement.op + " needs values";
  } else if (requirement.op == "Exists" || requirement.op == "DoesNotExist") {
    if (!requirement.values.empty()) return "operator " + requirement.op + " takes no values";
  } else {
    return "unknown operator \"" + requirement.op + "\"";
  }
  return std::nullopt;
}

bool holds(const model::LabelSelectorRequirement& requirement, const std::map<std::string, std::string, std::less<>>& labels) {
  const auto label = labels.find(requirement.key);
  const bool listed = label != labels.end() &&
                      std::find(requirement.values.begin(), requirement.values.end(), label->second) != requirement.values.end();
  if (requirement.op == "In") return listed;
  if (requirement.op == "NotIn") return !listed;  // a Namespace without the label too, as in Kubernetes
  if (requirement.op == "Exists") return label != labels.end();
  return label == labels.end();  // DoesNotExist
}

}  // namespace

bool is_our_gateway_class(const model::GatewayClass& gateway_class, const GatewayApiSettings& settings) {
  return gateway_class.controller_name == settings.controller_name;
}

bool is_our_gateway(const model::ClusterState& state, const model::Gateway& gateway, const GatewayApiSettings& settings) {
  const auto found = state.gateway_classes.find(gateway.class_name);
  return found != state.gateway_classes.end() && is_our_gateway_class(found->second, settings);
}

ListenerStatus evaluate_listener(const model::Gateway& gateway, const model::GatewayListener& listener,
                                 const GatewayApiSettings& settings, Claims& claims) {
  const ObjectRef owner = reference_to(gateway.meta, "Gateway", "gateway.networking.k8s.io/v1");
  ListenerStatus status{.name = listener.name,
                        .supported_kinds = {},
                        .attached_routes = 0,
                        .accepted = {true, "Accepted", ""},
                        .resolved_refs = {true, "ResolvedRefs", ""}};
  const bool tls = listener.protocol == "TLS";
  // A Terminate listener takes no route kind here: snigate never holds the certificate (the
  // conformance suite expects its supportedKinds empty).
  const bool passthrough = tls && listener.tls_mode == "Passthrough";
  if (listener.allowed_kinds.empty()) {
    if (passthrough) status.supported_kinds.push_back({std::string(model::kGatewayApiGroup), std::string(kTlsRoute)});
  }
  for (const auto& kind : listener.allowed_kinds) {
    if (tls && kind.group == model::kGatewayApiGroup && kind.kind == kTlsRoute) {
      if (passthrough) status.supported_kinds.push_back(kind);
    } else {
      status.resolved_refs = failed("InvalidRouteKinds", "listener " + listener.name + ": snigate attaches only TLSRoutes to TLS listeners, not " +
                                                             (kind.group.empty() ? "" : kind.group + "/") + kind.kind);
    }
  }
  if (!tls) {
    status.accepted = failed("UnsupportedProtocol", "listener " + listener.name + ": protocol " + listener.protocol +
                                                        " is not supported; snigate routes TLS by SNI (protocol TLS, tls.mode Passthrough)");
  } else if (!passthrough) {
    status.accepted = failed("UnsupportedValue", "listener " + listener.name + ": tls.mode " + listener.tls_mode +
                                                     " is not supported; snigate passes TLS through and never terminates it");
  } else if (!settings.own_addresses &&
             std::find(settings.listener_ports.begin(), settings.listener_ports.end(), listener.port) == settings.listener_ports.end()) {
    status.accepted = failed("PortUnavailable", "listener " + listener.name + ": port " + std::to_string(listener.port) +
                                                    " is not a port the dataplane serves (--gateway-listener-ports)");
  }
  if (status.accepted.status) {
    const auto same_name = [](const std::optional<std::string>& a, const std::optional<std::string>& b) {
      if (!a || !b) return !a && !b;
      return hostname::normalize(*a, true) == hostname::normalize(*b, true);
    };
    for (const auto& earlier : gateway.listeners) {
      if (&earlier == &listener) break;
      if (earlier.protocol == "TLS" && earlier.tls_mode == "Passthrough" && earlier.port == listener.port &&
          same_name(earlier.hostname, listener.hostname)) {
        status.conflicted = {true, "HostnameConflict",
                             "listener " + listener.name + ": listener " + earlier.name + ", earlier, takes port " +
                                 std::to_string(listener.port) + " and hostname \"" + listener.hostname.value_or("") +
                                 "\" already; this one attaches no route"};
        claims.report(owner, "HostnameConflict", status.conflicted.message);
        break;
      }
    }
  }
  if (!status.accepted.status) claims.report(owner, status.accepted.reason, status.accepted.message);
  if (!status.resolved_refs.status) claims.report(owner, status.resolved_refs.reason, status.resolved_refs.message);
  if (listener.namespaces_from == "Selector" && listener.namespace_selector) {
    for (const auto& requirement : listener.namespace_selector->match_expressions) {
      if (const auto problem = requirement_problem(requirement)) {
        claims.report(owner, "InvalidSelector",
                      "listener " + listener.name + ": allowedRoutes.namespaces.selector requirement on \"" + requirement.key + "\": " +
                          *problem + "; the listener admits routes from no namespace by its selector");
      }
    }
  }
  if (listener.hostname && !hostname::is_valid(*listener.hostname, /*allow_wildcard=*/true)) {
    claims.report(owner, "InvalidHostname", "listener " + listener.name + ": hostname \"" + *listener.hostname + "\" is not a valid DNS name");
  }
  return status;
}

bool admits_namespace(const model::ClusterState& state, const model::Gateway& gateway, const model::GatewayListener& listener,
                      std::string_view route_namespace) {
  if (listener.namespaces_from == "All") return true;
  if (listener.namespaces_from == "Same") return route_namespace == gateway.meta.namespace_name;
  if (listener.namespaces_from != "Selector" || !listener.namespace_selector) return false;
  const model::LabelSelector& selector = *listener.namespace_selector;
  const auto found = state.namespaces.find(route_namespace);
  if (found == state.namespaces.end()) return false;
  const auto& labels = found->second.meta.labels;
  return std::all_of(selector.match_labels.begin(), selector.match_labels.end(),
                     [&](const auto& wanted) {
                       const auto label = labels.find(wanted.first);
                       return label != labels.end() && label->second == wanted.second;
                     }) &&
         std::all_of(selector.match_expressions.begin(), selector.match_expressions.end(), [&](const auto& requirement) {
           return !requirement_problem(requirement) && holds(requirement, labels);
         });
}

bool admits_tls_routes(const ListenerStatus& listener) {
  return listener.accepted.status && !listener.conflicted.status && std::any_of(listener.supported_kinds.begin(), listener.supported_kinds.end(),
                                                 [](const model::RouteGroupKind& kind) { return kind.kind == kTlsRoute; });
}

std::optional<std::string> hostname_intersection(std::string_view listener, std::string_view route) {
  if (listener == route) return std::string(route);
  if (is_wildcard(listener) && wildcard_matches(listener, route)) return std::string(route);
  if (is_wildcard(route) && wildcard_matches(route, listener)) return std::string(listener);
  return std::nullopt;
}

}  // namespace snigate::controller::translate
