#include "kube/object_store.h"

namespace snigate::controller::kube {

void ObjectStore::change(std::string_view kind, const std::function<bool(model::ClusterState&)>& apply, bool relist) {
  bool changed = false;
  {
    std::unique_lock lock(state_mutex_);
    changed = apply(state_);
  }
  std::lock_guard lock(version_mutex_);
  if (relist) synced_kinds_.emplace(kind);
  if (!changed && !relist) return;
  ++version_;
  changed_.notify_all();
}

bool ObjectStore::synced(std::string_view kind) const {
  std::lock_guard lock(version_mutex_);
  return synced_kinds_.contains(kind);
}

std::uint64_t ObjectStore::version() const {
  std::lock_guard lock(version_mutex_);
  return version_;
}

std::uint64_t ObjectStore::wait_for_change(std::uint64_t seen, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(version_mutex_);
  changed_.wait_for(lock, timeout, [&] { return version_ != seen; });
  return version_;
}

}  // namespace snigate::controller::kube
