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

  explicit RouteStore(std::size_t workers) : workers_(workers) {}

  // The table for a new connection; nullptr until the first snapshot is applied.
  std::shared_ptr<const routing::RouteTable> current() const { return table_.load(std::memory_order_acquire); }

  // Swaps in `snapshot`, or returns why not (the old table keeps serving). A snapshot equal to the
  // one in use (generation included) is acknowledged and changes nothing: no table is built.
  std::optional<std::string> apply(snapshot::Snapshot snapshot, Ordering ordering);

  // Counts a document refused before it became a Snapshot (bad JSON, invalid field).
  void count_rejection();

  // Frees the table that apply() replaced, unless connections still use it. Freeing 10,000
  // routes takes milliseconds: the control socket does it after its answer, not before.
  void release_replaced();

  ApplyStats stats() const;

 private:
  std::size_t workers_;
  std::atomic<std::shared_ptr<const routing::RouteTable>> table_;
  std::shared_ptr<const routing::RouteTable> replaced_;  // under apply_mutex_
  mutable std::mutex apply_mutex_;  // serializes appliers (socket clients, SIGHUP); readers never take it
  ApplyStats stats_;
};

}  // namespace snigate::control
