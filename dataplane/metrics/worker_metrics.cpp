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
    case Outcome::source_denied: return "source_denied";
    case Outcome::source_rate_limited: return "source_rate_limited";
    case Outcome::proxy_header_error: return "proxy_header_error";
    case Outcome::route_full: return "route_full";
  }
  return "unknown";
}

std::string_view hello_error_name(std::size_t index) {
  if (index == kHelloTimeoutIndex) return "timeout";
  if (index == kHelloClientClosedIndex) return "client_closed";
  return tls::to_string(static_cast<tls::HelloError>(index));
}

RouteTotals& RouteTotals::operator+=(const RouteTotals& other) {
  for (std::size_t i = 0; i < kOutcomeCount; ++i) connections[i] += other.connections[i];
  bytes_from_client += other.bytes_from_client;
  bytes_to_client += other.bytes_to_client;
  connect_failures += other.connect_failures;
  open += other.open;
  backend_connect += other.backend_connect;
  duration += other.duration;
  return *this;
}

RouteTotals& Totals::route(std::string_view name) {
  auto it = routes.find(name);
  if (it == routes.end()) it = routes.emplace(std::string(name), RouteTotals{}).first;
  return it->second;
}

Totals& Totals::operator+=(const Totals& other) {
  for (const auto& [name, counters] : other.routes) route(name) += counters;
  for (std::size_t i = 0; i < kHelloErrorCount; ++i) hello_errors[i] += other.hello_errors[i];
  client_hello_wait += other.client_hello_wait;
  accepted += other.accepted;
  rejected_over_capacity += other.rejected_over_capacity;
  accept_pauses += other.accept_pauses;
  active += other.active;
  pipes_idle += other.pipes_idle;
  pipes_shrunk += other.pipes_shrunk;
  log_lines_dropped += other.log_lines_dropped;
  return *this;
}

void RouteCounters::add_to(RouteTotals& totals) const {
  for (std::size_t i = 0; i < kOutcomeCount; ++i) totals.connections[i] += connections[i];
  totals.bytes_from_client += bytes_from_client;
  totals.bytes_to_client += bytes_to_client;
  totals.connect_failures += connect_failures;
  backend_connect.add_to(totals.backend_connect);
  duration.add_to(totals.duration);
}

RouteMetrics::RouteMetrics(std::size_t workers)
    : workers_(workers), per_worker_(new std::atomic<RouteCounters*>[workers]) {
  for (std::size_t i = 0; i < workers_; ++i) per_worker_[i].store(nullptr, std::memory_order_relaxed);
}

RouteMetrics::~RouteMetrics() {
  for (std::size_t i = 0; i < workers_; ++i) delete per_worker_[i].load(std::memory_order_acquire);
}

RouteCounters& RouteMetrics::of(std::size_t worker) {
  RouteCounters* counters = per_worker_[worker].load(std::memory_order_relaxed);
  if (counters == nullptr) {
    counters = new RouteCounters();
    per_worker_[worker].store(counters, std::memory_order_release);  // a scrape sees it whole
  }
  return *counters;
}

bool RouteMetrics::used() const {
  for (std::size_t i = 0; i < workers_; ++i) {
    if (per_worker_[i].load(std::memory_order_relaxed) != nullptr) return true;
  }
  return false;
}

void RouteMetrics::add_to(RouteTotals& totals) const {
  for (std::size_t i = 0; i < workers_; ++i) {
    if (const RouteCounters* counters = per_worker_[i].load(std::memory_order_acquire)) counters->add_to(totals);
  }
  totals.open += open_.load(std::memory_order_relaxed);
}

bool RouteMetrics::try_open(std::uint32_t limit) {
  // Counted for every route (one shared add per connection): a limit set later sees them all.
  if (open_.fetch_add(1, std::memory_order_relaxed) < limit || limit == 0) return true;
  open_.fetch_sub(1, std::memory_order_relaxed);
  return false;
}

void WorkerMetrics::add_to(Totals& totals) const {
  unrouted.add_to(totals.route(kUnroutedLabel));
  for (std::size_t i = 0; i < kHelloErrorCount; ++i) totals.hello_errors[i] += hello_errors[i];
  client_hello_wait.add_to(totals.client_hello_wait);
  totals.accepted += accepted;
  totals.rejected_over_capacity += rejected_over_capacity;
  totals.accept_pauses += accept_pauses;
  totals.active += active;
}

}  // namespace snigate::metrics
