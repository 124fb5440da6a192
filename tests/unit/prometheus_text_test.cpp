// The /metrics body: Prometheus text exposition of the summed worker counters and snapshot state.
#include "metrics/prometheus_text.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace snigate::metrics {
namespace {

std::size_t outcome(Outcome value) { return static_cast<std::size_t>(value); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool has_line(const std::string& text, const std::string& line) {
  for (const auto& candidate : lines_of(text)) {
    if (candidate == line) return true;
  }
  return false;
}

std::size_t lines_starting_with(const std::string& text, const std::string& prefix) {
  std::size_t count = 0;
  for (const auto& line : lines_of(text)) count += line.starts_with(prefix) ? 1 : 0;
  return count;
}

Totals two_workers_summed() {
  Totals worker0, worker1;
  worker0.route("a.example.com").connections[outcome(Outcome::ok)] = 2;
  worker0.route("a.example.com").bytes_from_client = 100;
  worker0.route("a.example.com").bytes_to_client = 4000;
  worker1.route("a.example.com").connections[outcome(Outcome::ok)] = 1;
  worker1.route("a.example.com").connections[outcome(Outcome::connect_failed)] = 1;
  worker1.route("a.example.com").connect_failures = 2;
  worker1.route("a.example.com").bytes_from_client = 50;
  worker1.route(kUnroutedLabel).connections[outcome(Outcome::no_route)] = 4;
  worker0.hello_errors[hello_error_index(tls::HelloError::http_request)] = 1;
  worker1.hello_errors[hello_error_index(tls::HelloError::http_request)] = 2;
  worker1.hello_errors[kHelloTimeoutIndex] = 5;
  worker0.accepted = 10;
  worker1.accepted = 11;
  worker0.active = 1;
  worker1.active = 2;
  Totals total;
  total += worker0;
  total += worker1;
  return total;
}

std::string rendered(const Totals& total = two_workers_summed()) {
  control::ApplyStats stats;
  stats.generation = 42;
  stats.routes = 3;
  stats.applied = 5;
  stats.rejected = 1;
  stats.last_apply_seconds = 0.00025;
  stats.ready = true;
  stats.last_applied_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795860000500));
  return render_prometheus(total, stats, ProcessState{2, false});
}

TEST(PrometheusText, ConnectionsAreCountedPerRouteAndOutcomeSummedOverWorkers) {
  auto text = rendered();
  EXPECT_TRUE(has_line(text, R"(snigate_connections_total{route="a.example.com",outcome="ok"} 3)")) << text;
  EXPECT_TRUE(has_line(text, R"(snigate_connections_total{route="a.example.com",outcome="connect_failed"} 1)"));
  EXPECT_TRUE(has_line(text, R"(snigate_connections_total{route="-",outcome="no_route"} 4)"));
}

TEST(PrometheusText, OutcomesThatNeverHappenedAreLeftOut) {
  EXPECT_EQ(lines_starting_with(rendered(), "snigate_connections_total{"), 3u);
}

TEST(PrometheusText, BytesAndConnectFailuresAreCountedForRoutedConnectionsOnly) {
  auto text = rendered();
  EXPECT_TRUE(has_line(text, R"(snigate_bytes_total{route="a.example.com",direction="from_client"} 150)"));
  EXPECT_TRUE(has_line(text, R"(snigate_bytes_total{route="a.example.com",direction="to_client"} 4000)"));
  EXPECT_TRUE(has_line(text, R"(snigate_backend_connect_failures_total{route="a.example.com"} 2)"));
  EXPECT_EQ(text.find(R"(route="-",direction)"), std::string::npos);
  EXPECT_EQ(text.find(R"(snigate_backend_connect_failures_total{route="-"})"), std::string::npos);
}

TEST(PrometheusText, EveryHelloErrorReasonIsListedEvenAtZero) {
  auto text = rendered();
  EXPECT_EQ(lines_starting_with(text, "snigate_client_hello_errors_total{"), kHelloErrorCount);
  EXPECT_TRUE(has_line(text, R"(snigate_client_hello_errors_total{reason="http_request"} 3)"));
  EXPECT_TRUE(has_line(text, R"(snigate_client_hello_errors_total{reason="timeout"} 5)"));
  EXPECT_TRUE(has_line(text, R"(snigate_client_hello_errors_total{reason="malformed"} 0)"));
}

TEST(PrometheusText, ProcessAndSnapshotStateAreGauges) {
  auto text = rendered();
  EXPECT_TRUE(has_line(text, "snigate_accepted_connections_total 21"));
  EXPECT_TRUE(has_line(text, "snigate_active_connections 3"));
  EXPECT_TRUE(has_line(text, "snigate_snapshot_generation 42"));
  EXPECT_TRUE(has_line(text, "snigate_snapshot_routes 3"));
  EXPECT_TRUE(has_line(text, "snigate_snapshots_applied_total 5"));
  EXPECT_TRUE(has_line(text, "snigate_snapshots_rejected_total 1"));
  EXPECT_TRUE(has_line(text, "snigate_snapshot_apply_seconds 0.00025"));
  EXPECT_TRUE(has_line(text, "snigate_workers 2"));
  EXPECT_TRUE(has_line(text, "snigate_draining 0"));
}

TEST(PrometheusText, TimestampKeepsEveryDigit) {
  EXPECT_TRUE(has_line(rendered(), "snigate_snapshot_last_applied_timestamp_seconds 1795860000.5"));
}

TEST(PrometheusText, TimestampIsZeroBeforeAnySnapshot) {
  auto text = render_prometheus(Totals{}, control::ApplyStats{}, ProcessState{1, true});
  EXPECT_TRUE(has_line(text, "snigate_snapshot_last_applied_timestamp_seconds 0"));
  EXPECT_TRUE(has_line(text, "snigate_draining 1"));
}

TEST(PrometheusText, LabelValuesAreEscaped) {
  Totals total;
  total.route("a\"b\\c\nd").connections[outcome(Outcome::ok)] = 1;
  EXPECT_TRUE(has_line(rendered(total), R"(snigate_connections_total{route="a\"b\\c\nd",outcome="ok"} 1)"));
}

TEST(PrometheusText, EverySampleBelongsToAFamilyWithOneHelpAndOneType) {
  std::map<std::string, int> help, type;
  std::set<std::string> sampled;
  for (const auto& line : lines_of(rendered())) {
    ASSERT_FALSE(line.empty());
    std::istringstream words(line);
    std::string first, name;
    words >> first;
    if (first == "#") {
      std::string kind;
      words >> kind >> name;
      (kind == "HELP" ? help : type)[name]++;
      if (kind == "TYPE") {
        std::string metric_type;
        words >> metric_type;
        EXPECT_TRUE(metric_type == "counter" || metric_type == "gauge") << line;
      }
    } else {
      sampled.insert(first.substr(0, first.find('{')));
    }
  }
  EXPECT_EQ(help.size(), type.size());
  for (const auto& [name, count] : type) {
    EXPECT_EQ(count, 1) << name;
    EXPECT_EQ(help[name], 1) << name;
  }
  for (const auto& name : sampled) EXPECT_EQ(type.count(name), 1u) << name << " has no # TYPE";
}

}  // namespace
}  // namespace snigate::metrics
