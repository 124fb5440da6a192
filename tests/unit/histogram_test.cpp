// Histogram: which bucket an observation lands in, the sum, and how workers' histograms add up.
#include "metrics/histogram.h"

#include <gtest/gtest.h>

#include <array>
#include <chrono>

namespace snigate::metrics {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

constexpr std::array<nanoseconds, 3> kBounds{milliseconds(1), milliseconds(10), milliseconds(100)};
using TestHistogram = Histogram<kBounds>;

TestHistogram::Totals totals_of(const TestHistogram& histogram) {
  TestHistogram::Totals totals;
  histogram.add_to(totals);
  return totals;
}

TEST(Histogram, AValueEqualToABoundCountsInThatBucket) {
  TestHistogram histogram;
  histogram.observe(milliseconds(1));
  histogram.observe(milliseconds(10));
  histogram.observe(milliseconds(100));
  EXPECT_EQ(totals_of(histogram).buckets, (std::array<std::uint64_t, 4>{1, 1, 1, 0}));
}

TEST(Histogram, AValueJustAboveABoundCountsInTheNextBucket) {
  TestHistogram histogram;
  histogram.observe(milliseconds(1) + nanoseconds(1));
  histogram.observe(milliseconds(100) + nanoseconds(1));
  EXPECT_EQ(totals_of(histogram).buckets, (std::array<std::uint64_t, 4>{0, 1, 0, 1}));
}

TEST(Histogram, ZeroAndNegativeDurationsCountInTheFirstBucketAsZero) {
  TestHistogram histogram;
  histogram.observe(nanoseconds(0));
  histogram.observe(milliseconds(-5));  // a clock that went backwards must not wrap the sum
  auto totals = totals_of(histogram);
  EXPECT_EQ(totals.buckets[0], 2u);
  EXPECT_EQ(totals.sum_microseconds, 0u);
}

TEST(Histogram, AValueBeyondTheLastBoundCountsInPlusInf) {
  TestHistogram histogram;
  histogram.observe(std::chrono::hours(24));
  EXPECT_EQ(totals_of(histogram).buckets.back(), 1u);
}

TEST(Histogram, SumIsInMicrosecondsRoundedToTheNearest) {
  TestHistogram histogram;
  histogram.observe(microseconds(1500));
  histogram.observe(nanoseconds(2600));
  histogram.observe(nanoseconds(400));
  EXPECT_EQ(totals_of(histogram).sum_microseconds, 1503u);
}

TEST(Histogram, CountIsEveryObservation) {
  TestHistogram histogram;
  for (int i = 0; i < 7; ++i) histogram.observe(milliseconds(i * 20));
  EXPECT_EQ(totals_of(histogram).count(), 7u);
}

TEST(Histogram, WorkersHistogramsAddUpBucketByBucket) {
  TestHistogram worker0, worker1;
  worker0.observe(microseconds(500));
  worker0.observe(milliseconds(50));
  worker1.observe(microseconds(700));
  worker1.observe(std::chrono::seconds(1));
  TestHistogram::Totals total;
  worker0.add_to(total);
  worker1.add_to(total);
  EXPECT_EQ(total.buckets, (std::array<std::uint64_t, 4>{2, 0, 1, 1}));
  EXPECT_EQ(total.sum_microseconds, 500u + 50'000u + 700u + 1'000'000u);

  TestHistogram::Totals again = totals_of(worker0);
  again += totals_of(worker1);
  EXPECT_EQ(again.buckets, total.buckets);
  EXPECT_EQ(again.sum_microseconds, total.sum_microseconds);
}

}  // namespace
}  // namespace snigate::metrics
