// Settles competing claims deterministically: a claim on a name not delegated to its namespace is
// refused; of the rest, for each hostname the oldest claimant wins (creationTimestamp, then
// namespace/name), whether or not its backends are up. Every loser is reported.
#pragma once

#include "translate/claims.h"
#include "translate/hostname_delegation.h"

namespace snigate::controller::translate {

// Fills the snapshot's routes (sorted by hostname) from `claims`, which point into their owners'
// Claims; adds one HostnameNotDelegated or HostnameConflict problem per refused claim.
void settle_conflicts(std::vector<const RouteClaim*> claims, const HostnameDelegation& delegation, snapshot::Snapshot& snapshot,
                      std::vector<Problem>& problems);

}  // namespace snigate::controller::translate
