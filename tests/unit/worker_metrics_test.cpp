// WorkerMetrics: per-worker counters and how a scrape sums them.
#include "metrics/worker_metrics.h"

#include <gtest/gtest.h>

namespace snigate::metrics {
namespace {

std::size_t outcome(Outcome value) { return static_cast<std::size_t>(value); }

TEST(WorkerMetrics, RouteCountersAreCreatedOnceAndKeptStable) {
  WorkerMetrics metrics;
  RouteCounters& first = metrics.route("a.example.com");
  first.bytes_from_client = 10;
  metrics.route("b.example.com");
  EXPECT_EQ(&metrics.route("a.example.com"), &first);
  EXPECT_EQ(metrics.route("a.example.com").bytes_from_client, 10u);
  EXPECT_EQ(metrics.routes.size(), 2u);
}

TEST(WorkerMetrics, SummingAddsEveryCounterRouteByRoute) {
  WorkerMetrics worker0, worker1;
  worker0.route("a.example.com").connections[outcome(Outcome::ok)] = 2;
  worker0.route("a.example.com").bytes_from_client = 100;
  worker0.route("a.example.com").bytes_to_client = 1000;
  worker0.route("a.example.com").connect_failures = 1;
  worker0.hello_errors[hello_error_index(tls::HelloError::malformed)] = 3;
  worker0.accepted = 5;
  worker0.active = 2;
  worker0.pipes_idle = 4;
  worker1.route("a.example.com").connections[outcome(Outcome::ok)] = 1;
  worker1.route("a.example.com").bytes_from_client = 50;
  worker1.route("b.example.com").connections[outcome(Outcome::connect_failed)] = 7;
  worker1.hello_errors[hello_error_index(tls::HelloError::malformed)] = 1;
  worker1.hello_errors[kHelloTimeoutIndex] = 2;
  worker1.accepted = 8;
  worker1.rejected_over_capacity = 1;
  worker1.accept_pauses = 2;
  worker1.active = 1;

  WorkerMetrics total;
  total += worker0;
  total += worker1;
  EXPECT_EQ(total.route("a.example.com").connections[outcome(Outcome::ok)], 3u);
  EXPECT_EQ(total.route("a.example.com").bytes_from_client, 150u);
  EXPECT_EQ(total.route("a.example.com").bytes_to_client, 1000u);
  EXPECT_EQ(total.route("a.example.com").connect_failures, 1u);
  EXPECT_EQ(total.route("b.example.com").connections[outcome(Outcome::connect_failed)], 7u);
  EXPECT_EQ(total.hello_errors[hello_error_index(tls::HelloError::malformed)], 4u);
  EXPECT_EQ(total.hello_errors[kHelloTimeoutIndex], 2u);
  EXPECT_EQ(total.accepted, 13u);
  EXPECT_EQ(total.rejected_over_capacity, 1u);
  EXPECT_EQ(total.accept_pauses, 2u);
  EXPECT_EQ(total.active, 3);
  EXPECT_EQ(total.pipes_idle, 4u);
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
