#include "report/report_writer.h"

#include "telemetry/log.h"

namespace snigate::controller::report {

ReportWriter::ReportWriter(events::EventRecorder& events, kube::IngressStatusWriter& status, PublishedLoadBalancer published,
                           StopSignal& stop)
    : events_(events), status_(status), published_(std::move(published)), stop_(stop) {
  stop_.on_stop([this] {
    std::lock_guard lock(mutex_);
    handed_over_.notify_all();
  });
}

void ReportWriter::hand_over(Report report) {
  std::lock_guard lock(mutex_);
  pending_ = std::move(report);
  handed_over_.notify_all();
}

void ReportWriter::run() {
  while (true) {
    Report report;
    {
      std::unique_lock lock(mutex_);
      handed_over_.wait(lock, [this] { return pending_ || stop_.stopped(); });
      if (stop_.stopped()) return;
      report = std::move(*pending_);
      pending_.reset();
    }
    // Events and status are best effort: a failure here is logged, and the next report (at most a
    // second later) tries again; it must never end the controller.
    try {
      events_.observe(report.problems, events::EventRecorder::Clock::now());
      if (const auto load_balancer = published_()) status_.write(translate::ingress_status_updates(report.our_ingresses, *load_balancer));
    } catch (const std::exception& error) {
      log::write(log::Level::error, "writing Events or Ingress status failed unexpectedly", {{"error", error.what()}});
    }
  }
}

}  // namespace snigate::controller::report
