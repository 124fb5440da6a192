// The status of our Gateway API objects as the API spells it: each function takes the status the
// object shows now and returns the one it should show, keeping what is not ours (other
// controllers' TLSRoute parents) and each condition's lastTransitionTime while its status holds.
// The caller writes only when the two differ.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "translate/gateway_api_status.h"
#include "translate/status.h"

namespace snigate::controller::kube {

// The conformance features snigate claims (sigs.k8s.io/gateway-api pkg/features), sorted by
// name as status.supportedFeatures must be.
inline const std::vector<std::string> kSupportedFeatures = {"Gateway", "ReferenceGrant", "TLSRoute"};

// Accepted, and supportedFeatures as [{name: ...}].
nlohmann::json gateway_class_status(const nlohmann::json& current, const translate::GatewayClassStatus& wanted, const std::string& now);

// Accepted (Accepted; ListenersNotValid, still True, while some listener cannot be served),
// Programmed (True once `programmed`: the dataplane holds the routes; else Pending, or the
// Gateway's own reason: AddressNotAssigned, NoResources), `addresses`, and
// per listener Accepted, ResolvedRefs, Conflicted (NoConflicts) and Programmed.
nlohmann::json gateway_status(const nlohmann::json& current, const translate::GatewayStatus& wanted, bool programmed,
                              const translate::LoadBalancerStatus& addresses, const std::string& now);

// status.parents: the entries of other controllers kept as they are, ours (`controller_name`)
// replaced by one per parentRef of ours with Accepted and ResolvedRefs.
nlohmann::json tls_route_status(const nlohmann::json& current, const translate::TLSRouteStatus& wanted,
                                const std::string& controller_name, const std::string& now);

}  // namespace snigate::controller::kube
