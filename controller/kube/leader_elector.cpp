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

void LeaderElector::set_leader(bool leader) {
  if (leader_.exchange(leader) == leader) return;
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

bool LeaderElector::try_acquire_or_renew() {
  const auto now = std::chrono::system_clock::now();
  const ApiResponse current = api_.get(lease_path() + "/" + settings_.lease_name);
  if (current.status == 404) {
    const nlohmann::json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                                  {"kind", "Lease"},
                                  {"metadata", {{"name", settings_.lease_name}, {"namespace", settings_.namespace_name}}},
                                  {"spec", lease_spec(now, 0, false)}};
    const ApiResponse created = api_.send(web::http::methods::POST, lease_path(), lease);
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
  const ApiResponse written = api_.send(web::http::methods::PUT, lease_path() + "/" + settings_.lease_name, updated);
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
    bool renewed = false;
    try {
      renewed = try_acquire_or_renew();
    } catch (const ApiUnreachable& error) {
      log::write(log::Level::warn, "leader election: API server unreachable", {{"error", error.what()}});
    }
    if (renewed) {
      last_renewed_ = Clock::now();
      set_leader(true);
    } else if (leader_) {
      const bool taken_over = observed_spec_.value("holderIdentity", settings_.identity) != settings_.identity;
      if (taken_over || Clock::now() - last_renewed_ > settings_.renew_deadline) set_leader(false);
    }
    stop_.sleep_for(settings_.retry_period);
  }
  release();
}

void LeaderElector::release() {
  if (!leader_) return;
  nlohmann::json released = observed_;
  const auto now = to_micro_time(std::chrono::system_clock::now());
  released["spec"]["holderIdentity"] = "";
  released["spec"]["leaseDurationSeconds"] = 1;
  released["spec"]["renewTime"] = now;
  released["spec"]["acquireTime"] = now;
  try {
    const ApiResponse written = api_.send(web::http::methods::PUT, lease_path() + "/" + settings_.lease_name, released);
    log::write(written.ok() ? log::Level::info : log::Level::warn, "released the leader Lease",
               {{"status", written.status}});
  } catch (const ApiUnreachable& error) {
    log::write(log::Level::warn, "could not release the leader Lease", {{"error", error.what()}});
  }
  set_leader(false);
}

}  // namespace snigate::controller::kube
