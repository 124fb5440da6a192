#include "translate/conflicts.h"

#include <algorithm>

#include "translate/object_fields.h"

namespace snigate::controller::translate {
namespace {

std::string listed(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace

void HostnameClaims::add(const RouteClaim& claim) { claims_[claim.route.hostname].push_back(&claim); }

void HostnameClaims::remove(const RouteClaim& claim) {
  const auto found = claims_.find(claim.route.hostname);
  if (found == claims_.end()) return;
  std::erase(found->second, &claim);
  if (found->second.empty()) claims_.erase(found);
}

void HostnameClaims::settle(const HostnameDelegation& delegation, snapshot::Snapshot& snapshot,
                            std::vector<Problem>& problems) const {
  snapshot.routes.reserve(claims_.size());
  std::vector<const RouteClaim*> allowed;
  for (const auto& [hostname, claims] : claims_) {
    allowed.clear();
    for (const RouteClaim* claim : claims) {
      if (delegation.allows(claim->owner.namespace_name, hostname)) {
        allowed.push_back(claim);
      } else {
        problems.push_back({claim->owner, "HostnameNotDelegated",
                            "hostname " + hostname + " is delegated to namespace(s) " + listed(delegation.delegates_of(hostname)) +
                                " (--hostname-delegation), not to " + claim->owner.namespace_name});
      }
    }
    if (allowed.empty()) continue;
    const RouteClaim* winner = *std::min_element(allowed.begin(), allowed.end(), [](const RouteClaim* left, const RouteClaim* right) {
      return older_than(left->owner, right->owner);
    });
    snapshot.routes.push_back(winner->route);
    for (const RouteClaim* claim : allowed) {
      if (claim->owner == winner->owner) continue;  // one object naming a host twice is no conflict
      problems.push_back({claim->owner, "HostnameConflict",
                          "hostname " + hostname + " is already routed by " + winner->owner.kind + " " +
                              winner->owner.qualified_name() + ", which is older"});
    }
  }
}

}  // namespace snigate::controller::translate
