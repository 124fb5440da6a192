// Settles competing claims deterministically: a claim on a name not delegated to its namespace is
// refused; of the rest, for each hostname on each dataplane port (routes[].listen_port) the oldest
// claimant wins (creationTimestamp, then namespace/name), whether or not its backends are up. Every
// loser is reported.
// ALPN claims join the route of their name only from the namespace that owns the name (the
// winner's, or without one the oldest ALPN claimant's): a tenant cannot take another tenant's
// "acme-tls/1" clients, which would let it obtain certificates for the other tenant's names. Of
// ALPN claims on the same protocol, the oldest wins.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <string>
#include <vector>

#include "translate/claims.h"
#include "translate/hostname_delegation.h"

namespace snigate::controller::translate {

// The claims on each hostname, kept up to date as their owners' claims are derived again, so that
// settling 12,000 names after one change is a walk in hostname order, not a sort.
class HostnameClaims {
 public:
  // `claim` must stay where it is until it is removed.
  void add(const RouteClaim& claim);
  void remove(const RouteClaim& claim);
  void clear() { claims_.clear(); }

  // Fills the snapshot's routes (sorted by hostname) with each name's winner; adds one
  // HostnameNotDelegated or HostnameConflict problem per refused claim.
  void settle(const HostnameDelegation& delegation, snapshot::Snapshot& snapshot, std::vector<Problem>& problems) const;

 private:
  // By hostname and listen_port (claims on different dataplane ports, a Gateway's own address each,
  // never compete); each name's claims in the order they were added (the first among equals wins).
  using Key = std::pair<std::string, std::uint16_t>;
  static Key key_of(const RouteClaim& claim) { return {claim.route.hostname, claim.route.listen_port}; }
  std::map<Key, std::vector<const RouteClaim*>> claims_;
};

}  // namespace snigate::controller::translate
