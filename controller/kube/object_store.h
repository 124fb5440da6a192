// The reflectors' cache of Kubernetes objects, one map per kind keyed by namespace/name. Every
// change bumps a version that the translation loop waits on.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "translate/cluster_state.h"

namespace snigate::controller::kube {

class ObjectStore {
 public:
  using Object = translate::Object;

  // A relist: the kind's objects become exactly `objects` (ones deleted meanwhile disappear),
  // and the kind counts as synced from now on.
  void replace(std::string_view kind, std::vector<Object> objects);
  void upsert(std::string_view kind, Object object);
  void remove(std::string_view kind, const nlohmann::json& object);

  std::vector<Object> list(std::string_view kind) const;
  bool synced(std::string_view kind) const;

  // Every kind the controller translates, at one moment.
  translate::ClusterState cluster_state() const;

  std::uint64_t version() const;
  // Waits until the version differs from `seen` or `timeout` passes; returns the version.
  std::uint64_t wait_for_change(std::uint64_t seen, std::chrono::milliseconds timeout) const;
  // Wakes waiters without a change, so that they can notice a stop.
  void wake_all() const { changed_.notify_all(); }

  static std::string key_of(const nlohmann::json& object);

 private:
  void bump();
  std::vector<Object> list_locked(std::string_view kind) const;

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::map<std::string, std::map<std::string, Object>, std::less<>> objects_by_kind_;
  std::set<std::string, std::less<>> synced_kinds_;
  std::uint64_t version_ = 0;
};

}  // namespace snigate::controller::kube
