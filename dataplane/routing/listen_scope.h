// Which listeners a route is served on: the port of the --scoped-listen listeners (a Gateway API
// Gateway's own address), or kUnscoped for the plain ones (--listen, --proxy-protocol-listen).
// A route is in the scope of its snapshot listen_port; a listener looks names up in its own only.
#pragma once

#include <cstdint>

namespace snigate::routing {

using ListenScope = std::uint16_t;
inline constexpr ListenScope kUnscoped = 0;

}  // namespace snigate::routing
