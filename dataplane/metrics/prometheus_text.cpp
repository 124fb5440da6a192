#include "metrics/prometheus_text.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <sstream>
#include <string>

namespace snigate::metrics {
namespace {

std::string escape_label(std::string_view value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\' || c == '"') escaped += '\\';
    if (c == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped += c;
  }
  return escaped;
}

// Shortest exact form: the stream's default 6 digits would round a Unix timestamp to 1.79586e+09.
template <typename Value>
std::string number_text(Value value) {
  char text[64];
  auto end = std::to_chars(text, text + sizeof text, value).ptr;
  return std::string(text, static_cast<std::size_t>(end - text));
}

// Fixed notation, never 5e-04: Prometheus takes `le` as a label, and a bucket must keep the text
// every client library gives it ("0.0005") for queries on it to find it.
std::string seconds_text(double seconds) {
  char text[64];
  auto end = std::to_chars(text, text + sizeof text, seconds, std::chars_format::fixed).ptr;
  return std::string(text, static_cast<std::size_t>(end - text));
}

void header(std::ostringstream& out, std::string_view name, std::string_view type, std::string_view help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

template <typename Value>
void single(std::ostringstream& out, std::string_view name, std::string_view type, std::string_view help,
            Value value) {
  header(out, name, type, help);
  out << name << ' ' << number_text(value) << '\n';
}

// One histogram's series: cumulative buckets up to le="+Inf", then _sum and _count. `labels` are
// the series' own (`route="..."`) or empty.
template <typename HistogramSums>
void histogram(std::ostringstream& out, std::string_view name, std::string_view labels, const HistogramSums& totals) {
  const std::string_view separator = labels.empty() ? "" : ",";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < totals.buckets.size(); ++i) {
    cumulative += totals.buckets[i];
    const std::string le = i < totals.upper_bounds.size()
                               ? seconds_text(std::chrono::duration<double>(totals.upper_bounds[i]).count())
                               : "+Inf";
    out << name << "_bucket{" << labels << separator << "le=\"" << le << "\"} " << cumulative << '\n';
  }
  const std::string_view open = labels.empty() ? "" : "{";
  const std::string_view close = labels.empty() ? "" : "}";
  out << name << "_sum" << open << labels << close << ' '
      << seconds_text(static_cast<double>(totals.sum_microseconds) / 1e6) << '\n';
  out << name << "_count" << open << labels << close << ' ' << cumulative << '\n';
}

std::string route_label(std::string_view route) { return "route=\"" + escape_label(route) + "\""; }

}  // namespace

std::string render_prometheus(const Totals& total, const control::ApplyStats& snapshot,
                              const ProcessState& process) {
  std::ostringstream out;
  header(out, "snigate_connections_total", "counter", "Finished client connections by route and outcome.");
  for (const auto& [route, counters] : total.routes) {
    for (std::size_t i = 0; i < kOutcomeCount; ++i) {
      if (counters.connections[i] == 0) continue;
      out << "snigate_connections_total{route=\"" << escape_label(route) << "\",outcome=\""
          << to_string(static_cast<Outcome>(i)) << "\"} " << counters.connections[i] << '\n';
    }
  }
  header(out, "snigate_bytes_total", "counter", "Bytes proxied by route and direction.");
  for (const auto& [route, counters] : total.routes) {
    if (route == kUnroutedLabel) continue;
    out << "snigate_bytes_total{route=\"" << escape_label(route) << "\",direction=\"from_client\"} "
        << counters.bytes_from_client << '\n';
    out << "snigate_bytes_total{route=\"" << escape_label(route) << "\",direction=\"to_client\"} "
        << counters.bytes_to_client << '\n';
  }
  header(out, "snigate_backend_connect_failures_total", "counter",
         "Failed backend connection attempts (refused or timed out) by route.");
  for (const auto& [route, counters] : total.routes) {
    if (route == kUnroutedLabel) continue;
    out << "snigate_backend_connect_failures_total{route=\"" << escape_label(route) << "\"} "
        << counters.connect_failures << '\n';
  }
  header(out, "snigate_route_connections_open", "gauge", "Routed connections not yet ended, by route (what max_connections limits).");
  for (const auto& [route, counters] : total.routes) {
    if (route == kUnroutedLabel) continue;
    out << "snigate_route_connections_open{route=\"" << escape_label(route) << "\"} " << counters.open << '\n';
  }
  header(out, "snigate_backend_connect_seconds", "histogram",
         "Time to connect to a backend, by route: successful connects only (failed attempts: snigate_backend_connect_failures_total).");
  for (const auto& [route, counters] : total.routes) {
    if (route == kUnroutedLabel) continue;
    histogram(out, "snigate_backend_connect_seconds", route_label(route), counters.backend_connect);
  }
  header(out, "snigate_connection_duration_seconds", "histogram",
         "Time from accept to close of finished client connections, by route.");
  for (const auto& [route, counters] : total.routes) {
    histogram(out, "snigate_connection_duration_seconds", route_label(route), counters.duration);
  }
  header(out, "snigate_client_hello_wait_seconds", "histogram",
         "Time from accept to a complete ClientHello, for hellos that parsed.");
  histogram(out, "snigate_client_hello_wait_seconds", "", total.client_hello_wait);
  header(out, "snigate_client_hello_errors_total", "counter", "Connections closed before routing, by reason.");
  for (std::size_t i = 0; i < kHelloErrorCount; ++i) {
    out << "snigate_client_hello_errors_total{reason=\"" << hello_error_name(i) << "\"} " << total.hello_errors[i]
        << '\n';
  }
  single(out, "snigate_active_connections", "gauge", "Open client connections.", total.active);
  single(out, "snigate_accepted_connections_total", "counter", "Accepted client connections.", total.accepted);
  single(out, "snigate_rejected_over_capacity_total", "counter",
         "Connections closed at once because --max-connections was reached.", total.rejected_over_capacity);
  single(out, "snigate_accept_pauses_total", "counter",
         "Times accepting paused because the process ran out of descriptors or memory.", total.accept_pauses);
  single(out, "snigate_idle_pipes", "gauge", "Pipes kept in the workers' pools for splice.", total.pipes_idle);
  single(out, "snigate_pipes_shrunk_total", "counter",
         "New pipes the kernel made smaller than 64 KiB: the uid is over fs.pipe-user-pages-soft.",
         total.pipes_shrunk);
  single(out, "snigate_log_lines_dropped_total", "counter",
         "Log lines dropped because the log output could not keep up (workers never wait for it).",
         total.log_lines_dropped);
  single(out, "snigate_snapshot_generation", "gauge", "Generation of the route snapshot in use.", snapshot.generation);
  single(out, "snigate_snapshot_routes", "gauge", "Routes in the snapshot in use.", snapshot.routes);
  single(out, "snigate_snapshots_applied_total", "counter", "Snapshots accepted and swapped in.", snapshot.applied);
  single(out, "snigate_snapshots_rejected_total", "counter", "Snapshots refused; the old routes kept serving.",
         snapshot.rejected);
  single(out, "snigate_snapshots_unchanged_total", "counter",
         "Snapshots equal to the one in use: acknowledged, nothing rebuilt.", snapshot.unchanged);
  single(out, "snigate_snapshot_apply_seconds", "gauge", "Time to build and swap in the last accepted snapshot.",
         snapshot.last_apply_seconds);
  single(out, "snigate_snapshot_last_applied_timestamp_seconds", "gauge",
         "Unix time the last snapshot was applied (0: never).",
         snapshot.ready ? std::chrono::duration<double>(snapshot.last_applied_at.time_since_epoch()).count() : 0.0);
  single(out, "snigate_workers", "gauge", "Worker threads.", process.workers);
  single(out, "snigate_backend_ejections_total", "counter",
         "Backends ejected by passive outlier detection (connects failed in a row), every backend together.",
         process.ejections);
  single(out, "snigate_backends_ejected", "gauge", "Backends passed over now by passive outlier detection.",
         std::count_if(process.outliers.begin(), process.outliers.end(), [](const BackendOutlier& b) { return b.ejected; }));
  header(out, "snigate_backend_ejected", "gauge",
         "1 while a backend is ejected; only backends with failed connects in a row or an ejection behind them (at most 4096).");
  for (const auto& outlier : process.outliers) {
    out << "snigate_backend_ejected{backend=\"" << escape_label(outlier.backend) << "\"} " << (outlier.ejected ? 1 : 0) << '\n';
  }
  header(out, "snigate_backend_consecutive_failures", "gauge",
         "Connects to a backend failed in a row; the backends of snigate_backend_ejected.");
  for (const auto& outlier : process.outliers) {
    out << "snigate_backend_consecutive_failures{backend=\"" << escape_label(outlier.backend) << "\"} "
        << outlier.consecutive_failures << '\n';
  }
  single(out, "snigate_draining", "gauge", "1 once the listeners are closed (SIGTERM or POST /drain): not accepting, /readyz failing.", process.draining ? 1 : 0);
  return out.str();
}

}  // namespace snigate::metrics
