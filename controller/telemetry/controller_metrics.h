// The controller's counters and gauges, rendered in the Prometheus text format for /metrics.
// Nothing here is on a hot path, so plain atomics are enough.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace snigate::controller::telemetry {

struct KindCounters {
  std::atomic<std::uint64_t> lists{0};           // successful full lists, the first one included
  std::atomic<std::uint64_t> relists{0};         // lists after the first (410 Gone, errors)
  std::atomic<std::uint64_t> watch_restarts{0};  // watches opened after the first
  std::atomic<std::uint64_t> events_handled{0};  // ADDED, MODIFIED, DELETED, BOOKMARK
};

class ControllerMetrics {
 public:
  static constexpr std::array<double, 10> kPushLatencyBuckets{0.005, 0.01, 0.025, 0.05, 0.1,
                                                              0.25, 0.5, 1, 2.5, 5};

  KindCounters& kind(std::string_view kind);

  std::atomic<std::uint64_t> pushes{0};            // snapshots the dataplane accepted
  std::atomic<std::uint64_t> push_rejections{0};   // snapshots it refused, with a reason
  std::atomic<std::uint64_t> push_failures{0};     // connection or protocol failures
  std::atomic<std::uint64_t> translations{0};
  std::atomic<std::uint64_t> translation_failures{0};
  std::atomic<std::uint64_t> routes{0};
  std::atomic<std::uint64_t> problems{0};          // objects currently reported as invalid
  std::atomic<std::uint64_t> events_recorded{0};   // Kubernetes Events written
  std::atomic<std::uint64_t> status_updates{0};    // Ingress statuses written
  std::atomic<std::uint64_t> gateway_api_status_updates{0};  // GatewayClass, Gateway and TLSRoute statuses written
  std::atomic<int> leader{0};

  // From a change in the object store to the dataplane's ack.
  void observe_push_latency(double seconds);

  std::string prometheus_text() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<KindCounters>, std::less<>> kinds_;
  std::array<std::uint64_t, kPushLatencyBuckets.size()> latency_buckets_{};
  std::uint64_t latency_count_ = 0;
  double latency_sum_ = 0;
};

}  // namespace snigate::controller::telemetry
