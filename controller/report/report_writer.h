// Writes what a translation reports back to the cluster, Warning Events for its problems and the
// Ingress status it wants, on a thread of its own: API calls can take seconds, and the translation
// loop must never make the next push to the dataplane wait for them. A report describes the whole
// state, so only the latest counts: a newer one replaces one that was not written yet.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "events/event_recorder.h"
#include "kube/ingress_status_writer.h"
#include "stop_signal.h"
#include "translate/problem.h"
#include "translate/status.h"

namespace snigate::controller::report {

struct Report {
  std::vector<translate::Problem> problems;
  std::vector<translate::OurIngress> our_ingresses;  // with the status each shows now
};

class ReportWriter {
 public:
  // What our Ingresses should show, or nullopt when this replica is not to write status (not the
  // leader, publishing off, the publish Service not known). Called on the writer's thread.
  using PublishedLoadBalancer = std::function<std::optional<translate::LoadBalancerStatus>()>;

  ReportWriter(events::EventRecorder& events, kube::IngressStatusWriter& status, PublishedLoadBalancer published,
               StopSignal& stop);

  // Returns at once.
  void hand_over(Report report);

  // Writes reports until the stop signal.
  void run();

 private:
  events::EventRecorder& events_;
  kube::IngressStatusWriter& status_;
  PublishedLoadBalancer published_;
  StopSignal& stop_;
  std::mutex mutex_;
  std::condition_variable handed_over_;
  std::optional<Report> pending_;
};

}  // namespace snigate::controller::report
