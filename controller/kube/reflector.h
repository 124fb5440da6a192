// Keeps one kind of Kubernetes object in the ObjectStore equal to the API server's, with
// client-go's reflector semantics, written once for every kind:
//   LIST (resourceVersion=0 first, so the watch cache answers; paged only where the watch cache
//   cannot answer, as client-go decides), then WATCH from the list's
//   resourceVersion with bookmarks and a randomized timeout. Events and BOOKMARKs advance the
//   resourceVersion; a stream that ends normally is watched again without a list; ERROR 410 Gone
//   (the resourceVersion was compacted away) lists again; other failures back off with jitter.
//   A list replaces the kind's objects, so deletions missed while disconnected disappear. The
//   stop signal cancels the request in flight.
//   An optional kind (resources.h) that is not installed (its LIST answers 404) or not granted
//   (403) holds no objects and counts as listed; that is logged once, and the list is tried again
//   every `absent_kind_retry`, so CRDs installed or rules granted later are picked up without a
//   restart.
#pragma once

#include <malloc.h>

#include <chrono>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kube/api_client.h"
#include "backoff.h"
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
  std::chrono::milliseconds absent_kind_retry{30'000};  // optional kinds not installed or not granted
};

template <typename Resource>
class Reflector {
 public:
  Reflector(ApiClient& api, ObjectStore& store, telemetry::ControllerMetrics& metrics, StopSignal& stop,
            ReflectorSettings settings)
      : api_(api), store_(store), counters_(metrics.kind(Resource::kind)), stop_(stop), settings_(std::move(settings)),
        random_(std::random_device{}()) {
    stop_.on_stop([this] { cancel_.cancel(); });
  }

  // One list into the store, for --dump-snapshot; throws ApiUnreachable, false on an HTTP error.
  bool list_once() { return list() != ListEnd::failed; }

