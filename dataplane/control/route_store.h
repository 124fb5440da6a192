// Holds the route table every new connection uses and swaps in a new one atomically: a connection
// keeps the table it started with, so a swap never touches connections in flight.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "routing/route_table.h"
#include "snapshot/snapshot.h"

namespace snigate::control {

struct ApplyStats {
  std::uint64_t generation = 0;
  std::size_t routes = 0;
  std::uint64_t applied = 0;
  std::uint64_t rejected = 0;
  std::uint64_t unchanged = 0;  // equal to the one in use: acknowledged, nothing rebuilt
  double last_apply_seconds = 0;  // building and swapping in the last accepted table
  std::chrono::system_clock::time_point last_applied_at{};
  bool ready = false;
};

class RouteStore {
 public:
  enum class Ordering {
    strict,  // the control socket: generations must increase (equal is fine when nothing changed)
    any,     // a routes file edited by hand: whatever it says is the new truth
  };

  // `scoped_ports`: the ports of the --scoped-listen listeners, the only listen_port a route may
  // name (a route on a port nobody listens on would be silently unreachable).
  explicit RouteStore(std::size_t workers, std::set<routing::ListenScope> scoped_ports = {})
      : workers_(workers), scoped_ports_(std::move(scoped_ports)) {}

  // The table for a new connection; nullptr until the first snapshot is applied.
  std::shared_ptr<const routing::RouteTable> current() const { return table_.load(std::memory_order_acquire); }

  // Swaps in `snapshot`, or returns why not (the old table keeps serving): a generation out of
  // order, or a route whose listen_port no --scoped-listen serves. A snapshot equal to the one in
  // use (generation included) is acknowledged and changes nothing: no table is built.
  std::optional<std::string> apply(snapshot::Snapshot snapshot, Ordering ordering);

  // Counts a document refused before it became a Snapshot (bad JSON, invalid field).
  void count_rejection();

  // Frees the table that apply() replaced, unless connections still use it. Freeing 10,000
  // routes takes milliseconds: the control socket does it after its answer, not before.
  void release_replaced();

  ApplyStats stats() const;

 private:
  // Why some route of `snapshot` names a listen_port not in scoped_ports_, or nullopt.
  std::optional<std::string> unserved_listen_port(const snapshot::Snapshot& snapshot) const;

  std::size_t workers_;
  const std::set<routing::ListenScope> scoped_ports_;
  std::atomic<std::shared_ptr<const routing::RouteTable>> table_;
  std::shared_ptr<const routing::RouteTable> replaced_;  // under apply_mutex_
  mutable std::mutex apply_mutex_;  // serializes appliers (socket clients, SIGHUP); readers never take it
  ApplyStats stats_;
};

}  // namespace snigate::control
