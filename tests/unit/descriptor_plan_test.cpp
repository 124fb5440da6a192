// plan_descriptors: --max-connections and the pipe pools from the open-file limit.
#include "proxy/descriptor_plan.h"

#include <gtest/gtest.h>

namespace snigate::proxy {
namespace {

// Issue 13, defect 4: the limit ÷ 3 assumed one pipe descriptor per connection; a busy connection
// holds two sockets and two pipes (four pipe ends), and pooled pipes hold descriptors too.
TEST(DescriptorPlan, EveryBusyConnectionAndEveryPooledPipeFitsInTheLimit) {
  for (std::size_t open_files : {1024u, 20000u, 1048576u}) {
    for (std::size_t workers : {1u, 2u, 16u}) {
      auto plan = plan_descriptors(open_files, workers);
      std::size_t needed = kReservedDescriptors + plan.max_connections * 6 + workers * plan.idle_pipes_per_worker * 2;
      EXPECT_LE(needed, open_files) << open_files << " files, " << workers << " workers";
      EXPECT_GT(plan.max_connections * 6, open_files * 8 / 10) << "most of the limit goes to connections";
    }
  }
}

TEST(DescriptorPlan, TwentyThousandFilesServeAboutThreeThousandBusyConnections) {
  auto plan = plan_descriptors(20000, 2);
  EXPECT_EQ(plan.idle_pipes_per_worker, 256u);
  EXPECT_EQ(plan.max_connections, (20000u - 64 - 2 * 256 * 2) / 6);
}

TEST(DescriptorPlan, TinyLimitsStillAllowOneConnection) {
  EXPECT_GE(plan_descriptors(16, 4).max_connections, 1u);
}

}  // namespace
}  // namespace snigate::proxy
