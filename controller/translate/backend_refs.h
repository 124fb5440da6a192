// A TLSRoute's backendRefs to the weighted backends of its route. Each ref is a Service in the
// route's namespace, or in another one that a ReferenceGrant opens to TLSRoutes of the route's
// namespace; its weight is shared out among the Service's ready endpoints. A ref that cannot be
// used gives its share to no one outside the route: the route's other usable refs take it, and
// with none the route has no backends (its clients are refused).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "model/cluster_state.h"
#include "snapshot/snapshot.h"
#include "translate/claims.h"
#include "translate/gateway_api_status.h"

namespace snigate::controller::translate {

// The heaviest endpoint's weight before the weights are reduced by their common divisor: an
// endpoint's share is resolved to 1/kEndpointWeightScale of the heaviest's, and is never 0.
inline constexpr std::int64_t kEndpointWeightScale = 10'000;

struct ResolvedBackendRefs {
  std::vector<snapshot::Backend> backends;  // sorted by address and port, each once
  Condition resolved_refs;                  // ResolvedRefs, or the first ref's InvalidKind, RefNotPermitted, BackendNotFound
};

// Problems go to `claims`, reported on `route`.
ResolvedBackendRefs resolve_backend_refs(const model::ClusterState& state, const model::TLSRoute& route, Claims& claims);

// "namespace/name" of every Service the route's backendRefs name.
void add_referenced_services(const model::TLSRoute& route, std::set<std::string, std::less<>>& services);

}  // namespace snigate::controller::translate
