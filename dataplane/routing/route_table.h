// An immutable, validated route table built from one snapshot: answers "which backends serve this
// server name?" for every worker. Swapped whole when a new snapshot arrives.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "metrics/worker_metrics.h"
#include "routing/backend_balancer.h"
#include "routing/listen_scope.h"
#include "routing/source_rate_limiter.h"
#include "snapshot/snapshot.h"

namespace snigate::routing {

// What a route limits beyond where it leads; zero: none, or the dataplane's flag.
struct RouteLimits {
  std::uint32_t max_connections = 0;
  std::chrono::milliseconds connect_timeout{0};
  std::chrono::milliseconds idle_timeout{0};
  snapshot::SourceConnectionRate source_connection_rate{};
  snapshot::Refusal refusal = snapshot::Refusal::alert;  // how a client over them (or without a backend) is turned away
  std::uint32_t refused_weight = 0;  // the share of clients refused, beside the backends' weights
  bool operator==(const RouteLimits&) const = default;
  static RouteLimits of(const snapshot::Route& route) {
    return {route.max_connections, std::chrono::milliseconds(route.connect_timeout_ms),
            std::chrono::milliseconds(route.idle_timeout_ms), route.source_connection_rate, route.refusal,
            route.refused_weight};
  }
};

// One route's destination. Backend choice state is kept per worker (each worker only touches its
// own slot), so lookups and picks need no locks. A target is shared by every table whose snapshot
// has its route unchanged, so its balancers keep their place across snapshots.
class RouteTarget {
 public:
  // Worker w starts at backend (first + w * backends / workers) % backends: see BackendBalancer.
  // `metrics` and `source_rate`: those of the route this target replaces (its counters, and how
  // many connections each client has just opened), or nullptr for new ones.
  // Each of `alpn_routes` becomes a target of its own, counted with this one.
  RouteTarget(std::string name, const std::vector<snapshot::Backend>& backends,
              snapshot::ProxyProtocol proxy_protocol, std::vector<snapshot::SourceRange> allow_source_ranges,
              std::vector<snapshot::AlpnRoute> alpn_routes, std::size_t workers, std::size_t first = 0,
              std::shared_ptr<metrics::RouteMetrics> metrics = nullptr, RouteLimits limits = {},
              std::shared_ptr<SourceRateLimiter> source_rate = nullptr);

  const std::string& name() const { return name_; }  // target_name(route), or "default"
  // Whether this target serves exactly what the route (or default backend) asks for.
  bool serves(const std::vector<snapshot::Backend>& backends, snapshot::ProxyProtocol proxy_protocol,
              const std::vector<snapshot::SourceRange>& allow_source_ranges,
              const std::vector<snapshot::AlpnRoute>& alpn_routes, const RouteLimits& limits) const {
    return source_backends_ == backends && proxy_protocol_ == proxy_protocol &&
           allow_source_ranges_ == allow_source_ranges && source_alpn_routes_ == alpn_routes && limits_ == limits;
  }
  const RouteLimits& limits() const { return limits_; }
  const std::vector<boost::asio::ip::tcp::endpoint>& backends() const { return backends_; }
  snapshot::ProxyProtocol proxy_protocol() const { return proxy_protocol_; }
  // Whether a client at `address` may use this route (IPv4-mapped IPv6 clients unmapped first).
  bool admits(const boost::asio::ip::address& address) const;
  // Whether the route's source_connection_rate lets `address` open a connection now (and counts
  // it). Shared by all workers: a route without the limit takes no lock.
  bool admits_rate(const boost::asio::ip::address& address, SourceRateLimiter::Clock::time_point now) const {
    return !source_rate_ || source_rate_->admit(address, limits_.source_connection_rate, now);
  }
  const std::shared_ptr<SourceRateLimiter>& source_rate() const { return source_rate_; }
  // The target of the first ALPN route listing a protocol the client offers (of the first
  // kAlpnProtocolsConsidered it offers), or nullptr: the client stays with this target.
  std::shared_ptr<const RouteTarget> for_alpn(const std::vector<std::string>& offered) const;
  static constexpr std::size_t kAlpnProtocolsConsidered = 32;

  // The backend `worker` should try first; on failure callers continue with the following ones.
  // backends().size() when the pick falls on the route's refused_weight: that client is refused.
  std::size_t first_backend(std::size_t worker) const { return balancer_.pick(worker); }

