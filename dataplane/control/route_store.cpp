#include "control/route_store.h"

namespace snigate::control {

std::optional<std::string> RouteStore::unserved_listen_port(const snapshot::Snapshot& snapshot) const {
  for (std::size_t i = 0; i < snapshot.routes.size(); ++i) {
    const auto& route = snapshot.routes[i];
    if (route.listen_port != routing::kUnscoped && !scoped_ports_.contains(route.listen_port)) {
      return "route " + std::to_string(i) + " (\"" + route.hostname + "\"): listen_port " +
             std::to_string(route.listen_port) + " is served by no --scoped-listen";
    }
  }
  return std::nullopt;
}

std::optional<std::string> RouteStore::apply(snapshot::Snapshot snapshot, Ordering ordering) {
  std::lock_guard lock(apply_mutex_);
  auto started = std::chrono::steady_clock::now();
  if (auto unserved = unserved_listen_port(snapshot)) {
    ++stats_.rejected;
    return unserved;
  }
  const auto old = current();
  if (old && ordering == Ordering::strict) {
    const auto& current_snapshot = old->snapshot();
    bool stale = snapshot.generation < current_snapshot.generation ||
                 (snapshot.generation == current_snapshot.generation && snapshot != current_snapshot);
    if (stale) {
      ++stats_.rejected;
      return "generation " + std::to_string(snapshot.generation) + " is not newer than the current generation " +
             std::to_string(current_snapshot.generation);
    }
  }
  if (old && old->snapshot() == snapshot) {
    ++stats_.unchanged;
    return std::nullopt;
  }
  std::size_t routes = snapshot.routes.size();
  std::uint64_t generation = snapshot.generation;
  table_.store(std::make_shared<const routing::RouteTable>(std::move(snapshot), workers_, old.get()), std::memory_order_release);
  stats_.generation = generation;
  stats_.routes = routes;
  ++stats_.applied;
  stats_.last_apply_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  stats_.last_applied_at = std::chrono::system_clock::now();
  stats_.ready = true;
  replaced_ = old;
  return std::nullopt;
}

void RouteStore::release_replaced() {
  std::shared_ptr<const routing::RouteTable> replaced;
  {
    std::lock_guard lock(apply_mutex_);
    replaced.swap(replaced_);
  }
}

void RouteStore::count_rejection() {
  std::lock_guard lock(apply_mutex_);
  ++stats_.rejected;
}

ApplyStats RouteStore::stats() const {
  std::lock_guard lock(apply_mutex_);
  return stats_;
}

}  // namespace snigate::control
