// SourceRateLimiter: the per-address connection rate of a route, with a virtual clock.
#include "routing/source_rate_limiter.h"

#include <gtest/gtest.h>

namespace snigate::routing {
namespace {

using boost::asio::ip::make_address;
using namespace std::chrono_literals;
using Clock = SourceRateLimiter::Clock;

constexpr snapshot::SourceConnectionRate kTenPerSecondBurstThree{10, 1000, 3};

int admitted(SourceRateLimiter& limiter, const char* address, int tries, Clock::time_point at,
             snapshot::SourceConnectionRate rate = kTenPerSecondBurstThree) {
  int count = 0;
  for (int i = 0; i < tries; ++i) count += limiter.admit(make_address(address), rate, at) ? 1 : 0;
  return count;
}

TEST(SourceRateLimiter, AQuietAddressGetsItsBurstThenOneConnectionPerInterval) {
  SourceRateLimiter limiter;
  const Clock::time_point start{1h};
  EXPECT_EQ(admitted(limiter, "192.0.2.7", 10, start), 3) << "the burst, at once";
  EXPECT_EQ(admitted(limiter, "192.0.2.7", 10, start + 99ms), 0) << "not yet one interval (100 ms) later";
  EXPECT_EQ(admitted(limiter, "192.0.2.7", 10, start + 100ms), 1);
  EXPECT_EQ(admitted(limiter, "192.0.2.7", 10, start + 200ms), 1);
  EXPECT_EQ(admitted(limiter, "192.0.2.7", 10, start + 10s), 3) << "a quiet address has its whole burst again";
}

TEST(SourceRateLimiter, RefusedConnectionsSpendNothing) {
  SourceRateLimiter limiter;
  const Clock::time_point start{1h};
  EXPECT_EQ(admitted(limiter, "192.0.2.7", 3, start), 3);
  EXPECT_EQ(admitted(limiter, "192.0.2.7", 1000, start + 50ms), 0);
  EXPECT_EQ(admitted(limiter, "192.0.2.7", 10, start + 100ms), 1) << "a client hammering while refused is not pushed further back";
}

TEST(SourceRateLimiter, EachAddressHasItsOwnAllowance) {
  SourceRateLimiter limiter;
  const Clock::time_point start{1h};
  EXPECT_EQ(admitted(limiter, "192.0.2.7", 10, start), 3);
  EXPECT_EQ(admitted(limiter, "192.0.2.8", 10, start), 3);
  EXPECT_EQ(admitted(limiter, "::ffff:192.0.2.7", 10, start), 0) << "an IPv4-mapped client is the IPv4 client";
}

TEST(SourceRateLimiter, IPv6ClientsAreCountedByTheirSlash64) {
  SourceRateLimiter limiter;
  const Clock::time_point start{1h};
  EXPECT_EQ(admitted(limiter, "2001:db8:0:1::1", 2, start), 2);
  EXPECT_EQ(admitted(limiter, "2001:db8:0:1:ffff::9", 10, start), 1) << "same /64";
  EXPECT_EQ(admitted(limiter, "2001:db8:0:2::1", 10, start), 3) << "another /64";
  EXPECT_EQ(admitted(limiter, "::", 10, start), 3) << "the IPv6 key space never meets IPv4's";
  EXPECT_EQ(admitted(limiter, "0.0.0.0", 10, start), 3);
}

TEST(SourceRateLimiter, BurstOfOneSpacesEveryConnection) {
  SourceRateLimiter limiter;
  const Clock::time_point start{1h};
  const snapshot::SourceConnectionRate one_per_minute{1, 60000, 1};
  EXPECT_EQ(admitted(limiter, "192.0.2.7", 5, start, one_per_minute), 1);
  EXPECT_EQ(admitted(limiter, "192.0.2.7", 5, start + 59s, one_per_minute), 0);
  EXPECT_EQ(admitted(limiter, "192.0.2.7", 5, start + 60s, one_per_minute), 1);
}

TEST(SourceRateLimiter, ARouteWithoutALimitAdmitsEverything) {
  SourceRateLimiter limiter;
  EXPECT_EQ(admitted(limiter, "192.0.2.7", 100, Clock::time_point{1h}, snapshot::SourceConnectionRate{}), 100);
  EXPECT_EQ(limiter.tracked(), 0u);
}

TEST(SourceRateLimiter, AFullTableForgetsRefilledAddressesAndNeverRefusesAnUnknownOne) {
  SourceRateLimiter limiter(/*max_sources=*/2);
  const Clock::time_point start{1h};
  EXPECT_EQ(admitted(limiter, "192.0.2.1", 3, start), 3);
  EXPECT_EQ(admitted(limiter, "192.0.2.2", 3, start), 3);
  EXPECT_EQ(admitted(limiter, "192.0.2.3", 5, start), 5) << "not remembered: admitted, counted as untracked";
  EXPECT_EQ(limiter.untracked(), 5u);
  EXPECT_EQ(limiter.tracked(), 2u);
  EXPECT_EQ(admitted(limiter, "192.0.2.1", 1, start), 0) << "remembered addresses keep their state";
  EXPECT_EQ(admitted(limiter, "192.0.2.4", 4, start + 2s), 3) << "once the others refilled, they are forgotten";
  EXPECT_EQ(limiter.tracked(), 1u);
}

}  // namespace
}  // namespace snigate::routing
