// WorkerMetrics and RouteMetrics: per-worker counters, and how a scrape sums them.
#include "metrics/worker_metrics.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace snigate::metrics {
namespace {

std::size_t outcome(Outcome value) { return static_cast<std::size_t>(value); }

TEST(RouteMetrics, EachWorkerGetsItsCountersOnFirstUseAndKeepsThem) {
  RouteMetrics route(3);
  EXPECT_FALSE(route.used());
  RouteCounters& first = route.of(1);
  first.bytes_from_client += 10;
  EXPECT_TRUE(route.used());
  EXPECT_EQ(&route.of(1), &first);
  EXPECT_NE(&route.of(0), &first);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(&first) % 64, 0u) << "a cache line of its own";
}

// docs/dataplane.md promises this much per route and worker.
TEST(RouteMetrics, ARoutesCountersForOneWorkerTakeUnder512Bytes) { EXPECT_LE(sizeof(RouteCounters), 512u); }

TEST(RouteMetrics, SumsEveryWorkersCounters) {
  RouteMetrics route(2);
  ++route.of(0).connections[outcome(Outcome::ok)];
  ++route.of(0).connections[outcome(Outcome::ok)];
  route.of(0).bytes_from_client += 100;
  route.of(0).connect_failures += 1;
  ++route.of(1).connections[outcome(Outcome::ok)];
  route.of(1).bytes_from_client += 50;
  route.of(1).bytes_to_client += 1000;
  RouteTotals total;
  route.add_to(total);
  EXPECT_EQ(total.connections[outcome(Outcome::ok)], 3u);
  EXPECT_EQ(total.bytes_from_client, 150u);
  EXPECT_EQ(total.bytes_to_client, 1000u);
  EXPECT_EQ(total.connect_failures, 1u);
}

TEST(RouteMetrics, SumsEveryWorkersHistograms) {
  RouteMetrics route(2);
  route.of(0).backend_connect.observe(std::chrono::microseconds(300));
  route.of(1).backend_connect.observe(std::chrono::milliseconds(3));
  route.of(1).duration.observe(std::chrono::hours(2));
  RouteTotals total;
  route.add_to(total);
  EXPECT_EQ(total.backend_connect.count(), 2u);
  EXPECT_EQ(total.backend_connect.buckets[0], 1u) << "le 0.0005";
  EXPECT_EQ(total.backend_connect.buckets[3], 1u) << "le 0.005";
  EXPECT_EQ(total.backend_connect.sum_microseconds, 3300u);
  EXPECT_EQ(total.duration.buckets.back(), 1u) << "+Inf: longer than the last bound, an hour";
}

TEST(RouteMetrics, RouteTotalsAddTheirHistograms) {
  RouteMetrics a(1), b(1);
  a.of(0).duration.observe(std::chrono::seconds(1));
  b.of(0).duration.observe(std::chrono::seconds(2));
  RouteTotals first, second;
  a.add_to(first);
  b.add_to(second);
  first += second;
  EXPECT_EQ(first.duration.count(), 2u);
  EXPECT_EQ(first.duration.sum_microseconds, 3'000'000u);
}

TEST(WorkerMetrics, SummingAddsEveryWorkersCountersAndTheUnroutedOnes) {
  WorkerMetrics worker0, worker1;
  ++worker0.unrouted.connections[outcome(Outcome::no_route)];
  worker0.hello_errors[hello_error_index(tls::HelloError::malformed)] += 3;
  worker0.accepted += 5;
  worker0.active += 2;
  ++worker1.unrouted.connections[outcome(Outcome::no_route)];
  ++worker1.hello_errors[hello_error_index(tls::HelloError::malformed)];
  worker1.hello_errors[kHelloTimeoutIndex] += 2;
  worker1.accepted += 8;
  ++worker1.rejected_over_capacity;
  worker1.accept_pauses += 2;
  ++worker1.active;
  --worker1.active;
  ++worker1.active;
  worker0.client_hello_wait.observe(std::chrono::milliseconds(1));
  worker1.client_hello_wait.observe(std::chrono::milliseconds(20));
  worker1.unrouted.duration.observe(std::chrono::milliseconds(3));

  Totals total;
  worker0.add_to(total);
  worker1.add_to(total);
  EXPECT_EQ(total.route(kUnroutedLabel).connections[outcome(Outcome::no_route)], 2u);
  EXPECT_EQ(total.hello_errors[hello_error_index(tls::HelloError::malformed)], 4u);
  EXPECT_EQ(total.hello_errors[kHelloTimeoutIndex], 2u);
  EXPECT_EQ(total.accepted, 13u);
  EXPECT_EQ(total.rejected_over_capacity, 1u);
  EXPECT_EQ(total.accept_pauses, 2u);
  EXPECT_EQ(total.active, 3);
  EXPECT_EQ(total.client_hello_wait.count(), 2u);
  EXPECT_EQ(total.client_hello_wait.sum_microseconds, 21'000u);
  EXPECT_EQ(total.route(kUnroutedLabel).duration.count(), 1u);
}

// A scrape asked each worker for a copy and left out those that did not answer within a second,
// so counters went down (Prometheus saw a reset). Now it reads while the worker keeps counting.
TEST(WorkerMetrics, AScrapeReadsWhileTheWorkerCountsAndNeverSeesACounterGoDown) {
  WorkerMetrics worker;
  RouteMetrics route(1);
  std::atomic<bool> done{false};
  std::thread counting([&] {
    for (int i = 0; i < 200'000; ++i) {
      ++worker.accepted;
      route.of(0).bytes_to_client += 3;
    }
    done = true;
  });
  std::uint64_t last_accepted = 0, last_bytes = 0;
  while (!done) {
    Totals total;
    worker.add_to(total);
    route.add_to(total.route("a.example.com"));
    EXPECT_GE(total.accepted, last_accepted);
    EXPECT_GE(total.route("a.example.com").bytes_to_client, last_bytes);
    last_accepted = total.accepted;
    last_bytes = total.route("a.example.com").bytes_to_client;
  }
  counting.join();
  Totals total;
  worker.add_to(total);
  EXPECT_EQ(total.accepted, 200'000u);
}

TEST(WorkerMetrics, HelloErrorNamesAreTheParsersReasonsThenTimeoutAndClientClosed) {
  EXPECT_EQ(hello_error_name(hello_error_index(tls::HelloError::not_tls)), "not_tls");
  EXPECT_EQ(hello_error_name(hello_error_index(tls::HelloError::bad_server_name)), "bad_server_name");
  EXPECT_EQ(hello_error_name(kHelloTimeoutIndex), "timeout");
  EXPECT_EQ(hello_error_name(kHelloClientClosedIndex), "client_closed");
  for (std::size_t i = 0; i < kHelloErrorCount; ++i) EXPECT_NE(hello_error_name(i), "unknown") << i;
}

TEST(WorkerMetrics, EveryOutcomeHasAName) {
  for (std::size_t i = 0; i < kOutcomeCount; ++i) EXPECT_NE(to_string(static_cast<Outcome>(i)), "unknown") << i;
}

}  // namespace
}  // namespace snigate::metrics
