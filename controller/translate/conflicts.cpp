#include "translate/conflicts.h"

#include <map>

#include "translate/object_fields.h"

namespace snigate::controller::translate {
namespace {

std::string listed(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace

void settle_conflicts(std::vector<const RouteClaim*> claims, const HostnameDelegation& delegation, snapshot::Snapshot& snapshot,
                      std::vector<Problem>& problems) {
  std::vector<const RouteClaim*> allowed;
  allowed.reserve(claims.size());
  for (const RouteClaim* claim : claims) {
    if (delegation.allows(claim->owner.namespace_name, claim->route.hostname)) {
      allowed.push_back(claim);
    } else {
      problems.push_back({claim->owner, "HostnameNotDelegated",
                          "hostname " + claim->route.hostname + " is delegated to namespace(s) " +
                              listed(delegation.delegates_of(claim->route.hostname)) + " (--hostname-delegation), not to " +
                              claim->owner.namespace_name});
    }
  }
  // The oldest claim of each name wins (the first seen among equals). Age is compared only where
  // names collide, and losers are reported against the final winner of their name.
  std::map<std::string_view, const RouteClaim*> winners;
  std::vector<const RouteClaim*> losers;
  for (const RouteClaim* claim : allowed) {
    const auto [winner, inserted] = winners.emplace(claim->route.hostname, claim);
    if (inserted) continue;
    if (older_than(claim->owner, winner->second->owner)) {
      losers.push_back(winner->second);
      winner->second = claim;
    } else {
      losers.push_back(claim);
    }
  }
  for (const RouteClaim* claim : losers) {
    const RouteClaim* winner = winners.at(claim->route.hostname);
    if (winner->owner == claim->owner) continue;  // one object naming a host twice is no conflict
    problems.push_back({claim->owner, "HostnameConflict",
                        "hostname " + claim->route.hostname + " is already routed by " + winner->owner.kind + " " +
                            winner->owner.qualified_name() + ", which is older"});
  }
  snapshot.routes.reserve(winners.size());
  for (const auto& [hostname, claim] : winners) snapshot.routes.push_back(claim->route);
}

}  // namespace snigate::controller::translate
