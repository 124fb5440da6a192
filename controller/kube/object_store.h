// The reflectors' cache of Kubernetes objects, decoded into the model's types as they arrive. One
// ClusterState behind a reader-writer lock: a translation reads it in place (no copy of 10,000
// Services per change) while watch events wait the few milliseconds that takes. Every change
// bumps a version that the translation loop waits on.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "model/cluster_state.h"

namespace snigate::controller::kube {

class ObjectStore {
 public:
  // Applies one change to the state under the write lock; `apply` says whether anything the
  // translation reads changed, and only then is the version bumped. A relist also marks `kind` as synced from now on.
  void change(std::string_view kind, const std::function<bool(model::ClusterState&)>& apply, bool relist = false);

  // Calls `read` with the state under the read lock.
  template <typename Read>
  auto read(Read read) const {
    std::shared_lock lock(state_mutex_);
    return read(static_cast<const model::ClusterState&>(state_));
  }

  bool synced(std::string_view kind) const;

  std::uint64_t version() const;
  // Waits until the version differs from `seen` or `timeout` passes; returns the version.
  std::uint64_t wait_for_change(std::uint64_t seen, std::chrono::milliseconds timeout) const;
  // Wakes waiters without a change, so that they can notice a stop.
  void wake_all() const { changed_.notify_all(); }

 private:
  mutable std::shared_mutex state_mutex_;
  model::ClusterState state_;

  mutable std::mutex version_mutex_;
  mutable std::condition_variable changed_;
  std::set<std::string, std::less<>> synced_kinds_;
  std::uint64_t version_ = 0;
};

}  // namespace snigate::controller::kube
