// The snigate.io annotations that shape a route whatever object asks for it: an annotated Service,
// an Ingress (for each of its rules) or a TLSRoute (for each of its names). One reading for the
// three, so that a limit means the same on each and a bad value is refused the same way.
#pragma once

#include <optional>

#include "model/objects.h"
#include "snapshot/snapshot.h"
#include "translate/claims.h"

namespace snigate::controller::translate {

// A route with proxy_protocol, allow_source_ranges, max_connections, connect and idle timeouts and
// source_connection_rate from `meta`'s annotations (hostname and backends left empty). nullopt when
// any of them is invalid, each reported as InvalidAnnotation on `owner`: the caller then claims its
// names without backends, refused rather than served without the limit the user asked for.
std::optional<snapshot::Route> annotated_route(const model::ObjectMeta& meta, const ObjectRef& owner, Claims& claims);

}  // namespace snigate::controller::translate
