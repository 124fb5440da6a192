// Keeps one kind of Kubernetes object in the ObjectStore equal to the API server's, with
// client-go's reflector semantics, written once for every kind:
//   LIST (paged; resourceVersion=0 first, so the watch cache answers), then WATCH from the list's
//   resourceVersion with bookmarks and a randomized timeout. Events and BOOKMARKs advance the
//   resourceVersion; a stream that ends normally is watched again without a list; ERROR 410 Gone
//   (the resourceVersion was compacted away) lists again; other failures back off with jitter.
//   A list replaces the kind's objects, so deletions missed while disconnected disappear.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "kube/api_client.h"
#include "kube/backoff.h"
#include "kube/object_store.h"
#include "kube/resources.h"
#include "stop_signal.h"
#include "telemetry/controller_metrics.h"
#include "telemetry/log.h"

namespace snigate::controller::kube {

struct ReflectorSettings {
  std::optional<std::string> watch_namespace;      // namespaced kinds only; nullopt: all
  std::chrono::seconds min_watch_timeout{300};     // each watch asks for 1-2 times this
  int page_size = 500;
};

template <typename Resource>
class Reflector {
 public:
  Reflector(ApiClient& api, ObjectStore& store, telemetry::ControllerMetrics& metrics, StopSignal& stop,
            ReflectorSettings settings)
      : api_(api), store_(store), counters_(metrics.kind(Resource::kind)), stop_(stop), settings_(std::move(settings)),
        random_(std::random_device{}()) {
    stop_.on_stop([this] {
      std::lock_guard lock(watch_mutex_);
      if (watch_) watch_->cancel();
    });
  }

  // One list into the store, for --dump-snapshot; throws ApiUnreachable, false on an HTTP error.
  bool list_once() { return list(); }

  // Lists and watches until the stop signal.
  void run() {
    bool need_list = true;
    while (!stop_.stopped()) {
      bool succeeded = false;
      try {
        if (need_list) {
          succeeded = list();
          need_list = !succeeded;
        } else {
          const WatchEnd end = watch();
          succeeded = end != WatchEnd::failed;
          need_list = end == WatchEnd::gone;
        }
      } catch (const ApiUnreachable& error) {
        if (stop_.stopped()) return;
        log::write(log::Level::warn, "API server unreachable", {{"kind", Resource::kind}, {"error", error.what()}});
      }
      if (succeeded) {
        backoff_.reset();
      } else if (!stop_.sleep_for(backoff_.next())) {
        return;
      }
    }
  }

 private:
  enum class WatchEnd { stream_ended, gone, failed };

  std::string collection() const { return collection_path<Resource>(settings_.watch_namespace); }

  // The resourceVersion a (re)list asks for, as client-go's relistResourceVersion: "0" at first
  // (any cached state will do), then the last one seen (not older than that), and "" (a quorum
  // read from etcd) when the server said the last one is too old.
  std::string list_resource_version() const {
    if (last_version_unavailable_) return "";
    return resource_version_.empty() ? "0" : resource_version_;
  }

  bool list() {
    std::vector<typename Resource::Object> objects;
    std::vector<model::UndecodableObject> undecodable;
    std::string continue_token;
    std::string version;
    do {
      std::string path = collection() + "?limit=" + std::to_string(settings_.page_size);
      if (continue_token.empty()) {
        if (const std::string asked = list_resource_version(); !asked.empty()) path += "&resourceVersion=" + asked;
      } else {
        path += "&continue=" + web::uri::encode_data_string(continue_token);
      }
      const ApiResponse response = api_.get(path);
      if (response.status == 410) {
        log::write(log::Level::info, "list resourceVersion expired; listing the latest state",
                   {{"kind", Resource::kind}, {"error", response.describe()}});
        last_version_unavailable_ = true;
        return false;
      }
      if (!response.ok()) {
        log::write(log::Level::warn, "list failed", {{"kind", Resource::kind}, {"error", response.describe()}});
        return false;
      }
      for (const auto& item : response.body.value("items", nlohmann::json::array())) decode_into(item, objects, undecodable);
      const auto& metadata = response.body.value("metadata", nlohmann::json::object());
      continue_token = metadata.value("continue", "");
      version = metadata.value("resourceVersion", "");
    } while (!continue_token.empty() && !stop_.stopped());

    const std::size_t count = objects.size();
    store_.change(
        Resource::kind,
        [&](model::ClusterState& state) {
          state.replace(std::move(objects));
          state.clear_undecodable(Resource::kind);
          for (auto& object : undecodable) state.mark_undecodable(std::move(object));
          return true;
        },
        /*relist=*/true);
    if (counters_.lists++ > 0) counters_.relists++;
    resource_version_ = version;
    last_version_unavailable_ = false;
    log::write(log::Level::info, "listed", {{"kind", Resource::kind}, {"objects", count}, {"resourceVersion", version}});
    return true;
  }