  // The route's counters: `worker`'s own, written on its thread only; all of them, for a scrape.
  metrics::RouteCounters& counters(std::size_t worker) const { return metrics_->of(worker); }
  const std::shared_ptr<metrics::RouteMetrics>& metrics() const { return metrics_; }

 private:

  std::string name_;
  std::vector<snapshot::Backend> source_backends_;
  std::vector<boost::asio::ip::tcp::endpoint> backends_;
  snapshot::ProxyProtocol proxy_protocol_;
  std::vector<snapshot::SourceRange> allow_source_ranges_;
  std::vector<snapshot::AlpnRoute> source_alpn_routes_;
  std::vector<std::shared_ptr<const RouteTarget>> alpn_targets_;  // one per source_alpn_routes_ entry
  mutable BackendBalancer balancer_;  // each worker writes only its own cache lines of it
  std::shared_ptr<metrics::RouteMetrics> metrics_;
  RouteLimits limits_;
  std::shared_ptr<SourceRateLimiter> source_rate_;  // null without a source_connection_rate
};

// The name a route's target is counted and logged under: its hostname, or "HOSTNAME@PORT" for a
// scoped route, so that it never shares a metrics series with the unscoped route of that name.
std::string target_name(const snapshot::Route& route);

class RouteTable {
 public:
  // Routes that `previous` holds unchanged keep their targets: a snapshot of 12,000 routes that
  // changes one builds one target, not 12,000 (and those keep their balancer state). A new target
  // starts its rotation at a random backend, so that a route changed before every connection does
  // not send every first connection to its first backend.
  RouteTable(snapshot::Snapshot snapshot, std::size_t workers, const RouteTable* previous = nullptr);

  // Within the scope, exact names win over wildcards, longer wildcards over shorter; no SNI or no
  // match falls back to the default backend, which serves the unscoped listeners only. nullptr
  // means the client must be refused.
  const RouteTarget* lookup(ListenScope scope, std::string_view server_name) const {
    return find(scope, server_name).get();
  }
  const RouteTarget* lookup(std::string_view server_name) const { return lookup(kUnscoped, server_name); }
  // The same target, owned: a connection keeps its route, not the table, once it has routed.
  std::shared_ptr<const RouteTarget> find(ListenScope scope, std::string_view server_name) const {
    // All the scoped listeners cost the plain ones: this branch (no allocation, no map lookup).
    if (scope == kUnscoped) return unscoped_.find(server_name);
    const auto names = scoped_.find(scope);
    return names != scoped_.end() ? names->second.find(server_name) : nullptr;
  }
  std::shared_ptr<const RouteTarget> find(std::string_view server_name) const { return find(kUnscoped, server_name); }

  const snapshot::Snapshot& snapshot() const { return snapshot_; }

  // Every route's target, in every scope, and the default backend's, in no particular order.
  template <typename Visit>
  void for_each_target(Visit&& visit) const {
    unscoped_.for_each_target(visit);
    for (const auto& [scope, names] : scoped_) names.for_each_target(visit);
  }

 private:
  using Target = std::shared_ptr<const RouteTarget>;
  struct WildcardTarget {
    snapshot::Wildcard mode;
    Target target;
  };
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };

  // The routes of one scope by server name, and where a name none of them has goes.
  struct NameTable {
    std::unordered_map<std::string, Target, StringHash, std::equal_to<>> exact;
    // Keyed by the part after "*.": "*.example.com" is stored under "example.com".
    std::unordered_map<std::string, WildcardTarget, StringHash, std::equal_to<>> wildcards;
    Target fallback;  // the default backend, unscoped only; null: unmatched names are refused

    Target find(std::string_view server_name) const;
    // The target stored under `route`'s hostname, whatever it serves, or nullptr.
    const Target* same_name(const snapshot::Route& route) const;
    template <typename Visit>
    void for_each_target(Visit& visit) const {
      for (const auto& [name, target] : exact) visit(*target);
      for (const auto& [name, wildcard] : wildcards) visit(*wildcard.target);
      if (fallback) visit(*fallback);
    }
  };

  // The target `previous` has for `route` (in the route's scope) if it serves the same, else a new
  // one (which keeps the counters `previous` had for the route's scope and name).
  static Target target_for(const snapshot::Route& route, std::size_t workers, const RouteTable* previous);
  // `scope`'s names in `previous`, or nullptr.
  static const NameTable* names_in(const RouteTable* previous, ListenScope scope);

  snapshot::Snapshot snapshot_;
  NameTable unscoped_;
  std::unordered_map<ListenScope, NameTable> scoped_;
};

}  // namespace snigate::routing
