// BackendHealth: passive outlier detection, with a virtual clock.
#include "routing/backend_health.h"

#include <gtest/gtest.h>

namespace snigate::routing {
namespace {

using namespace std::chrono_literals;
using boost::asio::ip::make_address;
using boost::asio::ip::tcp;
using Clock = BackendHealth::Clock;

const tcp::endpoint kBackend{make_address("10.0.0.1"), 8443};
const tcp::endpoint kOther{make_address("10.0.0.2"), 8443};

TEST(BackendHealth, EjectsAfterTheFailuresInARowForTheEjectionTime) {
  BackendHealth health({3, 10s, 5min});
  const Clock::time_point start{1h};
  health.connect_failed(kBackend, start);
  health.connect_failed(kBackend, start);
  EXPECT_FALSE(health.ejected(kBackend, start));
  health.connect_failed(kBackend, start);
  EXPECT_TRUE(health.ejected(kBackend, start));
  EXPECT_TRUE(health.ejected(kBackend, start + 9s));
  EXPECT_FALSE(health.ejected(kBackend, start + 10s)) << "tried again once its time is up";
  EXPECT_FALSE(health.ejected(kOther, start)) << "only the failing backend";
  EXPECT_EQ(health.ejections_total(), 1u);
}

TEST(BackendHealth, ASuccessEndsTheStreak) {
  BackendHealth health({3, 10s, 5min});
  const Clock::time_point start{1h};
  health.connect_failed(kBackend, start);
  health.connect_failed(kBackend, start);
  health.connect_succeeded(kBackend);
  health.connect_failed(kBackend, start);
  health.connect_failed(kBackend, start);
  EXPECT_FALSE(health.ejected(kBackend, start));
  EXPECT_EQ(health.samples(start).size(), 1u);
  health.connect_succeeded(kBackend);
  EXPECT_TRUE(health.samples(start).empty()) << "a healthy backend is forgotten";
}

TEST(BackendHealth, BackFromAnEjectionOneFailureEjectsItForTwiceAsLongUpToTheCap) {
  BackendHealth health({2, 10s, 25s});
  Clock::time_point now{1h};
  health.connect_failed(kBackend, now);
  health.connect_failed(kBackend, now);
  EXPECT_TRUE(health.ejected(kBackend, now + 9s));
  now += 10s;
  health.connect_failed(kBackend, now);
  EXPECT_TRUE(health.ejected(kBackend, now + 19s));
  EXPECT_FALSE(health.ejected(kBackend, now + 20s));
  now += 20s;
  health.connect_failed(kBackend, now);
  EXPECT_TRUE(health.ejected(kBackend, now + 24s));
  EXPECT_FALSE(health.ejected(kBackend, now + 25s)) << "capped at --outlier-max-ejection";
  EXPECT_EQ(health.ejections_total(), 3u);
  now += 25s;
  health.connect_succeeded(kBackend);
  health.connect_failed(kBackend, now);
  EXPECT_FALSE(health.ejected(kBackend, now)) << "a success starts over: one failure is no longer enough";
}

TEST(BackendHealth, FailuresOfConnectsBegunBeforeTheEjectionDoNotExtendIt) {
  BackendHealth health({1, 10s, 5min});
  const Clock::time_point start{1h};
  health.connect_failed(kBackend, start);
  health.connect_failed(kBackend, start + 5s);
  EXPECT_FALSE(health.ejected(kBackend, start + 10s));
  EXPECT_EQ(health.ejections_total(), 1u);
}

TEST(BackendHealth, SamplesNameEachRememberedBackend) {
  BackendHealth health({1, 10s, 5min});
  const Clock::time_point start{1h};
  const tcp::endpoint v6{make_address("fd00::7"), 443};
  health.connect_failed(v6, start);
  const tcp::endpoint mapped_lookalike{make_address("::a00:1"), 8443};  // ::10.0.0.1, not 10.0.0.1
  EXPECT_FALSE(health.ejected(mapped_lookalike, start));
  health.connect_failed(kBackend, start);
  auto samples = health.samples(start);
  ASSERT_EQ(samples.size(), 2u);
  std::sort(samples.begin(), samples.end(), [](const auto& a, const auto& b) { return a.backend < b.backend; });
  EXPECT_EQ(samples[0].backend, kBackend);
  EXPECT_EQ(samples[1].backend, v6);
  EXPECT_TRUE(samples[1].ejected);
  EXPECT_EQ(samples[1].consecutive_failures, 1u);
}

TEST(BackendHealth, ZeroFailuresTurnsItOff) {
  BackendHealth health({0, 10s, 5min});
  const Clock::time_point start{1h};
  for (int i = 0; i < 100; ++i) health.connect_failed(kBackend, start);
  EXPECT_FALSE(health.ejected(kBackend, start));
  EXPECT_TRUE(health.samples(start).empty());
}

TEST(BackendHealth, RemembersAtMostKMaxTrackedBackends) {
  BackendHealth health({1, 10s, 5min});
  const Clock::time_point start{1h};
  for (std::size_t i = 0; i < BackendHealth::kMaxTracked + 10; ++i) {
    health.connect_failed({make_address("10.1.0.0"), static_cast<unsigned short>(i + 1)}, start);
  }
  EXPECT_EQ(health.samples(start).size(), BackendHealth::kMaxTracked);
  EXPECT_FALSE(health.ejected({make_address("10.1.0.0"), static_cast<unsigned short>(BackendHealth::kMaxTracked + 5)}, start));
}

}  // namespace
}  // namespace snigate::routing
