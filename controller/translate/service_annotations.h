// Services annotated with snigate.io/hostnames: each listed name routes to the Service's port
// (snigate.io/port), through its endpoints or its ClusterIP (snigate.io/upstream).
#pragma once

#include "translate/claims.h"
#include "translate/cluster_state.h"

namespace snigate::controller::translate {

void claim_annotated_services(const ClusterState& state, Claims& claims);

}  // namespace snigate::controller::translate