  // Lists and watches until the stop signal.
  void run() {
    bool need_list = true;
    while (!stop_.stopped()) {
      bool succeeded = false;
      try {
        if (need_list) {
          const ListEnd end = list();
          succeeded = end == ListEnd::listed;
          need_list = !succeeded;
          if (end == ListEnd::absent) {
            backoff_.reset();
            if (!stop_.sleep_for(settings_.absent_kind_retry)) return;
            continue;
          }
        } else {
          const WatchEnd end = watch();
          succeeded = end != WatchEnd::failed;
          need_list = end == WatchEnd::gone;
        }
      } catch (const ApiUnreachable& error) {
        if (stop_.stopped()) return;
        log::write(log::Level::warn, "API server unreachable", {{"kind", Resource::kind}, {"error", error.what()}});
      } catch (const std::exception& error) {
        // Anything else the server sends that we cannot read (a watch line that is JSON but no
        // event, say) costs a backoff and a fresh list, never the controller.
        if (stop_.stopped()) return;
        need_list = true;
        log::write(log::Level::error, "list/watch failed unexpectedly; listing again", {{"kind", Resource::kind}, {"error", error.what()}});
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

  // Whether a list at `version` asks for pages, as client-go's reflector decides: a list at the
  // last resourceVersion seen ("not older than") is served whole from the watch cache only
  // without a limit; with a limit it becomes an exact read from etcd, which after an apiserver
  // restart succeeds at a version the fresh watch cache then refuses to watch from (410), again
  // and again. "0" is paged anyway (the cache ignores the limit; without a cache, etcd pages), and
  // so is everything once the server paged a "0" list (no watch cache for this resource).
  bool paged(const std::string& version) const { return version.empty() || version == "0" || server_pages_; }

  enum class ListEnd { listed, absent, version_unavailable, failed };

  // As client-go: when the server no longer has (410) or does not yet have (504
  // ResourceVersionTooLarge, as from an apiserver on a restored etcd) the version asked for, the
  // quorum list follows at once, without a backoff.
  ListEnd list() {
    ListEnd end = list_at(list_resource_version());
    if (end == ListEnd::version_unavailable) {
      last_version_unavailable_ = true;
      end = list_at("");
    }
    return end;
  }

  // The kind is not served: no objects of it exist, which is a complete answer (the controller
  // stays ready and routes everything else). Said once per absence, not every retry.
  ListEnd absent(const ApiResponse& response) {
    resource_version_.clear();
    last_version_unavailable_ = false;
    if (reported_absent_) return ListEnd::absent;  // the store holds none of the kind already
    reported_absent_ = true;
    log::write(log::Level::warn,
               response.status == 403 ? "kind not granted to the controller (RBAC); routing without it, looking again periodically"
                                      : "kind not served (CRD not installed?); routing without it, looking again periodically",
               {{"kind", Resource::kind},
                {"path", collection()},
                {"retry_seconds", settings_.absent_kind_retry.count() / 1000.0},
                {"error", response.describe()}});
    store_.change(
        Resource::kind,
        [&](model::ClusterState& state) {
          state.replace(std::vector<typename Resource::Object>{});
          state.clear_undecodable(Resource::kind);
          return true;
        },
        /*relist=*/true);
    return ListEnd::absent;
  }

  ListEnd list_at(const std::string& asked) {
    const bool ask_pages = paged(asked);
    std::vector<typename Resource::Object> objects;
    std::vector<model::UndecodableObject> undecodable;
    std::string continue_token;
    std::string version;
    do {
      if (stop_.stopped()) return ListEnd::failed;
      std::string path = collection() + "?";
      if (ask_pages) path += "limit=" + std::to_string(settings_.page_size) + "&";
      path += continue_token.empty() ? "resourceVersion=" + asked : "continue=" + web::uri::encode_data_string(continue_token);
      const ApiResponse response = api_.get(path, std::nullopt, cancel_.get_token());
      if (response.status == 410 || too_large_resource_version(response.status, response.body)) {
        log::write(log::Level::info, "list resourceVersion unavailable; listing the latest state",
                   {{"kind", Resource::kind}, {"error", response.describe()}});
        return ListEnd::version_unavailable;
      }
      if (Resource::optional && (response.status == 404 || response.status == 403)) return absent(response);
      if (!response.ok()) {
        log::write(log::Level::warn, "list failed", {{"kind", Resource::kind}, {"error", response.describe()}});
        return ListEnd::failed;
      }
      for (const auto& item : response.body.value("items", nlohmann::json::array())) decode_into(item, objects, undecodable);
      const auto& metadata = response.body.value("metadata", nlohmann::json::object());
      continue_token = metadata.value("continue", "");
      version = metadata.value("resourceVersion", "");
      if (asked == "0" && !continue_token.empty()) server_pages_ = true;
    } while (!continue_token.empty());

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
    // A list's response (all of a kind's objects at once, as text and as a JSON tree) is freed by
    // now, but glibc keeps freed memory in the arena of the thread that used it; without this,
    // the peak of the first list of 10,000 Services stayed the controller's resident size.
    malloc_trim(0);
    if (counters_.lists++ > 0) counters_.relists++;
    resource_version_ = version;
    last_version_unavailable_ = false;
    if (std::exchange(reported_absent_, false)) log::write(log::Level::info, "kind now served", {{"kind", Resource::kind}});
    log::write(log::Level::info, "listed", {{"kind", Resource::kind}, {"objects", count}, {"resourceVersion", version}});
    return ListEnd::listed;
  }

  WatchEnd watch() {
    std::uniform_int_distribution<long> spread(settings_.min_watch_timeout.count(), 2 * settings_.min_watch_timeout.count());
    const std::string path = collection() + "?watch=true&allowWatchBookmarks=true&resourceVersion=" + resource_version_ +
                             "&timeoutSeconds=" + std::to_string(spread(random_));
    if (watches_opened_++ > 0) counters_.watch_restarts++;
    const auto opened = std::chrono::steady_clock::now();
    ApiResponse refused;
    const std::unique_ptr<WatchStream> stream = api_.watch(path, refused, cancel_.get_token());
    if (!stream) return refused_or_failed(refused.status, refused.body, refused.describe());

    std::uint64_t events = 0;
    while (std::optional<nlohmann::json> event = stream->next_event()) {
      const std::string type = event->value("type", "");
      const nlohmann::json& object = event->contains("object") ? event->at("object") : nlohmann::json::object();
      if (type == "ERROR") {
        const int code = object.value("code", 0);
        return refused_or_failed(code, object, "watch error " + std::to_string(code) + ": " + object.value("message", ""));
      }
      ++events;
      resource_version_ = object.value("/metadata/resourceVersion"_json_pointer, resource_version_);
      counters_.events_handled++;
      if (type == "ADDED" || type == "MODIFIED") {
        upsert(object);
      } else if (type == "DELETED") {
        const model::ObjectMeta meta = model::decode_metadata_leniently(object);
        store_.change(Resource::kind, [&](model::ClusterState& state) { return state.remove(Resource::kind, meta.namespace_name, meta.name); });
      }
    }
    // As client-go: a server (or something in between) that ends every watch at once would
    // otherwise be asked again and again without a pause.
    if (events == 0 && std::chrono::steady_clock::now() - opened < std::chrono::seconds(1)) {
      return failed("the server ended the watch at once, with no events");
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

  // A watch refused with `status` (or ended by an ERROR event with that code): 410 Gone lists
  // again at the last version; a version the server does not have yet lists with a quorum read.
  WatchEnd refused_or_failed(int status, const nlohmann::json& body, const std::string& reason) {
    if (too_large_resource_version(status, body)) {
      last_version_unavailable_ = true;
      return gone(reason);
    }
    // An optional kind whose CRD or grant went away: the list that follows finds it absent and
    // empties the store.
    if (Resource::optional && (status == 404 || status == 403)) return gone(reason);
    return status == 410 ? gone(reason) : failed(reason);
  }

  // client-go's isTooLargeResourceVersionError: the cause since Kubernetes 1.18.6, the message
  // before.
  static bool too_large_resource_version(int status, const nlohmann::json& body) {
    if (status != 504 || !body.is_object()) return false;
    for (const auto& cause : body.value("/details/causes"_json_pointer, nlohmann::json::array())) {
      if (cause.value("reason", "") == "ResourceVersionTooLarge") return true;
    }
    return body.value("message", "").find("Too large resource version") != std::string::npos;
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
  bool server_pages_ = false;
  bool reported_absent_ = false;
  std::uint64_t watches_opened_ = 0;
  pplx::cancellation_token_source cancel_;  // cancelled by the stop signal
};

}  // namespace snigate::controller::kube
