// BackendAttempts: which backend comes next, and when a connection stops trying.
#include "proxy/backend_attempts.h"

#include <gtest/gtest.h>

namespace snigate::proxy {
namespace {

using namespace std::chrono_literals;
using Clock = BackendAttempts::Clock;

TEST(BackendAttempts, StartsAtTheBalancersPickAndWrapsAround) {
  auto now = Clock::now();
  BackendAttempts attempts(3, 2, {10, 1s, 10s}, now);
  EXPECT_EQ(attempts.next(now), 2u);
  EXPECT_EQ(attempts.next(now), 0u);
  EXPECT_EQ(attempts.next(now), 1u);
  EXPECT_EQ(attempts.next(now), std::nullopt) << "each backend at most once";
}

TEST(BackendAttempts, StopsAfterTheAttemptCapHoweverManyBackends) {
  auto now = Clock::now();
  BackendAttempts attempts(50000, 49999, {4, 1s, 10s}, now);
  std::size_t tried = 0;
  while (attempts.next(now)) ++tried;
  EXPECT_EQ(tried, 4u);
  EXPECT_EQ(attempts.tried(), 4u);
}

TEST(BackendAttempts, StopsOnceTheBudgetIsSpentAndCutsTheLastAttemptShort) {
  auto start = Clock::now();
  BackendAttempts attempts(10, 0, {10, 5s, 7s}, start);
  ASSERT_TRUE(attempts.next(start));
  EXPECT_EQ(attempts.attempt_deadline(start), start + 5s);
  ASSERT_TRUE(attempts.next(start + 5s));
  EXPECT_EQ(attempts.attempt_deadline(start + 5s), start + 7s);
  EXPECT_EQ(attempts.next(start + 7s), std::nullopt);
  EXPECT_TRUE(attempts.budget_spent(start + 7s));
}

TEST(BackendAttempts, EjectedBackendsArePassedOver) {
  auto now = Clock::now();
  BackendAttempts attempts(4, 1, {10, 1s, 10s}, now);
  const auto ejected = [](std::size_t index) { return index == 2 || index == 0; };
  EXPECT_EQ(attempts.next(now, ejected), 1u);
  EXPECT_EQ(attempts.next(now, ejected), 3u);
  EXPECT_EQ(attempts.next(now, ejected), std::nullopt) << "a connection that tried some backends does not fall back";
}

TEST(BackendAttempts, WhenEveryBackendIsEjectedTheyAreTriedAllTheSame) {
  auto now = Clock::now();
  BackendAttempts attempts(3, 1, {2, 1s, 10s}, now);
  const auto all = [](std::size_t) { return true; };
  EXPECT_EQ(attempts.next(now, all), 1u);
  EXPECT_EQ(attempts.next(now, all), 2u);
  EXPECT_EQ(attempts.next(now, all), std::nullopt) << "within the attempt cap";
}

TEST(BackendAttempts, PassesOverAtMostKMaxPassedOverEjectedBackends) {
  auto now = Clock::now();
  BackendAttempts attempts(50000, 0, {4, 1s, 10s}, now);
  std::size_t asked = 0;
  const auto all_but_last = [&](std::size_t index) { ++asked; return index != 49999; };
  EXPECT_EQ(attempts.next(now, all_but_last), BackendAttempts::kMaxPassedOver);
  EXPECT_EQ(asked, BackendAttempts::kMaxPassedOver) << "the one after them is not even asked";
}

}  // namespace
}  // namespace snigate::proxy
