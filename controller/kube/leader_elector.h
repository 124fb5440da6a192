// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it:
// a candidate takes the Lease when it is free or its holder has not renewed it for a lease
// duration (measured on our own clock, from when we saw the record change); the leader renews
// every retry period and steps down when it could not renew within the renew deadline, also while
// a request still hangs (every attempt is cancelled at that deadline); every write carries the
// Lease's resourceVersion, so two candidates never both win. On stop the leader releases the Lease
// so that another replica takes over at once.
#pragma once

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "kube/api_client.h"
#include "stop_signal.h"
#include "telemetry/controller_metrics.h"

namespace snigate::controller::kube {

struct LeaderElectionSettings {
  std::string namespace_name;
  std::string lease_name = "snigate-controller";
  std::string identity;
  std::chrono::seconds lease_duration{15};
  std::chrono::seconds renew_deadline{10};
  std::chrono::seconds retry_period{2};
};

class LeaderElector {
 public:
  LeaderElector(ApiClient& api, LeaderElectionSettings settings, telemetry::ControllerMetrics& metrics, StopSignal& stop);

  // Campaigns and renews until the stop signal, then releases the Lease if it holds it.
  void run();

  // Asks the clock, not the election thread: a replica that was frozen, or whose renew hangs, is no
  // longer the leader the moment its renew deadline has passed, before the election thread runs.
  bool is_leader() const { return Clock::now() < leading_until_.load(); }

 private:
  using Clock = std::chrono::steady_clock;

  bool try_acquire_or_renew(Clock::time_point deadline);
  void release();
  // Updates the gauge and logs when leadership changed since the last call.
  void report_leadership();
  std::string lease_path() const;
  nlohmann::json lease_spec(const std::chrono::system_clock::time_point& now, int transitions, bool keep_acquire_time) const;

  ApiClient& api_;
  LeaderElectionSettings settings_;
  telemetry::ControllerMetrics& metrics_;
  StopSignal& stop_;
  std::atomic<Clock::time_point> leading_until_{Clock::time_point::min()};
  bool reported_leader_ = false;
  nlohmann::json observed_;                 // the Lease as last read or written
  nlohmann::json observed_spec_;            // its spec, to notice when the holder renews
  Clock::time_point observed_at_{};         // when observed_spec_ last changed
};

}  // namespace snigate::controller::kube
