// Services annotated with snigate.io/hostnames: each listed name routes to the Service's port
// (snigate.io/port), through its endpoints or its ClusterIP (snigate.io/upstream). A Service that
// names a hostname holds it even when it has nothing to route to: its clients are then refused.
#pragma once

#include "model/cluster_state.h"
#include "translate/claims.h"

namespace snigate::controller::translate {

// The claims of one Service (none without the annotation); they depend on the Service and its
// EndpointSlices only, so a translator may keep them until those change.
void claim_annotated_service(const model::ClusterState& state, const model::Service& service, Claims& claims);

}  // namespace snigate::controller::translate
