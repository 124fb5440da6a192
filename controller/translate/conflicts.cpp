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

// Adds `claim`'s protocols that no older ALPN claim took to `route`, if its namespace owns the name.
void add_alpn_route(const std::string& hostname, const RouteClaim& claim, const ObjectRef& owner, snapshot::Route& route,
                    std::vector<Problem>& problems) {
  if (claim.owner.namespace_name != owner.namespace_name) {
    problems.push_back({claim.owner, "HostnameConflict",
                        "hostname " + hostname + " belongs to namespace " + owner.namespace_name + " (" + owner.kind + " " +
                            owner.qualified_name() + "): an ALPN route for it must be in that namespace"});
    return;
  }
  snapshot::AlpnRoute alpn{{}, claim.route.backends, claim.route.proxy_protocol};
  std::vector<std::string> taken;
  for (const auto& protocol : claim.alpn) {
    const bool free = std::none_of(route.alpn_routes.begin(), route.alpn_routes.end(), [&](const snapshot::AlpnRoute& older) {
      return std::find(older.protocols.begin(), older.protocols.end(), protocol) != older.protocols.end();
    });
    (free ? alpn.protocols : taken).push_back(protocol);
  }
  if (!taken.empty()) {
    problems.push_back({claim.owner, "HostnameConflict",
                        "ALPN protocol(s) " + listed(taken) + " of hostname " + hostname + " are already routed by an older claim"});
  }
  if (alpn.protocols.empty()) return;
  if (route.alpn_routes.size() == snapshot::kMaxAlpnRoutes) {
    problems.push_back({claim.owner, "TooManyAlpnRoutes",
                        "hostname " + hostname + " already has " + std::to_string(snapshot::kMaxAlpnRoutes) + " ALPN routes"});
    return;
  }
  route.alpn_routes.push_back(std::move(alpn));
}

}  // namespace

void HostnameClaims::add(const RouteClaim& claim) { claims_[key_of(claim)].push_back(&claim); }

void HostnameClaims::remove(const RouteClaim& claim) {
  const auto found = claims_.find(key_of(claim));
  if (found == claims_.end()) return;
  std::erase(found->second, &claim);
  if (found->second.empty()) claims_.erase(found);
}

void HostnameClaims::settle(const HostnameDelegation& delegation, snapshot::Snapshot& snapshot,
                            std::vector<Problem>& problems) const {
  snapshot.routes.reserve(claims_.size());
  std::vector<const RouteClaim*> allowed;
  for (const auto& [key, claims] : claims_) {
    const std::string& hostname = key.first;
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
    std::stable_sort(allowed.begin(), allowed.end(),
              [](const RouteClaim* left, const RouteClaim* right) { return older_than(left->owner, right->owner); });
    const auto plain = std::find_if(allowed.begin(), allowed.end(), [](const RouteClaim* claim) { return claim->alpn.empty(); });
    const RouteClaim* owner = plain != allowed.end() ? *plain : allowed.front();
    snapshot::Route route = owner->route;
    if (!owner->alpn.empty()) {  // only ALPN claims: the name is held, its other clients refused
      route.backends.clear();
      route.proxy_protocol = snapshot::ProxyProtocol::none;
      route.allow_source_ranges.clear();
    }
    for (const RouteClaim* claim : allowed) {
      if (claim->alpn.empty()) {
        if (claim == owner || claim->owner == owner->owner) continue;  // one object naming a host twice is no conflict
        problems.push_back({claim->owner, "HostnameConflict",
                            "hostname " + hostname + " is already routed by " + owner->owner.kind + " " +
                                owner->owner.qualified_name() + ", which is older"});
      } else {
        add_alpn_route(hostname, *claim, owner->owner, route, problems);
      }
    }
    snapshot.routes.push_back(std::move(route));
  }
}

}  // namespace snigate::controller::translate
