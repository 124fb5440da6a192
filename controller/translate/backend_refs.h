// A TLSRoute's backendRefs to the weighted backends of its route. Each ref is a Service in the
// route's namespace, or in another one that a ReferenceGrant opens to TLSRoutes of the route's
// namespace; its weight is shared out among the Service's ready endpoints. A ref that cannot be
// used (or whose Service has no ready endpoint) has its share of the connections refused, as the
// Gateway API asks: never sent elsewhere; with no usable ref the route has no backends at all.
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
  std::uint32_t refused_weight = 0;         // the unusable refs' share on the backends' scale (Route::refused_weight)
};

// Problems go to `claims`, reported on `route`.
ResolvedBackendRefs resolve_backend_refs(const model::ClusterState& state, const model::TLSRoute& route, Claims& claims);

// "namespace/name" of every Service the route's backendRefs name.
void add_referenced_services(const model::TLSRoute& route, std::set<std::string, std::less<>>& services);

}  // namespace snigate::controller::translate
