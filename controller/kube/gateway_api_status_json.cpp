#include "kube/gateway_api_status_json.h"

#include <algorithm>

namespace snigate::controller::kube {
namespace {

using nlohmann::json;
using translate::Condition;

json condition(const std::string& type, const Condition& wanted, std::int64_t generation) {
  return {{"type", type},
          {"status", wanted.status ? "True" : "False"},
          {"reason", wanted.reason},
          {"message", wanted.message},
          {"observedGeneration", generation}};
}

// Each condition keeps the lastTransitionTime it showed while its status stays; a new one or a
// changed status starts now.
json with_transition_times(json conditions, const json& current, const std::string& now) {
  for (auto& entry : conditions) {
    entry["lastTransitionTime"] = now;
    if (!current.is_array()) continue;
    for (const auto& old : current) {
      if (old.is_object() && old.value("type", "") == entry["type"] && old.value("status", "") == entry["status"] &&
          old.contains("lastTransitionTime")) {
        entry["lastTransitionTime"] = old["lastTransitionTime"];
      }
    }
  }
  return conditions;
}

const json& field(const json& object, const char* name) {
  static const json absent;
  return object.is_object() && object.contains(name) ? object[name] : absent;
}

json parent_ref(const model::ParentReference& parent) {
  json ref = {{"group", parent.group}, {"kind", parent.kind}, {"name", parent.name}};
  if (parent.namespace_name) ref["namespace"] = *parent.namespace_name;
  if (parent.section_name) ref["sectionName"] = *parent.section_name;
  if (parent.port) ref["port"] = *parent.port;
  return ref;
}

json listener_status(const json& current, const translate::ListenerStatus& listener, std::int64_t generation, bool programmed,
                     const std::string& now) {
  json kinds = json::array();
  for (const auto& kind : listener.supported_kinds) kinds.push_back({{"group", kind.group}, {"kind", kind.kind}});
  const Condition listener_programmed = !listener.accepted.status  ? Condition{false, "Invalid", "the listener is not accepted"}
                                        : listener.conflicted.status ? Condition{false, "Invalid", "the listener is conflicted"}
                                        : programmed                 ? Condition{true, "Programmed", ""}
                                                                     : Condition{false, "Pending", "the dataplane has not acknowledged the routes yet"};
  const json conditions = json::array({condition("Accepted", listener.accepted, generation),
                           condition("ResolvedRefs", listener.resolved_refs, generation),
                           condition("Conflicted", listener.conflicted, generation),
                           condition("Programmed", listener_programmed, generation)});
  return {{"name", listener.name},
          {"supportedKinds", kinds},
          {"attachedRoutes", listener.attached_routes},
          {"conditions", with_transition_times(conditions, field(current, "conditions"), now)}};
}

}  // namespace

json gateway_class_status(const json& current, const translate::GatewayClassStatus& wanted, const std::string& now) {
  json features = json::array();
  for (const auto& name : kSupportedFeatures) features.push_back({{"name", name}});
  json status = current.is_object() ? current : json::object();
  status["conditions"] = with_transition_times(json::array({condition("Accepted", {true, "Accepted", ""}, wanted.generation)}),
                                               field(current, "conditions"), now);
  status["supportedFeatures"] = features;
  return status;
}

json gateway_status(const json& current, const translate::GatewayStatus& wanted, bool programmed,
                    const translate::LoadBalancerStatus& addresses, const std::string& now) {
  const bool all_usable = std::all_of(wanted.listeners.begin(), wanted.listeners.end(),
                                      [](const translate::ListenerStatus& listener) { return listener.accepted.status; });
  // A listener that cannot be served leaves the Gateway Accepted (ListenersNotValid, True): the
  // spec lets one invalid listener fail alone, and the conformance suite expects a Gateway whose
  // listeners are all of a protocol snigate does not serve to be Accepted and Programmed, with the
  // listeners saying why. Programmed says whether the dataplane holds what the Gateway routes.
  const Condition accepted = all_usable ? Condition{true, "Accepted", ""}
                                        : Condition{true, "ListenersNotValid", "some listeners cannot be served: see status.listeners"};
  if (wanted.unprogrammable) programmed = false;
  const Condition gateway_programmed = wanted.unprogrammable ? *wanted.unprogrammable
                                       : programmed          ? Condition{true, "Programmed", ""}
                                                             : Condition{false, "Pending", "the dataplane has not acknowledged the routes yet"};
  json status = json::object();
  if (!addresses.empty()) {
    json list = json::array();
    for (const auto& address : addresses) {
      if (!address.ip.empty()) list.push_back({{"type", "IPAddress"}, {"value", address.ip}});
      else list.push_back({{"type", "Hostname"}, {"value", address.hostname}});
    }
    status["addresses"] = list;
  }
  status["conditions"] = with_transition_times(
      json::array({condition("Accepted", accepted, wanted.generation), condition("Programmed", gateway_programmed, wanted.generation)}),
      field(current, "conditions"), now);
  json listeners = json::array();
  for (const auto& listener : wanted.listeners) {
    json shown;
    for (const auto& entry : field(current, "listeners")) {
      if (entry.is_object() && entry.value("name", "") == listener.name) shown = entry;
    }
    listeners.push_back(listener_status(shown, listener, wanted.generation, programmed, now));
  }
  status["listeners"] = listeners;
  return status;
}

json tls_route_status(const json& current, const translate::TLSRouteStatus& wanted, const std::string& controller_name,
                      const std::string& now) {
  json parents = json::array();
  const json& shown = field(current, "parents");
  if (shown.is_array()) {
    for (const auto& entry : shown) {
      if (!entry.is_object() || entry.value("controllerName", "") != controller_name) parents.push_back(entry);
    }
  }
  for (const auto& parent : wanted.parents) {
    const json ref = parent_ref(parent.parent);
    json old_conditions;
    if (shown.is_array()) {
      for (const auto& entry : shown) {
        if (entry.is_object() && entry.value("controllerName", "") == controller_name && field(entry, "parentRef") == ref) {
          old_conditions = field(entry, "conditions");
        }
      }
    }
    parents.push_back({{"parentRef", ref},
                       {"controllerName", controller_name},
                       {"conditions", with_transition_times(json::array({condition("Accepted", parent.accepted, wanted.generation),
                                                             condition("ResolvedRefs", parent.resolved_refs, wanted.generation)}),
                                                            old_conditions, now)}});
  }
  json status = current.is_object() ? current : json::object();
  status["parents"] = parents;
  return status;
}

}  // namespace snigate::controller::kube
