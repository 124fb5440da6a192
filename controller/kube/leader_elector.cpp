#include "kube/leader_elector.h"

#include "kube/kube_time.h"
#include "telemetry/log.h"

namespace snigate::controller::kube {

LeaderElector::LeaderElector(ApiClient& api, LeaderElectionSettings settings, telemetry::ControllerMetrics& metrics,
                             StopSignal& stop)
    : api_(api), settings_(std::move(settings)), metrics_(metrics), stop_(stop) {}

std::string LeaderElector::lease_path() const {
  return "/apis/coordination.k8s.io/v1/namespaces/" + settings_.namespace_name + "/leases";
}

void LeaderElector::report_leadership() {
  const bool leader = is_leader();
  if (leader == reported_leader_) return;
  reported_leader_ = leader;
  metrics_.leader = leader ? 1 : 0;
  log::write(log::Level::info, leader ? "became the leader" : "stopped being the leader",
             {{"lease", settings_.namespace_name + "/" + settings_.lease_name}, {"identity", settings_.identity}});
}

nlohmann::json LeaderElector::lease_spec(const std::chrono::system_clock::time_point& now, int transitions,
                                         bool keep_acquire_time) const {
  nlohmann::json spec = {{"holderIdentity", settings_.identity},
                         {"leaseDurationSeconds", settings_.lease_duration.count()},
                         {"renewTime", to_micro_time(now)},
                         {"acquireTime", to_micro_time(now)},
                         {"leaseTransitions", transitions}};
  if (keep_acquire_time && observed_spec_.contains("acquireTime")) spec["acquireTime"] = observed_spec_["acquireTime"];
  return spec;
}

bool LeaderElector::try_acquire_or_renew(Clock::time_point deadline) {
  const auto now = std::chrono::system_clock::now();
  const ApiResponse current = api_.get(lease_path() + "/" + settings_.lease_name, deadline);
  if (current.status == 404) {
    const nlohmann::json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                                  {"kind", "Lease"},
                                  {"metadata", {{"name", settings_.lease_name}, {"namespace", settings_.namespace_name}}},
                                  {"spec", lease_spec(now, 0, false)}};
    const ApiResponse created = api_.send(web::http::methods::POST, lease_path(), lease, "application/json", deadline);
    if (!created.ok()) return false;
    observed_ = created.body;
    observed_spec_ = observed_["spec"];
    observed_at_ = Clock::now();
    return true;
  }
  if (!current.ok()) {
    log::write(log::Level::warn, "cannot read the leader Lease", {{"error", current.describe()}});
    return false;
  }
  const nlohmann::json spec = current.body.value("spec", nlohmann::json::object());
  if (spec != observed_spec_) {
    observed_spec_ = spec;
    observed_at_ = Clock::now();
  }
  observed_ = current.body;
  const std::string holder = spec.value("holderIdentity", "");
  const auto duration = std::chrono::seconds(spec.value("leaseDurationSeconds", settings_.lease_duration.count()));
  const bool held_by_us = holder == settings_.identity;
  if (!held_by_us && !holder.empty() && Clock::now() < observed_at_ + duration) return false;

  nlohmann::json updated = current.body;
  const int transitions = spec.value("leaseTransitions", 0) + (held_by_us ? 0 : 1);
  updated["spec"] = lease_spec(now, transitions, held_by_us);
  const ApiResponse written =
      api_.send(web::http::methods::PUT, lease_path() + "/" + settings_.lease_name, updated, "application/json", deadline);
  if (!written.ok()) {
    if (written.status != 409) log::write(log::Level::warn, "cannot write the leader Lease", {{"error", written.describe()}});
    return false;
  }
  observed_ = written.body;
  observed_spec_ = observed_["spec"];
  observed_at_ = Clock::now();
  return true;
}

void LeaderElector::run() {
  while (!stop_.stopped()) {
    report_leadership();
    const Clock::time_point started = Clock::now();
    // A leader's attempt gets what is left of its renew deadline (client-go's renew context); a
    // candidate's gets one renew deadline, as client-go's leader-election client timeout.
    const Clock::time_point deadline = is_leader() ? leading_until_.load() : started + settings_.renew_deadline;
    bool renewed = false;
    try {
      renewed = try_acquire_or_renew(deadline);
    } catch (const ApiUnreachable& error) {
      log::write(log::Level::warn, "leader election: API server unreachable", {{"error", error.what()}});
    }
    if (renewed) {
      // Counted from before the request: the renewTime we wrote is not older, and the others count
      // their lease duration from when they saw it, so we stop leading well before they may start.
      leading_until_ = started + settings_.renew_deadline;
    } else if (is_leader() && observed_spec_.value("holderIdentity", settings_.identity) != settings_.identity) {
      leading_until_ = Clock::time_point::min();
    }
    report_leadership();
    // A leader wakes at its renew deadline at the latest, so that the gauge and the log follow.
    auto pause = std::chrono::duration_cast<Clock::duration>(settings_.retry_period);
    if (is_leader()) pause = std::min(pause, leading_until_.load() - Clock::now());
    stop_.sleep_for(pause);
  }
  release();
}

void LeaderElector::release() {
  if (!is_leader()) return;
  // Stop leading before the Lease is free, so that no status is written after another replica won.
  const Clock::time_point deadline = leading_until_.exchange(Clock::time_point::min());
  report_leadership();
  nlohmann::json released = observed_;
  const auto now = to_micro_time(std::chrono::system_clock::now());
  released["spec"]["holderIdentity"] = "";
  released["spec"]["leaseDurationSeconds"] = 1;
  released["spec"]["renewTime"] = now;
  released["spec"]["acquireTime"] = now;
  try {
    const ApiResponse written =
        api_.send(web::http::methods::PUT, lease_path() + "/" + settings_.lease_name, released, "application/json", deadline);
    log::write(written.ok() ? log::Level::info : log::Level::warn, "released the leader Lease",
               {{"status", written.status}});
  } catch (const ApiUnreachable& error) {
    log::write(log::Level::warn, "could not release the leader Lease", {{"error", error.what()}});
  }
}

}  // namespace snigate::controller::kube
