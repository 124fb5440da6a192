// Limits and deadlines every worker applies to its connections.
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

#include "routing/backend_health.h"
#include "snapshot/source_range.h"

namespace snigate::proxy {

struct ProxySettings {
  std::chrono::milliseconds client_hello_timeout{std::chrono::seconds(5)};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};  // each backend tried
  // All connects of one connection together: a route whose backends all hang gives up after this.
  std::chrono::milliseconds connect_budget{std::chrono::seconds(10)};
  std::size_t max_connect_attempts = 4;  // HAProxy's default: the first try and three retries
  std::chrono::milliseconds idle_timeout{std::chrono::hours(1)};
  // Once one direction has ended, how long the other may stay silent (HAProxy's client-fin and
  // server-fin): a half-closed connection is usually one whose peer has gone away.
  std::chrono::milliseconds half_close_timeout{std::chrono::minutes(1)};
  std::size_t max_client_hello_bytes = 64 * 1024;
  std::size_t client_hello_memory = 64 * 1024 * 1024;  // all incomplete hellos of the process
  // From the open-file limit (proxy/descriptor_plan.h) and fs.pipe-user-pages-soft (io/pipe_budget.h).
  std::size_t idle_pipes_per_worker = 256;
  // Load balancers whose PROXY protocol headers --proxy-protocol-listen listeners believe; any
  // other source is refused there, for it could claim to be any client.
  std::vector<snapshot::SourceRange> proxy_protocol_from;
  // The access log: a line per connection (--access-log), kept for this share of the connections
  // that end well (--access-log-sample); the others are always logged.
  // Passive outlier detection (--outlier-failures, --outlier-ejection, --outlier-max-ejection).
  routing::BackendHealth::Policy outlier_detection;
  bool access_log = true;
  double access_log_sample = 1.0;
};

}  // namespace snigate::proxy
