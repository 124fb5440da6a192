// The route snapshot: the one contract between snigate-controller and snigate-dataplane.
// Both programs encode and decode it here; docs/snapshot.md describes the same format for humans.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "snapshot/source_range.h"

namespace snigate::snapshot {

inline constexpr int kFormatVersion = 1;
inline constexpr std::uint32_t kMaxWeight = 1'000'000;
// ALPN routes per route, and protocols per ALPN route, at most.
inline constexpr std::size_t kMaxAlpnRoutes = 16;
inline constexpr std::size_t kMaxAlpnProtocols = 16;
inline constexpr std::uint32_t kMaxRouteConnections = 10'000'000;
inline constexpr std::uint32_t kMaxRouteTimeoutMs = 7 * 24 * 3600 * 1000;  // a week
inline constexpr std::uint32_t kMaxSourceRatePeriodMs = 3600 * 1000;  // an hour
inline constexpr std::uint32_t kMaxSourceRateConnections = 1'000'000;

enum class ProxyProtocol { none, v1, v2 };
// single_label: "*.example.com" matches "a.example.com" only; suffix: any depth (Gateway API).
enum class Wildcard { single_label, suffix };
// How the route refuses a client (no backends, over a limit, outside its source ranges): alert: a
// fatal TLS alert that says why; close: the connection is closed without one, as the Gateway API's
// conformance suite expects of a TLSRoute whose backends are invalid ("reject the connection").
enum class Refusal { alert, close };

struct Backend {
  std::string address;  // an IPv4 or IPv6 literal, never a name
  std::uint16_t port = 0;
  std::uint32_t weight = 1;
  bool operator==(const Backend&) const = default;
};

// Where a route's clients go when they offer one of `protocols` in their ALPN extension (an ACME
// TLS-ALPN-01 solver for "acme-tls/1", say) instead of to the route's own backends.
struct AlpnRoute {
  std::vector<std::string> protocols;  // 1-255 printable ASCII bytes each, unique within the route
  std::vector<Backend> backends;       // empty: those clients are refused
  ProxyProtocol proxy_protocol = ProxyProtocol::none;
  bool operator==(const AlpnRoute&) const = default;
};

// How many connections one client address may open per period. A client over it gets a fatal
// internal_error alert and is counted as source_rate_limited.
struct SourceConnectionRate {
  std::uint32_t connections = 0;  // per period; 0: no limit
  std::uint32_t period_ms = 0;
  std::uint32_t burst = 0;  // admitted at once from a quiet address: at least 1
  bool operator==(const SourceConnectionRate&) const = default;
  bool limits() const { return connections > 0; }
};

struct Route {
  std::string hostname;  // normalized: lower case, no trailing dot; "*." prefix for wildcards
  Wildcard wildcard = Wildcard::single_label;  // meaningful for wildcard hostnames only
  std::vector<Backend> backends;
  ProxyProtocol proxy_protocol = ProxyProtocol::none;
  // Empty: every client. Otherwise only clients inside one of them; the rest get a fatal
  // access_denied alert.
  std::vector<SourceRange> allow_source_ranges;
  // Tried in order before the route's own backends: the first that lists any protocol the client
  // offers takes the client. Not limited by allow_source_ranges.
  std::vector<AlpnRoute> alpn_routes;
  // 0: no limit. Otherwise a client that would be one more open connection of the route (its
  // ALPN routes' included) gets a fatal internal_error alert.
  std::uint32_t max_connections = 0;
  // 0: the dataplane's --connect-timeout and --idle-timeout. Otherwise the route's own, for its
  // ALPN routes too (the connect budget of all attempts stays the dataplane's).
  std::uint32_t connect_timeout_ms = 0;
  std::uint32_t idle_timeout_ms = 0;
  // Per client address (IPv6 clients by their /64), over the route and its ALPN routes together.
  SourceConnectionRate source_connection_rate;
  Refusal refusal = Refusal::alert;
  // 0: none. Otherwise the weight of a share of the route's clients that is refused (as when it
  // has no backends) rather than sent to `backends`: of every refused_weight + the backends'
  // weights connections, refused_weight are refused. The Gateway API's invalid backendRefs.
  std::uint32_t refused_weight = 0;
  // 0: the route is unscoped, served by the plain listeners (--listen, --proxy-protocol-listen).
  // Otherwise only by the --scoped-listen listeners on this port, and by no others: a Gateway
  // API Gateway's own address, never shared with other Gateways' routes or the default backend.
  std::uint16_t listen_port = 0;
  bool operator==(const Route&) const = default;
  bool is_wildcard() const { return hostname.starts_with("*."); }
};

struct DefaultBackend {
  std::vector<Backend> backends;
  ProxyProtocol proxy_protocol = ProxyProtocol::none;
  bool operator==(const DefaultBackend&) const = default;
};

struct Snapshot {
  std::uint64_t generation = 0;
  std::vector<Route> routes;
  std::optional<DefaultBackend> default_backend;
  bool operator==(const Snapshot&) const = default;
};

// Why a document was refused, with enough context to find the offending field.
class InvalidSnapshot : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses and validates a JSON document; throws InvalidSnapshot with the reason.
// Hostnames are normalized (lower case, trailing dot removed) on the way in.
Snapshot decode(std::string_view json);

// Serializes to the canonical JSON document (decode(encode(s)) == s).
std::string encode(const Snapshot& snapshot);

// Why `address` cannot be a backend (not an IP literal; unspecified, broadcast or multicast, also
// as an IPv4-mapped IPv6 address), or nullopt when it can. decode refuses such backends; the
// controller leaves them out of what it translates.
std::optional<std::string_view> backend_address_problem(const std::string& address);

// An ALPN protocol name a route may list: 1-255 printable ASCII characters. The controller checks
// annotations with the same rule, so that what it sends is never refused.
bool is_valid_alpn_protocol(std::string_view name);

std::string_view to_string(ProxyProtocol protocol);
std::string_view to_string(Wildcard wildcard);
std::string_view to_string(Refusal refusal);

}  // namespace snigate::snapshot
