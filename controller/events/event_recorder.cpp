#include "events/event_recorder.h"

#include <cstdio>
#include <functional>

#include "kube/kube_time.h"
#include "telemetry/log.h"

namespace snigate::controller::events {
namespace {

// The same object, reason and message always map to the same Event, which is then counted up
// (as kubectl shows "x3") instead of piling up copies.
std::string event_name(const translate::Problem& problem) {
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016zx",
                std::hash<std::string>{}(problem.object.uid + "\n" + problem.reason + "\n" + problem.message));
  return problem.object.name + "." + hash;
}

}  // namespace

EventRecorder::EventRecorder(kube::ApiClient& api, telemetry::ControllerMetrics& metrics, std::string instance,
                             std::function<bool()> is_leader)
    : api_(api), metrics_(metrics), instance_(std::move(instance)), is_leader_(std::move(is_leader)) {}

void EventRecorder::observe(const std::vector<translate::Problem>& problems, Clock::time_point now) {
  std::erase_if(counts_, [&](const auto& entry) { return now - entry.second.written_at > kEventTtl; });
  std::map<translate::Problem, Clock::time_point> first_seen;
  std::set<translate::Problem> logged;
  std::set<translate::Problem> recorded;
  for (const auto& problem : problems) {
    const auto seen = first_seen_.find(problem);
    const Clock::time_point since = seen == first_seen_.end() ? now : seen->second;
    first_seen.emplace(problem, since);
    if (now - since < kGracePeriod) continue;
    if (!logged_.contains(problem)) {
      log::write(log::Level::warn, problem.message,
                 {{"object", problem.object.kind + " " + problem.object.qualified_name()}, {"reason", problem.reason}});
    }
    logged.insert(problem);
    // Leadership is asked for each Event: it can end in the middle of a list.
    if (recorded_.contains(problem)) {
      recorded.insert(problem);
    } else if (is_leader_()) {
      record(problem, now);
      recorded.insert(problem);
    }
  }
  first_seen_ = std::move(first_seen);
  logged_ = std::move(logged);
  recorded_ = std::move(recorded);
  metrics_.problems = logged_.size();
}

void EventRecorder::record(const translate::Problem& problem, Clock::time_point now) {
  const std::string namespace_name = problem.object.namespace_name.empty() ? "default" : problem.object.namespace_name;
  const std::string name = event_name(problem);
  const std::string timestamp = kube::to_time(std::chrono::system_clock::now());
  Count& entry = counts_[name];
  int& count = entry.count;
  ++count;
  entry.written_at = now;
  const std::string collection = "/api/v1/namespaces/" + namespace_name + "/events";
  try {
    kube::ApiResponse response;
    if (count == 1) {
      const nlohmann::json event = {
          {"apiVersion", "v1"},
          {"kind", "Event"},
          {"metadata", {{"name", name}, {"namespace", namespace_name}}},
          {"involvedObject",
           {{"kind", problem.object.kind}, {"apiVersion", problem.object.api_version}, {"namespace", problem.object.namespace_name},
            {"name", problem.object.name}, {"uid", problem.object.uid}}},
          {"type", "Warning"},
          {"reason", problem.reason},
          {"message", problem.message},
          {"source", {{"component", kComponent}}},
          {"reportingComponent", "snigate.io/" + std::string(kComponent)},
          {"reportingInstance", instance_},
          {"firstTimestamp", timestamp},
          {"lastTimestamp", timestamp},
          {"count", 1}};
      response = api_.send(web::http::methods::POST, collection, event);
    }
    // Already there (seen before, or written by an earlier run or another leader): count it.
    if (count > 1 || response.status == 409) {
      count = std::max(count, 2);
      response = api_.send(web::http::methods::PATCH, collection + "/" + name,
                           {{"count", count}, {"lastTimestamp", timestamp}}, "application/merge-patch+json");
    }
    if (!response.ok()) {
      log::write(log::Level::warn, "could not record an Event", {{"event", name}, {"error", response.describe()}});
      return;
    }
    metrics_.events_recorded++;
  } catch (const kube::ApiUnreachable& error) {
    log::write(log::Level::warn, "could not record an Event", {{"event", name}, {"error", error.what()}});
  }
}

}  // namespace snigate::controller::events
