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
  worker0.route("a.example.com").backend_connect.buckets[0] = 2;  // le 0.0005
  worker1.route("a.example.com").backend_connect.buckets[2] = 1;  // le 0.0025
  worker1.route("a.example.com").backend_connect.buckets.back() = 1;
  worker0.route("a.example.com").backend_connect.sum_microseconds = 1'000'000;
  worker1.route("a.example.com").backend_connect.sum_microseconds = 500'000;
  worker0.route("a.example.com").duration.buckets[7] = 3;  // le 1
  worker1.route(kUnroutedLabel).duration.buckets[0] = 4;
  worker0.client_hello_wait.buckets[1] = 5;  // le 0.001
  worker1.client_hello_wait.buckets[1] = 1;
  worker1.client_hello_wait.sum_microseconds = 2'500;
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

TEST(PrometheusText, HistogramBucketsAreCumulativeWithTheirBoundInSeconds) {
  auto text = rendered();
  const std::string bucket = "snigate_backend_connect_seconds_bucket{route=\"a.example.com\",";
  EXPECT_TRUE(has_line(text, bucket + R"(le="0.0005"} 2)")) << text;
  EXPECT_TRUE(has_line(text, bucket + R"(le="0.001"} 2)"));
  EXPECT_TRUE(has_line(text, bucket + R"(le="0.0025"} 3)"));
  EXPECT_TRUE(has_line(text, bucket + R"(le="5"} 3)"));
  EXPECT_TRUE(has_line(text, bucket + R"(le="+Inf"} 4)"));
  EXPECT_TRUE(has_line(text, R"(snigate_backend_connect_seconds_sum{route="a.example.com"} 1.5)"));
  EXPECT_TRUE(has_line(text, R"(snigate_backend_connect_seconds_count{route="a.example.com"} 4)"));
  EXPECT_EQ(lines_starting_with(text, bucket), kWaitBuckets.size() + 1);
}

TEST(PrometheusText, ConnectionDurationSpansAnHourAndCountsUnroutedConnectionsToo) {
  auto text = rendered();
  EXPECT_TRUE(has_line(text, R"(snigate_connection_duration_seconds_bucket{route="a.example.com",le="0.5"} 0)"));
  EXPECT_TRUE(has_line(text, R"(snigate_connection_duration_seconds_bucket{route="a.example.com",le="1"} 3)"));
  EXPECT_TRUE(has_line(text, R"(snigate_connection_duration_seconds_bucket{route="a.example.com",le="3600"} 3)"));
  EXPECT_TRUE(has_line(text, R"(snigate_connection_duration_seconds_bucket{route="-",le="0.005"} 4)"));
  EXPECT_TRUE(has_line(text, R"(snigate_connection_duration_seconds_count{route="-"} 4)"));
  EXPECT_EQ(text.find(R"(snigate_backend_connect_seconds_count{route="-"})"), std::string::npos);
}

TEST(PrometheusText, ClientHelloWaitIsOneHistogramWithoutLabels) {
  auto text = rendered();
  EXPECT_TRUE(has_line(text, R"(snigate_client_hello_wait_seconds_bucket{le="0.0005"} 0)"));
  EXPECT_TRUE(has_line(text, R"(snigate_client_hello_wait_seconds_bucket{le="0.001"} 6)"));
  EXPECT_TRUE(has_line(text, R"(snigate_client_hello_wait_seconds_bucket{le="+Inf"} 6)"));
  EXPECT_TRUE(has_line(text, "snigate_client_hello_wait_seconds_sum 0.0025"));
  EXPECT_TRUE(has_line(text, "snigate_client_hello_wait_seconds_count 6"));
}

// What Prometheus requires of a histogram's series: le increasing and ending at +Inf, counts never
// going down, and the +Inf bucket equal to _count.
TEST(PrometheusText, EveryHistogramSeriesIsCumulativeAndEndsAtPlusInfEqualToItsCount) {
  struct Series {
    std::vector<std::pair<std::string, std::uint64_t>> buckets;  // le, count
  };
  std::map<std::string, Series> series;  // by name and labels other than le
  std::map<std::string, std::uint64_t> counts;
  for (const auto& line : lines_of(rendered())) {
    if (line.starts_with("#")) continue;
    const auto space = line.rfind(' ');
    const std::string key = line.substr(0, space);
    const std::string value = line.substr(space + 1);
    if (const auto at = key.find("_bucket{"); at != std::string::npos) {
      const auto le = key.find("le=\"");
      ASSERT_NE(le, std::string::npos) << line;
      std::string labels = key.substr(0, le) + key.substr(key.find('"', le + 4) + 1);
      series[labels].buckets.emplace_back(key.substr(le + 4, key.find('"', le + 4) - le - 4), std::stoull(value));
    } else if (const auto at_count = key.find("_count"); at_count != std::string::npos) {
      counts[key.substr(0, at_count) + "_bucket" + key.substr(at_count + 6)] = std::stoull(value);
    }
  }
  ASSERT_FALSE(series.empty());
  for (const auto& [labels, histogram] : series) {
    ASSERT_GE(histogram.buckets.size(), 2u) << labels;
    EXPECT_EQ(histogram.buckets.back().first, "+Inf") << labels;
    for (std::size_t i = 1; i < histogram.buckets.size(); ++i) {
      EXPECT_GE(histogram.buckets[i].second, histogram.buckets[i - 1].second) << labels;
      if (i + 1 < histogram.buckets.size()) {
        EXPECT_GT(std::stod(histogram.buckets[i].first), std::stod(histogram.buckets[i - 1].first)) << labels;
      }
    }
    std::string count_key = labels;
    if (count_key.ends_with("{}")) count_key.resize(count_key.size() - 2);  // le was the only label
    if (count_key.ends_with(",}")) count_key.replace(count_key.size() - 2, 2, "}");
    ASSERT_TRUE(counts.contains(count_key)) << count_key;
    EXPECT_EQ(counts[count_key], histogram.buckets.back().second) << labels;
  }
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
  std::set<std::string> sampled, histograms;
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
        EXPECT_TRUE(metric_type == "counter" || metric_type == "gauge" || metric_type == "histogram") << line;
        if (metric_type == "histogram") histograms.insert(name);
      }
    } else {
      sampled.insert(first.substr(0, first.find('{')));
    }
  }
  // A histogram's samples are named after its family with a suffix.
  for (const auto& family : histograms) {
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      EXPECT_EQ(sampled.erase(family + suffix), 1u) << family << suffix;
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
