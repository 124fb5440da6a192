// Counters owned by one worker thread and written only by it. A scrape reads them from its own
// thread at any time (they are single-writer atomics) and sums them: no worker is asked for a copy,
// so a busy worker can neither stall a scrape nor be left out of it (which made counters go down).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "metrics/counter.h"
#include "metrics/histogram.h"
#include "tls/client_hello_parser.h"

namespace snigate::metrics {

// How a connection ended, as logged and as counted per route.
enum class Outcome {
  ok,                    // both directions reached end of stream
  client_hello_timeout,  // no complete ClientHello before the deadline
  client_hello_error,    // the first bytes were not a usable ClientHello
  client_closed,         // the client went away before its ClientHello was complete
  no_route,              // no route and no default backend: refused with unrecognized_name
  connect_failed,        // every backend of the route refused or timed out
  no_backend,            // the route has no backends (none ready): refused with internal_error
  idle_timeout,          // no byte either way for --idle-timeout
  reset,                 // a socket error after proxying began
  drain_timeout,         // still open when the --drain-timeout ran out at shutdown
  source_denied,         // the client's address is outside the route's allow_source_ranges: access_denied
  proxy_header_error,    // a --proxy-protocol-listen connection from an untrusted source or without a valid header
  route_full,            // the route already holds its max_connections: refused with internal_error
  source_rate_limited,   // the client's address is over the route's source_connection_rate: internal_error
};
inline constexpr std::size_t kOutcomeCount = 14;
std::string_view to_string(Outcome outcome);

// ClientHello failures: the parser's reasons, then the two that happen around it.
inline constexpr std::size_t kHelloErrorCount = 10;
inline constexpr std::size_t kHelloTimeoutIndex = 8;
inline constexpr std::size_t kHelloClientClosedIndex = 9;
std::string_view hello_error_name(std::size_t index);
inline std::size_t hello_error_index(tls::HelloError error) { return static_cast<std::size_t>(error); }

// Route label for connections that never matched a route.
inline constexpr std::string_view kUnroutedLabel = "-";

// Waits on a peer (a client's ClientHello, a backend's connect) take from well under a millisecond
// on a LAN to seconds over a bad path; beyond 5 s the timeouts end them anyway.
inline constexpr std::array<std::chrono::nanoseconds, 13> kWaitBuckets{
    std::chrono::microseconds(500), std::chrono::milliseconds(1),   std::chrono::microseconds(2500),
    std::chrono::milliseconds(5),   std::chrono::milliseconds(10),  std::chrono::milliseconds(25),
    std::chrono::milliseconds(50),  std::chrono::milliseconds(100), std::chrono::milliseconds(250),
    std::chrono::milliseconds(500), std::chrono::seconds(1),        std::chrono::milliseconds(2500),
    std::chrono::seconds(5)};
// Connections last from a refused hello (milliseconds) to a database session or a websocket (hours).
inline constexpr std::array<std::chrono::nanoseconds, 17> kConnectionDurationBuckets{
    std::chrono::milliseconds(5),   std::chrono::milliseconds(10),  std::chrono::milliseconds(25),
    std::chrono::milliseconds(50),  std::chrono::milliseconds(100), std::chrono::milliseconds(250),
    std::chrono::milliseconds(500), std::chrono::seconds(1),        std::chrono::milliseconds(2500),
    std::chrono::seconds(5),        std::chrono::seconds(10),       std::chrono::seconds(30),
    std::chrono::minutes(1),        std::chrono::minutes(5),        std::chrono::minutes(15),
    std::chrono::minutes(30),       std::chrono::hours(1)};
using WaitHistogram = Histogram<kWaitBuckets>;
using ConnectionDurationHistogram = Histogram<kConnectionDurationBuckets>;

// What a scrape renders: the sums, as plain numbers.
struct RouteTotals {
  std::array<std::uint64_t, kOutcomeCount> connections{};
  std::uint64_t bytes_from_client = 0;
  std::uint64_t bytes_to_client = 0;
  std::uint64_t connect_failures = 0;
  std::uint64_t open = 0;  // routed connections not yet ended
  WaitHistogram::Totals backend_connect;
  ConnectionDurationHistogram::Totals duration;

  RouteTotals& operator+=(const RouteTotals& other);
};

struct Totals {
  std::map<std::string, RouteTotals, std::less<>> routes;
  std::array<std::uint64_t, kHelloErrorCount> hello_errors{};
  WaitHistogram::Totals client_hello_wait;
  std::uint64_t accepted = 0;
  std::uint64_t rejected_over_capacity = 0;
  std::uint64_t accept_pauses = 0;
  std::int64_t active = 0;
  std::uint64_t pipes_idle = 0;
  std::uint64_t pipes_shrunk = 0;
  std::uint64_t log_lines_dropped = 0;

  RouteTotals& route(std::string_view name);
  Totals& operator+=(const Totals& other);
};

// One worker's counters for one route. Whole cache lines of its own: the workers' counters for a
// busy route are written by as many threads at once.
struct alignas(64) RouteCounters {
  std::array<Counter, kOutcomeCount> connections{};
  Counter bytes_from_client;
  Counter bytes_to_client;
  Counter connect_failures;  // failed attempts; a connection may fail over several times
  WaitHistogram backend_connect;  // successful connects only
  ConnectionDurationHistogram duration;  // accept to close

  void add_to(RouteTotals& totals) const;
};

// One route's counters for every worker, shared by every target (and table) that serves the route
// under that name, so that they survive a change of its backends and go away with the route. A
// worker's counters are allocated when it first routes there: routes most workers never serve
// cost a pointer per worker.
class RouteMetrics {
 public:
  explicit RouteMetrics(std::size_t workers);
  ~RouteMetrics();
  RouteMetrics(const RouteMetrics&) = delete;
  RouteMetrics& operator=(const RouteMetrics&) = delete;

  // On `worker`'s thread only.
  RouteCounters& of(std::size_t worker);
  // From any thread. Unused: no worker has routed a connection here yet.
  bool used() const;
  void add_to(RouteTotals& totals) const;

  // The route's open connections, from every worker: one more unless `limit` (0: none) are open.
  bool try_open(std::uint32_t limit);
  void close_one() { open_.fetch_sub(1, std::memory_order_relaxed); }

 private:
  std::atomic<std::uint32_t> open_{0};
  std::size_t workers_;
  std::unique_ptr<std::atomic<RouteCounters*>[]> per_worker_;
};

struct WorkerMetrics {
  RouteCounters unrouted;  // connections that never matched a route
  std::array<Counter, kHelloErrorCount> hello_errors{};
  WaitHistogram client_hello_wait;  // accept to a complete ClientHello, for hellos that parsed
  Counter accepted;
  Counter rejected_over_capacity;
  Counter accept_pauses;  // accept stopped for a while on EMFILE/ENFILE/ENOBUFS/ENOMEM
  Gauge active;

  // Everything but the routes' counters, which their RouteMetrics hold.
  void add_to(Totals& totals) const;
};

}  // namespace snigate::metrics
