// Ingresses of our class: each rule's host routes to its backend Service (an SNI proxy sees no
// paths, so the first path naming a Service wins). A host of ours stays ours while its backend
// cannot be resolved: its clients are refused. spec.defaultBackend serves the Ingress's own rules
// without paths, never names that no route matches (that catch-all is the operator's).
#pragma once

#include <string>
#include <vector>

#include "model/cluster_state.h"
#include "translate/claims.h"

namespace snigate::controller::translate {

struct IngressClassSelection {
  std::string controller_name;  // IngressClass spec.controller that is ours
  std::string ingress_class;    // the deprecated kubernetes.io/ingress.class annotation value that is ours
};

// Whether the Ingress is ours: spec.ingressClassName naming one of our IngressClasses; else the
// deprecated annotation equal to ours; else, with neither, when our class is the default class.
bool is_our_ingress(const model::ClusterState& state, const model::Ingress& ingress, const IngressClassSelection& selection);

// An Ingress whose status is ours to write, with the status it has now.
struct OurIngress {
  ObjectRef object;
  std::vector<model::LoadBalancerIngress> load_balancer;
  bool operator==(const OurIngress&) const = default;
};

// The claims of one Ingress of ours (see is_our_ingress); returns what its status needs.
OurIngress claim_ingress(const model::ClusterState& state, const model::Ingress& ingress, Claims& claims);

// The Services ("namespace/name") whose inputs a claim of this Ingress depends on.
std::vector<std::string> referenced_services(const model::Ingress& ingress);

}  // namespace snigate::controller::translate
