#include "kube/object_store.h"

#include "kube/resources.h"

namespace snigate::controller::kube {

std::string ObjectStore::key_of(const nlohmann::json& object) {
  const auto& metadata = object.at("metadata");
  return metadata.value("namespace", "") + "/" + metadata.value("name", "");
}

void ObjectStore::bump() {
  ++version_;
  changed_.notify_all();
}

void ObjectStore::replace(std::string_view kind, std::vector<Object> objects) {
  std::map<std::string, Object> by_key;
  for (auto& object : objects) by_key[key_of(*object)] = std::move(object);
  std::lock_guard lock(mutex_);
  objects_by_kind_[std::string(kind)] = std::move(by_key);
  synced_kinds_.emplace(kind);
  bump();
}

void ObjectStore::upsert(std::string_view kind, Object object) {
  std::lock_guard lock(mutex_);
  objects_by_kind_[std::string(kind)][key_of(*object)] = std::move(object);
  bump();
}

void ObjectStore::remove(std::string_view kind, const nlohmann::json& object) {
  std::lock_guard lock(mutex_);
  auto objects = objects_by_kind_.find(kind);
  if (objects != objects_by_kind_.end() && objects->second.erase(key_of(object)) > 0) bump();
}

std::vector<ObjectStore::Object> ObjectStore::list(std::string_view kind) const {
  std::lock_guard lock(mutex_);
  return list_locked(kind);
}

std::vector<ObjectStore::Object> ObjectStore::list_locked(std::string_view kind) const {
  std::vector<Object> result;
  if (auto objects = objects_by_kind_.find(kind); objects != objects_by_kind_.end()) {
    for (const auto& [key, object] : objects->second) result.push_back(object);
  }
  return result;
}

bool ObjectStore::synced(std::string_view kind) const {
  std::lock_guard lock(mutex_);
  return synced_kinds_.contains(kind);
}

translate::ClusterState ObjectStore::cluster_state() const {
  std::lock_guard lock(mutex_);
  return {list_locked(Services::kind), list_locked(EndpointSlices::kind), list_locked(Ingresses::kind),
          list_locked(IngressClasses::kind)};
}

std::uint64_t ObjectStore::version() const {
  std::lock_guard lock(mutex_);
  return version_;
}

std::uint64_t ObjectStore::wait_for_change(std::uint64_t seen, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return version_ != seen; });
  return version_;
}

}  // namespace snigate::controller::kube
