#include "report/report_writer.h"

#include "telemetry/log.h"

namespace snigate::controller::report {

ReportWriter::ReportWriter(events::EventRecorder& events, kube::IngressStatusWriter& status, kube::GatewayApiStatusWriter& gateway_api,
                           kube::GatewayServiceProvisioner* gateway_services, PublishedLoadBalancer published,
                           AcknowledgedOffer acknowledged, StopSignal& stop)
    : events_(events),
      status_(status),
      gateway_api_(gateway_api),
      gateway_services_(gateway_services),
      published_(std::move(published)),
      acknowledged_(std::move(acknowledged)),
      stop_(stop) {
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
      const auto load_balancer = published_();
      if (load_balancer) status_.write(translate::ingress_status_updates(report.our_ingresses, *load_balancer));
      // Gateways show the address our Ingresses publish; the writer checks leadership itself.
      if (report.gateway_api) {
        if (gateway_services_) gateway_services_->apply(report.gateway_api->services);
        gateway_programming_.observe(report.gateway_api->gateways, report.offer);
        const std::uint64_t acknowledged = acknowledged_();
        gateway_api_.write(
            *report.gateway_api,
            [&](const translate::ObjectRef& gateway) { return gateway_programming_.programmed(gateway, acknowledged); },
            load_balancer.value_or(translate::LoadBalancerStatus{}));
      }
    } catch (const std::exception& error) {
      log::write(log::Level::error, "writing Events or status failed unexpectedly", {{"error", error.what()}});
    }
  }
}

}  // namespace snigate::controller::report
