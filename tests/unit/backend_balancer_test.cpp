// BackendBalancer: smooth weighted round-robin, and RouteTarget's one balancer per worker.
#include "routing/backend_balancer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "routing/route_table.h"

namespace snigate::routing {
namespace {

// Backends named a, b, c... in pick order.
std::string picks(BackendBalancer& balancer, std::size_t count) {
  std::string order;
  for (std::size_t i = 0; i < count; ++i) order += static_cast<char>('a' + balancer.pick());
  return order;
}

BackendBalancer balancer_of(std::vector<std::uint32_t> weights) { return BackendBalancer(weights); }

std::size_t longest_run(const std::string& order) {
  std::size_t longest = 0;
  for (std::size_t i = 0, run = 0; i < order.size(); ++i) {
    run = (i > 0 && order[i] == order[i - 1]) ? run + 1 : 1;
    longest = std::max(longest, run);
  }
  return longest;
}

TEST(BackendBalancer, WeightsFiveOneOneInterleaveTheLightBackends) {
  auto balancer = balancer_of({5, 1, 1});
  EXPECT_EQ(picks(balancer, 7), "aabacaa");
  EXPECT_EQ(picks(balancer, 7), "aabacaa");
}

TEST(BackendBalancer, HeavyBackendNeverGetsItsWholeWeightInOneBurst) {
  auto balancer = balancer_of({5, 1, 1});
  auto order = picks(balancer, 7 * 100);
  EXPECT_LT(longest_run(order), 5u) << order;
}

TEST(BackendBalancer, EveryCycleOfTotalWeightPicksEachBackendInProportion) {
  std::vector<std::uint32_t> weights{3, 2, 1, 4};
  auto balancer = balancer_of(weights);
  for (int cycle = 0; cycle < 50; ++cycle) {
    auto order = picks(balancer, 10);
    for (std::size_t backend = 0; backend < weights.size(); ++backend) {
      EXPECT_EQ(std::count(order.begin(), order.end(), static_cast<char>('a' + backend)), weights[backend])
          << "cycle " << cycle << ": " << order;
    }
  }
}

TEST(BackendBalancer, EqualWeightsTakeTurns) {
  auto balancer = balancer_of({1, 1, 1});
  EXPECT_EQ(picks(balancer, 6), "abcabc");
}

TEST(BackendBalancer, SingleBackendIsAlwaysPicked) {
  auto balancer = balancer_of({7});
  EXPECT_EQ(picks(balancer, 3), "aaa");
}

TEST(BackendBalancer, MaximumWeightsStillTakeTurns) {
  std::vector<std::uint32_t> weights(1000, snapshot::kMaxWeight);
  weights[0] = 1;
  auto balancer = balancer_of(weights);
  std::vector<std::size_t> counts(weights.size());
  for (std::size_t i = 0; i < 999 * 3; ++i) ++counts[balancer.pick()];
  EXPECT_EQ(counts[0], 0u);
  for (std::size_t i = 1; i < counts.size(); ++i) EXPECT_EQ(counts[i], 3u) << "backend " << i;
}

TEST(BackendBalancer, EachWorkerFollowsItsOwnSequence) {
  std::vector<snapshot::Backend> backends{{"10.0.0.1", 443, 5}, {"10.0.0.2", 443, 1}, {"10.0.0.3", 443, 1}};
  RouteTarget target("www.example.com", backends, snapshot::ProxyProtocol::none, {}, {}, /*workers=*/3);
  std::string worker0, worker1, worker2;
  for (int i = 0; i < 7; ++i) {
    worker0 += static_cast<char>('a' + target.first_backend(0));
    worker1 += static_cast<char>('a' + target.first_backend(1));
    if (i % 2 == 0) worker2 += static_cast<char>('a' + target.first_backend(2));
  }
  EXPECT_EQ(worker0, "aabacaa");
  EXPECT_EQ(worker1, "aabacaa");
  EXPECT_EQ(worker2, "aaca");  // starts from c, so c wins the tie b won for the others
}

// Two workers that both started at backend 0 sent their first connections to the same backend,
// and every worker restarted there with each new target.
TEST(BackendBalancer, EachWorkerStartsAtADifferentBackend) {
  std::vector<std::uint32_t> equal(6, 1);
  BackendBalancer three_workers(equal, 3);
  EXPECT_EQ((std::vector<std::size_t>{three_workers.pick(0), three_workers.pick(1), three_workers.pick(2)}),
            (std::vector<std::size_t>{0, 2, 4}));
  BackendBalancer shifted(equal, 2, /*first=*/5);
  EXPECT_EQ(shifted.pick(0), 5u);
  EXPECT_EQ(shifted.pick(1), 2u);
  EXPECT_EQ(shifted.pick(0), 0u) << "then round from where it started";
  BackendBalancer more_workers_than_backends(std::vector<std::uint32_t>{1, 1}, 4);
  std::string firsts;
  for (std::size_t worker = 0; worker < 4; ++worker) firsts += static_cast<char>('a' + more_workers_than_backends.pick(worker));
  EXPECT_EQ(firsts, "aabb");
}

TEST(BackendBalancer, EveryStartKeepsTheProportions) {
  const std::vector<std::uint32_t> weights{5, 1, 3};
  for (std::size_t first = 0; first < weights.size(); ++first) {
    BackendBalancer balancer(weights, 1, first);
    std::vector<std::size_t> counts(weights.size());
    for (int i = 0; i < 9 * 4; ++i) ++counts[balancer.pick()];
    EXPECT_EQ(counts, (std::vector<std::size_t>{20, 4, 12})) << "first " << first;
  }
}

// alignas(64) on the container of per-worker balancers did not keep their state apart: each
// balancer's running weights were a small heap block of their own, next to the other workers'.
TEST(BackendBalancer, EachWorkerWritesOnlyCacheLinesOfItsOwn) {
  for (std::size_t backends : {1u, 3u, 8u, 9u, 100u}) {
    BackendBalancer balancer(std::vector<std::uint32_t>(backends, 1), 4);
    std::vector<std::pair<std::uintptr_t, std::uintptr_t>> lines;  // first and last line of each worker
    for (std::size_t worker = 0; worker < 4; ++worker) {
      auto state = balancer.state_of(worker);
      ASSERT_EQ(state.size(), backends);
      auto first = reinterpret_cast<std::uintptr_t>(state.data());
      auto last = reinterpret_cast<std::uintptr_t>(state.data() + state.size()) - 1;
      lines.emplace_back(first / BackendBalancer::kCacheLineBytes, last / BackendBalancer::kCacheLineBytes);
      EXPECT_EQ(first % BackendBalancer::kCacheLineBytes, 0u) << "worker " << worker;
    }
    for (std::size_t a = 0; a < lines.size(); ++a) {
      for (std::size_t b = a + 1; b < lines.size(); ++b) {
        EXPECT_TRUE(lines[a].second < lines[b].first || lines[b].second < lines[a].first)
            << backends << " backends: workers " << a << " and " << b << " share a cache line";
      }
    }
  }
}

}  // namespace
}  // namespace snigate::routing
