#include "translate/conflicts.h"

#include <algorithm>
#include <map>

#include "translate/object_fields.h"

namespace snigate::controller::translate {
namespace {

template <typename Claim>
void oldest_first(std::vector<Claim>& claims) {
  std::stable_sort(claims.begin(), claims.end(),
                   [](const Claim& left, const Claim& right) { return older_than(left.owner, right.owner); });
}

}  // namespace

void settle_conflicts(Claims& claims, snapshot::Snapshot& snapshot) {
  oldest_first(claims.routes);
  std::map<std::string, const RouteClaim*> winners;
  for (const auto& claim : claims.routes) {
    const auto [winner, inserted] = winners.emplace(claim.route.hostname, &claim);
    if (inserted || winner->second->owner == claim.owner) continue;
    claims.report(claim.owner, "HostnameConflict",
                  "hostname " + claim.route.hostname + " is already routed by " + winner->second->owner.kind + " " +
                      winner->second->owner.qualified_name() + ", which is older");
  }
  for (const auto& [hostname, claim] : winners) snapshot.routes.push_back(claim->route);

  oldest_first(claims.default_backends);
  for (const auto& claim : claims.default_backends) {
    if (!snapshot.default_backend) {
      snapshot.default_backend = claim.backend;
      continue;
    }
    const ObjectRef& winner = claims.default_backends.front().owner;
    claims.report(claim.owner, "DefaultBackendConflict",
                  "the default backend is already set by " + winner.kind + " " + winner.qualified_name() + ", which is older");
  }
}

}  // namespace snigate::controller::translate
