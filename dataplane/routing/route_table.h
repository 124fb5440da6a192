// An immutable, validated route table built from one snapshot: answers "which backends serve this
// server name?" for every worker. Swapped whole when a new snapshot arrives.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "routing/backend_balancer.h"
#include "snapshot/snapshot.h"

namespace snigate::routing {

// One route's destination. Backend choice state is kept per worker (each worker only touches its
// own slot), so lookups and picks need no locks.
class RouteTarget {
 public:
  RouteTarget(std::string name, const std::vector<snapshot::Backend>& backends,
              snapshot::ProxyProtocol proxy_protocol, std::size_t workers);

  const std::string& name() const { return name_; }  // the route's hostname, or "default"
  const std::vector<boost::asio::ip::tcp::endpoint>& backends() const { return backends_; }
  snapshot::ProxyProtocol proxy_protocol() const { return proxy_protocol_; }

  // The backend `worker` should try first; on failure callers continue with the following ones.
  std::size_t first_backend(std::size_t worker) const { return balancers_[worker].balancer.pick(); }

 private:
  struct alignas(64) WorkerBalancer {
    mutable BackendBalancer balancer;
  };

  std::string name_;
  std::vector<boost::asio::ip::tcp::endpoint> backends_;
  snapshot::ProxyProtocol proxy_protocol_;
  std::vector<WorkerBalancer> balancers_;
};

class RouteTable {
 public:
  RouteTable(snapshot::Snapshot snapshot, std::size_t workers);

  // Exact names win over wildcards, longer wildcards over shorter; no SNI or no match falls back to
  // the default backend. nullptr means the client must be refused.
  const RouteTarget* lookup(std::string_view server_name) const;

  const snapshot::Snapshot& snapshot() const { return snapshot_; }

 private:
  struct WildcardTarget {
    snapshot::Wildcard mode;
    std::unique_ptr<RouteTarget> target;
  };
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };

  snapshot::Snapshot snapshot_;
  std::unordered_map<std::string, std::unique_ptr<RouteTarget>, StringHash, std::equal_to<>> exact_;
  // Keyed by the part after "*.": "*.example.com" is stored under "example.com".
  std::unordered_map<std::string, WildcardTarget, StringHash, std::equal_to<>> wildcards_;
  std::unique_ptr<RouteTarget> default_;
};

}  // namespace snigate::routing
