// AccessLogSampler: the share of good connections logged, exact and deterministic; failures always.
#include "log/access_log_sampler.h"

#include <gtest/gtest.h>

namespace snigate::log {
namespace {

int kept_of(AccessLogSampler& sampler, int connections) {
  int kept = 0;
  for (int i = 0; i < connections; ++i) kept += sampler.keep(/*ended_well=*/true) ? 1 : 0;
  return kept;
}

TEST(AccessLogSampler, ShareOneKeepsEveryConnection) {
  AccessLogSampler sampler(1.0);
  EXPECT_EQ(kept_of(sampler, 1000), 1000);
}

TEST(AccessLogSampler, ShareZeroKeepsNoGoodConnection) {
  AccessLogSampler sampler(0.0);
  EXPECT_EQ(kept_of(sampler, 1000), 0);
}

TEST(AccessLogSampler, FailedConnectionsAreKeptWhateverTheShare) {
  AccessLogSampler none(0.0);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(none.keep(/*ended_well=*/false));
  AccessLogSampler half(0.5);
  EXPECT_TRUE(half.keep(false));
  EXPECT_FALSE(half.keep(true)) << "a failure does not spend the good connections' share";
  EXPECT_TRUE(half.keep(true));
}

TEST(AccessLogSampler, DecimalSharesAddUpExactly) {
  for (double share : {0.1, 0.25, 0.3, 0.5, 0.001, 0.999}) {
    SCOPED_TRACE(share);
    AccessLogSampler sampler(share);
    EXPECT_EQ(kept_of(sampler, 100'000), static_cast<int>(share * 100'000 + 0.5));
  }
}

TEST(AccessLogSampler, KeptLinesAreSpreadEvenly) {
  AccessLogSampler sampler(0.25);
  for (int round = 0; round < 5; ++round) {
    EXPECT_FALSE(sampler.keep(true));
    EXPECT_FALSE(sampler.keep(true));
    EXPECT_FALSE(sampler.keep(true));
    EXPECT_TRUE(sampler.keep(true));
  }
}

TEST(AccessLogSampler, SharesOutsideZeroToOneAreClamped) {
  AccessLogSampler above(2.0);
  EXPECT_EQ(kept_of(above, 10), 10);
  AccessLogSampler below(-1.0);
  EXPECT_EQ(kept_of(below, 10), 0);
}

}  // namespace
}  // namespace snigate::log
