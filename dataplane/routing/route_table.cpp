#include "routing/route_table.h"

#include "snapshot/hostname.h"

namespace snigate::routing {
namespace {

std::vector<std::uint32_t> weights_of(const std::vector<snapshot::Backend>& backends) {
  std::vector<std::uint32_t> weights;
  for (const auto& backend : backends) weights.push_back(backend.weight);
  return weights;
}

}  // namespace

RouteTarget::RouteTarget(std::string name, const std::vector<snapshot::Backend>& backends,
                         snapshot::ProxyProtocol proxy_protocol, std::size_t workers)
    : name_(std::move(name)), source_backends_(backends), proxy_protocol_(proxy_protocol) {
  for (const auto& backend : backends) {
    backends_.emplace_back(boost::asio::ip::make_address(backend.address), backend.port);
  }
  auto weights = weights_of(backends);
  balancers_.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i) balancers_.push_back(WorkerBalancer{BackendBalancer(weights)});
}

RouteTable::Target RouteTable::target_for(const snapshot::Route& route, std::size_t workers, const RouteTable* previous) const {
  if (previous != nullptr) {
    if (route.is_wildcard()) {
      const auto found = previous->wildcards_.find(std::string_view(route.hostname).substr(2));
      if (found != previous->wildcards_.end() && found->second.mode == route.wildcard &&
          found->second.target->serves(route.backends, route.proxy_protocol)) {
        return found->second.target;
      }
    } else if (const auto found = previous->exact_.find(route.hostname);
               found != previous->exact_.end() && found->second->serves(route.backends, route.proxy_protocol)) {
      return found->second;
    }
  }
  return std::make_shared<const RouteTarget>(route.hostname, route.backends, route.proxy_protocol, workers);
}

RouteTable::RouteTable(snapshot::Snapshot snapshot, std::size_t workers, const RouteTable* previous)
    : snapshot_(std::move(snapshot)) {
  exact_.reserve(snapshot_.routes.size());
  for (const auto& route : snapshot_.routes) {
    Target target = target_for(route, workers, previous);
    if (route.is_wildcard()) {
      wildcards_.emplace(route.hostname.substr(2), WildcardTarget{route.wildcard, std::move(target)});
    } else {
      exact_.emplace(route.hostname, std::move(target));
    }
  }
  if (snapshot_.default_backend) {
    const auto& wanted = *snapshot_.default_backend;
    if (previous != nullptr && previous->default_ && previous->default_->serves(wanted.backends, wanted.proxy_protocol)) {
      default_ = previous->default_;
    } else {
      default_ = std::make_shared<const RouteTarget>("default", wanted.backends, wanted.proxy_protocol, workers);
    }
  }
}

std::shared_ptr<const RouteTarget> RouteTable::find(std::string_view server_name) const {
  if (server_name.empty()) return default_;
  std::string name = hostname::fold(server_name);
  if (auto it = exact_.find(name); it != exact_.end()) return it->second;

  // Walk the parents from the longest: the first is the one-label parent, which either wildcard mode
  // matches; deeper parents only match suffix wildcards.
  std::string_view rest = name;
  bool immediate_parent = true;
  for (auto dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
    rest.remove_prefix(dot + 1);
    if (auto it = wildcards_.find(rest); it != wildcards_.end()) {
      if (immediate_parent || it->second.mode == snapshot::Wildcard::suffix) return it->second.target;
    }
    immediate_parent = false;
  }
  return default_;
}

}  // namespace snigate::routing
