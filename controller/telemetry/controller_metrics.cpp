#include "telemetry/controller_metrics.h"

#include <sstream>

namespace snigate::controller::telemetry {

KindCounters& ControllerMetrics::kind(std::string_view kind) {
  std::lock_guard lock(mutex_);
  auto found = kinds_.find(kind);
  if (found == kinds_.end()) found = kinds_.emplace(std::string(kind), std::make_unique<KindCounters>()).first;
  return *found->second;
}

void ControllerMetrics::observe_push_latency(double seconds) {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < kPushLatencyBuckets.size(); ++i) {
    if (seconds <= kPushLatencyBuckets[i]) ++latency_buckets_[i];
  }
  ++latency_count_;
  latency_sum_ += seconds;
}

std::string ControllerMetrics::prometheus_text() const {
  std::ostringstream out;
  auto counter = [&](std::string_view name, std::string_view help, std::uint64_t value) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " counter\n" << name << ' ' << value << '\n';
  };
  auto gauge = [&](std::string_view name, std::string_view help, auto value) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " gauge\n" << name << ' ' << value << '\n';
  };
  std::lock_guard lock(mutex_);
  auto per_kind = [&](std::string_view name, std::string_view help, std::atomic<std::uint64_t> KindCounters::*field) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " counter\n";
    for (const auto& [kind, counters] : kinds_) out << name << "{kind=\"" << kind << "\"} " << ((*counters).*field).load() << '\n';
  };
  per_kind("snigate_controller_lists_total", "Successful full lists of a kind.", &KindCounters::lists);
  per_kind("snigate_controller_relists_total", "Lists after the first (after 410 Gone or an error).", &KindCounters::relists);
  per_kind("snigate_controller_watch_restarts_total", "Watches opened again after the first.", &KindCounters::watch_restarts);
  per_kind("snigate_controller_watch_events_total", "Watch events handled.", &KindCounters::events_handled);
  counter("snigate_controller_translations_total", "Translations of the object store into a snapshot.", translations);
  counter("snigate_controller_translation_failures_total",
          "Translation passes that failed unexpectedly; the last good snapshot kept serving.", translation_failures);
  gauge("snigate_controller_routes", "Routes in the current snapshot.", routes.load());
  gauge("snigate_controller_problems", "Objects currently reported as invalid or conflicting.", problems.load());
  counter("snigate_controller_pushes_total", "Snapshots the dataplane accepted.", pushes);
  counter("snigate_controller_push_rejections_total", "Snapshots the dataplane refused.", push_rejections);
  counter("snigate_controller_push_failures_total", "Pushes that failed to reach the dataplane.", push_failures);
  counter("snigate_controller_events_recorded_total", "Kubernetes Events written.", events_recorded);
  counter("snigate_controller_ingress_status_updates_total", "Ingress statuses written.", status_updates);
  counter("snigate_controller_gateway_api_status_updates_total", "GatewayClass, Gateway and TLSRoute statuses written.",
          gateway_api_status_updates);
  gauge("snigate_controller_leader", "1 while this replica holds the leader Lease.", leader.load());

  constexpr std::string_view latency = "snigate_controller_push_latency_seconds";
  out << "# HELP " << latency << " From an object change to the dataplane's ack.\n# TYPE " << latency << " histogram\n";
  for (std::size_t i = 0; i < kPushLatencyBuckets.size(); ++i) {
    out << latency << "_bucket{le=\"" << kPushLatencyBuckets[i] << "\"} " << latency_buckets_[i] << '\n';
  }
  out << latency << "_bucket{le=\"+Inf\"} " << latency_count_ << '\n';
  out << latency << "_sum " << latency_sum_ << '\n' << latency << "_count " << latency_count_ << '\n';
  return out.str();
}

}  // namespace snigate::controller::telemetry
