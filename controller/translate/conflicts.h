// Settles competing claims deterministically: for each hostname, and for the default backend,
// the oldest claimant wins (creationTimestamp, then namespace/name); every loser is reported.
#pragma once

#include "translate/claims.h"

namespace snigate::controller::translate {

// Fills the snapshot's routes (sorted by hostname) and default backend; adds one
// HostnameConflict or DefaultBackendConflict problem per losing claim.
void settle_conflicts(Claims& claims, snapshot::Snapshot& snapshot);

}  // namespace snigate::controller::translate
