#include "routing/route_table.h"

#include <algorithm>
#include <random>
#include <span>

#include "snapshot/hostname.h"

namespace snigate::routing {
namespace {

// The balancer's weights: the backends', then the refused share as one more, last.
std::vector<std::uint32_t> weights_of(const std::vector<snapshot::Backend>& backends, std::uint32_t refused_weight) {
  std::vector<std::uint32_t> weights;
  for (const auto& backend : backends) weights.push_back(backend.weight);
  if (refused_weight > 0 && !backends.empty()) weights.push_back(refused_weight);
  return weights;
}

// Where a new target's rotation starts (thread_local: the generator is not thread-safe, and tables
// may be built on more than one thread).
std::size_t random_start() {
  thread_local std::minstd_rand generator{std::random_device{}()};
  return generator();
}

}  // namespace

RouteTarget::RouteTarget(std::string name, const std::vector<snapshot::Backend>& backends,
                         snapshot::ProxyProtocol proxy_protocol,
                         std::vector<snapshot::SourceRange> allow_source_ranges,
                         std::vector<snapshot::AlpnRoute> alpn_routes, std::size_t workers, std::size_t first,
                         std::shared_ptr<metrics::RouteMetrics> metrics, RouteLimits limits,
                         std::shared_ptr<SourceRateLimiter> source_rate)
    : name_(std::move(name)),
      source_backends_(backends),
      proxy_protocol_(proxy_protocol),
      allow_source_ranges_(std::move(allow_source_ranges)),
      source_alpn_routes_(std::move(alpn_routes)),
      balancer_(weights_of(backends, limits.refused_weight), workers, first),
      metrics_(metrics ? std::move(metrics) : std::make_shared<metrics::RouteMetrics>(workers)),
      limits_(limits) {
  if (limits_.source_connection_rate.limits()) {
    source_rate_ = source_rate ? std::move(source_rate) : std::make_shared<SourceRateLimiter>();
  }
  for (const auto& backend : backends) {
    backends_.emplace_back(boost::asio::ip::make_address(backend.address), backend.port);
  }
  for (const auto& alpn : source_alpn_routes_) {
    alpn_targets_.push_back(std::make_shared<const RouteTarget>(name_, alpn.backends, alpn.proxy_protocol,
                                                                std::vector<snapshot::SourceRange>{},
                                                                std::vector<snapshot::AlpnRoute>{}, workers, first,
                                                                metrics_));
  }
}

std::shared_ptr<const RouteTarget> RouteTarget::for_alpn(const std::vector<std::string>& offered) const {
  if (alpn_targets_.empty()) return nullptr;
  const auto considered = offered.begin() + static_cast<std::ptrdiff_t>(std::min(offered.size(), kAlpnProtocolsConsidered));
  for (std::size_t i = 0; i < source_alpn_routes_.size(); ++i) {
    for (const auto& protocol : source_alpn_routes_[i].protocols) {
      if (std::find(offered.begin(), considered, protocol) != considered) return alpn_targets_[i];
    }
  }
  return nullptr;
}

bool RouteTarget::admits(const boost::asio::ip::address& address) const {
  return allow_source_ranges_.empty() || snapshot::in_ranges(allow_source_ranges_, address);
}

std::string target_name(const snapshot::Route& route) {
  if (route.listen_port == 0) return route.hostname;
  return route.hostname + "@" + std::to_string(route.listen_port);
}

const RouteTable::Target* RouteTable::NameTable::same_name(const snapshot::Route& route) const {
  if (route.is_wildcard()) {
    const auto found = wildcards.find(std::string_view(route.hostname).substr(2));
    return found != wildcards.end() ? &found->second.target : nullptr;
  }
  const auto found = exact.find(route.hostname);
  return found != exact.end() ? &found->second : nullptr;
}

const RouteTable::NameTable* RouteTable::names_in(const RouteTable* previous, ListenScope scope) {
  if (previous == nullptr) return nullptr;
  if (scope == kUnscoped) return &previous->unscoped_;
  const auto found = previous->scoped_.find(scope);
  return found != previous->scoped_.end() ? &found->second : nullptr;
}

RouteTable::Target RouteTable::target_for(const snapshot::Route& route, std::size_t workers, const RouteTable* previous) {
  const NameTable* names = names_in(previous, route.listen_port);
  const Target* before = names != nullptr ? names->same_name(route) : nullptr;
  if (before != nullptr && (*before)->serves(route.backends, route.proxy_protocol, route.allow_source_ranges, route.alpn_routes,
                                             RouteLimits::of(route)) &&
      (!route.is_wildcard() || names->wildcards.at(route.hostname.substr(2)).mode == route.wildcard)) {
    return *before;
  }
  return std::make_shared<const RouteTarget>(target_name(route), route.backends, route.proxy_protocol,
                                             route.allow_source_ranges, route.alpn_routes, workers, random_start(),
                                             before != nullptr ? (*before)->metrics() : nullptr, RouteLimits::of(route),
                                             before != nullptr ? (*before)->source_rate() : nullptr);
}

RouteTable::RouteTable(snapshot::Snapshot snapshot, std::size_t workers, const RouteTable* previous)
    : snapshot_(std::move(snapshot)) {
  unscoped_.exact.reserve(snapshot_.routes.size());
  for (const auto& route : snapshot_.routes) {
    Target target = target_for(route, workers, previous);
    NameTable& names = route.listen_port == kUnscoped ? unscoped_ : scoped_[route.listen_port];
    if (route.is_wildcard()) {
      names.wildcards.emplace(route.hostname.substr(2), WildcardTarget{route.wildcard, std::move(target)});
    } else {
      names.exact.emplace(route.hostname, std::move(target));
    }
  }
  if (snapshot_.default_backend) {
    const auto& wanted = *snapshot_.default_backend;
    const Target before = previous != nullptr ? previous->unscoped_.fallback : nullptr;
    if (before && before->serves(wanted.backends, wanted.proxy_protocol, {}, {}, RouteLimits{})) {
      unscoped_.fallback = before;
    } else {
      unscoped_.fallback = std::make_shared<const RouteTarget>(
          "default", wanted.backends, wanted.proxy_protocol, std::vector<snapshot::SourceRange>{},
          std::vector<snapshot::AlpnRoute>{}, workers, random_start(), before ? before->metrics() : nullptr);
    }
  }
}

RouteTable::Target RouteTable::NameTable::find(std::string_view server_name) const {
  if (server_name.empty()) return fallback;
  std::string name = hostname::fold(server_name);
  if (auto it = exact.find(name); it != exact.end()) return it->second;

  // Walk the parents from the longest: the first is the one-label parent, which either wildcard mode
  // matches; deeper parents only match suffix wildcards.
  std::string_view rest = name;
  bool immediate_parent = true;
  for (auto dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
    rest.remove_prefix(dot + 1);
    if (auto it = wildcards.find(rest); it != wildcards.end()) {
      if (immediate_parent || it->second.mode == snapshot::Wildcard::suffix) return it->second.target;
    }
    immediate_parent = false;
  }
  return fallback;
}

}  // namespace snigate::routing
