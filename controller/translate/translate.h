// The controller's one pure function: the object store in, the route snapshot out, with what
// could not be routed and why. No I/O, no clocks: the same objects give the same snapshot.
#pragma once

#include <vector>

#include "snapshot/snapshot.h"
#include "translate/cluster_state.h"
#include "translate/ingress.h"
#include "translate/problem.h"

namespace snigate::controller::translate {

struct Translation {
  snapshot::Snapshot snapshot;         // generation 0: the push client numbers snapshots
  std::vector<Problem> problems;       // sorted, without duplicates
  std::vector<ObjectRef> our_ingresses;
};

Translation translate(const ClusterState& state, const IngressClassSelection& selection);

}  // namespace snigate::controller::translate