  WatchEnd watch() {
    std::uniform_int_distribution<long> spread(settings_.min_watch_timeout.count(), 2 * settings_.min_watch_timeout.count());
    const std::string path = collection() + "?watch=true&allowWatchBookmarks=true&resourceVersion=" + resource_version_ +
                             "&timeoutSeconds=" + std::to_string(spread(random_));
    if (watches_opened_++ > 0) counters_.watch_restarts++;
    ApiResponse refused;
    std::unique_ptr<WatchStream> stream = api_.watch(path, refused);
    if (!stream) return refused.status == 410 ? gone(refused.describe()) : failed(refused.describe());
    {
      std::lock_guard lock(watch_mutex_);
      watch_ = stream.get();
    }
    struct Forget {
      Reflector* reflector;
      ~Forget() {
        std::lock_guard lock(reflector->watch_mutex_);
        reflector->watch_ = nullptr;
      }
    } forget{this};
    if (stop_.stopped()) return WatchEnd::stream_ended;

    while (std::optional<nlohmann::json> event = stream->next_event()) {
      const std::string type = event->value("type", "");
      const nlohmann::json& object = event->contains("object") ? event->at("object") : nlohmann::json::object();
      if (type == "ERROR") {
        const int code = object.value("code", 0);
        const std::string message = "watch error " + std::to_string(code) + ": " + object.value("message", "");
        return code == 410 ? gone(message) : failed(message);
      }
      resource_version_ = object.value("/metadata/resourceVersion"_json_pointer, resource_version_);
      counters_.events_handled++;
      if (type == "ADDED" || type == "MODIFIED") {
        upsert(object);
      } else if (type == "DELETED") {
        const model::ObjectMeta meta = model::decode_metadata_leniently(object);
        store_.change(Resource::kind, [&](model::ClusterState& state) { return state.remove(Resource::kind, meta.namespace_name, meta.name); });
      }
    }
    return WatchEnd::stream_ended;
  }

  // Decoded here, where objects enter: an object that does not decode is logged and held as
  // undecodable (translation reports it with an Event), and the rest keep working.
  static std::optional<typename Resource::Object> decode(const nlohmann::json& object, std::vector<model::UndecodableObject>& undecodable) {
    try {
      return Resource::decode(object);
    } catch (const model::DecodeError& error) {
      model::UndecodableObject rejected{std::string(Resource::kind), model::decode_metadata_leniently(object), error.what()};
      log::write(log::Level::warn, "cannot decode object",
                 {{"kind", Resource::kind}, {"object", rejected.meta.qualified_name()}, {"error", rejected.error}});
      undecodable.push_back(std::move(rejected));
      return std::nullopt;
    }
  }

  static void decode_into(const nlohmann::json& item, std::vector<typename Resource::Object>& objects,
                          std::vector<model::UndecodableObject>& undecodable) {
    if (auto decoded = decode(item, undecodable)) objects.push_back(std::move(*decoded));
  }

  void upsert(const nlohmann::json& object) {
    std::vector<model::UndecodableObject> undecodable;
    std::optional<typename Resource::Object> decoded = decode(object, undecodable);
    store_.change(Resource::kind, [&](model::ClusterState& state) {
      if (decoded) {
        const bool cleared = state.clear_undecodable(Resource::kind, decoded->meta.namespace_name, decoded->meta.name);
        return state.upsert(std::move(*decoded)) || cleared;
      }
      state.remove(Resource::kind, undecodable.front().meta.namespace_name, undecodable.front().meta.name);
      state.mark_undecodable(std::move(undecodable.front()));
      return true;
    });
  }

  WatchEnd gone(const std::string& reason) {
    log::write(log::Level::info, "watch resourceVersion gone; relisting", {{"kind", Resource::kind}, {"reason", reason}});
    return WatchEnd::gone;
  }

  WatchEnd failed(const std::string& reason) {
    log::write(log::Level::warn, "watch failed", {{"kind", Resource::kind}, {"error", reason}});
    return WatchEnd::failed;
  }

  ApiClient& api_;
  ObjectStore& store_;
  telemetry::KindCounters& counters_;
  StopSignal& stop_;
  ReflectorSettings settings_;
  Backoff backoff_;
  std::mt19937 random_;
  std::string resource_version_;
  bool last_version_unavailable_ = false;
  std::uint64_t watches_opened_ = 0;
  std::mutex watch_mutex_;
  WatchStream* watch_ = nullptr;
};

}  // namespace snigate::controller::kube
