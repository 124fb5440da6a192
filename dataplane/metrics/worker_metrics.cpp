#include "metrics/worker_metrics.h"

namespace snigate::metrics {

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::ok: return "ok";
    case Outcome::client_hello_timeout: return "client_hello_timeout";
    case Outcome::client_hello_error: return "client_hello_error";
    case Outcome::client_closed: return "client_closed";
    case Outcome::no_route: return "no_route";
    case Outcome::connect_failed: return "connect_failed";
    case Outcome::no_backend: return "no_backend";
    case Outcome::idle_timeout: return "idle_timeout";
    case Outcome::reset: return "reset";
    case Outcome::drain_timeout: return "drain_timeout";
  }
  return "unknown";
}

std::string_view hello_error_name(std::size_t index) {
  if (index == kHelloTimeoutIndex) return "timeout";
  if (index == kHelloClientClosedIndex) return "client_closed";
  return tls::to_string(static_cast<tls::HelloError>(index));
}

RouteCounters& RouteCounters::operator+=(const RouteCounters& other) {
  for (std::size_t i = 0; i < kOutcomeCount; ++i) connections[i] += other.connections[i];
  bytes_from_client += other.bytes_from_client;
  bytes_to_client += other.bytes_to_client;
  connect_failures += other.connect_failures;
  return *this;
}

RouteCounters& WorkerMetrics::route(std::string_view name) {
  auto it = routes.find(name);
  if (it == routes.end()) it = routes.emplace(std::string(name), RouteCounters{}).first;
  return it->second;
}

WorkerMetrics& WorkerMetrics::operator+=(const WorkerMetrics& other) {
  for (const auto& [name, counters] : other.routes) route(name) += counters;
  for (std::size_t i = 0; i < kHelloErrorCount; ++i) hello_errors[i] += other.hello_errors[i];
  accepted += other.accepted;
  rejected_over_capacity += other.rejected_over_capacity;
  accept_pauses += other.accept_pauses;
  active += other.active;
  pipes_idle += other.pipes_idle;
  return *this;
}

}  // namespace snigate::metrics
