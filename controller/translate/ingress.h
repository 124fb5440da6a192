// Ingresses of our class: each rule's host routes to its backend Service (an SNI proxy sees no
// paths, so the first path's backend wins), and spec.defaultBackend becomes the default backend.
#pragma once

#include <string>
#include <vector>

#include "translate/claims.h"
#include "translate/cluster_state.h"

namespace snigate::controller::translate {

struct IngressClassSelection {
  std::string controller_name;  // IngressClass spec.controller that is ours
  std::string ingress_class;    // the deprecated kubernetes.io/ingress.class annotation value that is ours
};

// Whether the Ingress is ours: spec.ingressClassName naming one of our IngressClasses; else the
// deprecated annotation equal to ours; else, with neither, when our class is the default class.
bool is_our_ingress(const ClusterState& state, const nlohmann::json& ingress, const IngressClassSelection& selection);

// Claims for every Ingress of ours; returns those Ingresses (their status is ours to write).
std::vector<ObjectRef> claim_ingresses(const ClusterState& state, const IngressClassSelection& selection, Claims& claims);

}  // namespace snigate::controller::translate
