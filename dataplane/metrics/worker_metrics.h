// Counters owned by one worker thread and touched only by it; a scrape copies each worker's set on
// that worker's own thread and sums them, so the hot path needs no atomics.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

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
};
inline constexpr std::size_t kOutcomeCount = 10;
std::string_view to_string(Outcome outcome);

// ClientHello failures: the parser's reasons, then the two that happen around it.
inline constexpr std::size_t kHelloErrorCount = 10;
inline constexpr std::size_t kHelloTimeoutIndex = 8;
inline constexpr std::size_t kHelloClientClosedIndex = 9;
std::string_view hello_error_name(std::size_t index);
inline std::size_t hello_error_index(tls::HelloError error) { return static_cast<std::size_t>(error); }

// Route label for connections that never matched a route.
inline constexpr std::string_view kUnroutedLabel = "-";

struct RouteCounters {
  std::array<std::uint64_t, kOutcomeCount> connections{};
  std::uint64_t bytes_from_client = 0;
  std::uint64_t bytes_to_client = 0;
  std::uint64_t connect_failures = 0;  // failed attempts; a connection may fail over several times

  RouteCounters& operator+=(const RouteCounters& other);
};

struct WorkerMetrics {
  std::map<std::string, RouteCounters, std::less<>> routes;  // node-stable: connections keep pointers
  std::array<std::uint64_t, kHelloErrorCount> hello_errors{};
  std::uint64_t accepted = 0;
  std::uint64_t rejected_over_capacity = 0;
  std::uint64_t accept_pauses = 0;  // accept stopped for a while on EMFILE/ENFILE/ENOBUFS/ENOMEM
  std::int64_t active = 0;
  std::uint64_t pipes_idle = 0;

  RouteCounters& route(std::string_view name);
  WorkerMetrics& operator+=(const WorkerMetrics& other);
};

}  // namespace snigate::metrics
