// Writes what a translation reports back to the cluster, Warning Events for its problems, the
// Services that give Gateways their addresses, and the Ingress and Gateway API status it wants, on a thread of its own: API calls can take seconds, and the translation
// loop must never make the next push to the dataplane wait for them. A report describes the whole
// state, so only the latest counts: a newer one replaces one that was not written yet.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "events/event_recorder.h"
#include "report/gateway_programming.h"
#include "kube/gateway_api_status_writer.h"
#include "kube/gateway_service_provisioner.h"
#include "kube/ingress_status_writer.h"
#include "stop_signal.h"
#include "translate/problem.h"
#include "translate/status.h"

namespace snigate::controller::report {

struct Report {
  std::vector<translate::Problem> problems;
  std::vector<translate::OurIngress> our_ingresses;  // with the status each shows now
  std::shared_ptr<const translate::GatewayApiStatus> gateway_api;  // shared, never copied: a status per TLSRoute
  std::uint64_t offer = 0;  // the snapshot pusher's number of the snapshot translated with it
};

class ReportWriter {
 public:
  // What our Ingresses should show, or nullopt when this replica is not to write status (not the
  // leader, publishing off, the publish Service not known). Called on the writer's thread.
  using PublishedLoadBalancer = std::function<std::optional<translate::LoadBalancerStatus>()>;

  // The number of the latest offer the dataplane holds (push::SnapshotPusher::acknowledged_offer).
  using AcknowledgedOffer = std::function<std::uint64_t()>;

  // `gateway_services`: nullptr without an address per Gateway.
  ReportWriter(events::EventRecorder& events, kube::IngressStatusWriter& status, kube::GatewayApiStatusWriter& gateway_api,
               kube::GatewayServiceProvisioner* gateway_services, PublishedLoadBalancer published, AcknowledgedOffer acknowledged,
               StopSignal& stop);

  // Returns at once.
  void hand_over(Report report);

  // Writes reports until the stop signal.
  void run();

 private:
  events::EventRecorder& events_;
  kube::IngressStatusWriter& status_;
  kube::GatewayApiStatusWriter& gateway_api_;
  kube::GatewayServiceProvisioner* gateway_services_;
  PublishedLoadBalancer published_;
  AcknowledgedOffer acknowledged_;
  StopSignal& stop_;
  std::mutex mutex_;
  std::condition_variable handed_over_;
  std::optional<Report> pending_;
  GatewayProgramming gateway_programming_;  // the writer thread's only
};

}  // namespace snigate::controller::report
