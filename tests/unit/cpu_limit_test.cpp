// cpu_limit: the default --workers honours a container's CPU quota, cgroup v2 or v1.
#include "cpu_limit.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

namespace snigate {
namespace {

class FakeRoot : public testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("snigate-cpu-limit-" + std::to_string(::getpid()) + "-" +
             testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  void write(const std::string& relative, const std::string& text) {
    auto path = root_ / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  std::filesystem::path root_;
};

TEST(CpuMaxLimit, ReadsQuotaOverPeriod) {
  EXPECT_EQ(cpu_max_limit("200000 100000\n"), 2.0);
  EXPECT_EQ(cpu_max_limit("150000 100000"), 1.5);
  EXPECT_EQ(cpu_max_limit("max 100000\n"), std::nullopt);
  EXPECT_EQ(cpu_max_limit(""), std::nullopt);
  EXPECT_EQ(cpu_max_limit("garbage"), std::nullopt);
}

TEST_F(FakeRoot, CgroupV2QuotaOfTheProcesssCgroup) {
  write("proc/self/cgroup", "0::/kubepods/pod1/container\n");
  write("sys/fs/cgroup/cgroup.controllers", "cpu memory\n");
  write("sys/fs/cgroup/kubepods/pod1/container/cpu.max", "250000 100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), 2.5);
}

TEST_F(FakeRoot, CgroupV2ParentsQuotaBindsTooAndMaxIsNoLimit) {
  write("proc/self/cgroup", "0::/kubepods/pod1/container\n");
  write("sys/fs/cgroup/cgroup.controllers", "cpu memory\n");
  write("sys/fs/cgroup/kubepods/pod1/container/cpu.max", "max 100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), std::nullopt);
  write("sys/fs/cgroup/kubepods/pod1/cpu.max", "100000 100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), 1.0);
}

TEST_F(FakeRoot, CgroupV2InAContainerSeesItsOwnCgroupAsTheRoot) {
  write("proc/self/cgroup", "0::/\n");
  write("sys/fs/cgroup/cgroup.controllers", "cpu memory\n");
  write("sys/fs/cgroup/cpu.max", "300000 100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), 3.0);
}

TEST_F(FakeRoot, CgroupV1CfsQuota) {
  write("proc/self/cgroup", "5:memory:/kubepods/pod1\n4:cpu,cpuacct:/kubepods/pod1\n");
  write("sys/fs/cgroup/cpu,cpuacct/kubepods/pod1/cpu.cfs_quota_us", "50000\n");
  write("sys/fs/cgroup/cpu,cpuacct/kubepods/pod1/cpu.cfs_period_us", "100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), 0.5);
}

TEST_F(FakeRoot, CgroupV1WithoutQuotaIsNoLimit) {
  write("proc/self/cgroup", "4:cpu,cpuacct:/\n");
  write("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
  write("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), std::nullopt);
}

TEST_F(FakeRoot, NoCgroupsIsNoLimit) { EXPECT_EQ(cgroup_cpu_limit(root_), std::nullopt); }

TEST(UsableCpus, IsAtLeastOneAndAtMostTheMachines) {
  EXPECT_GE(usable_cpus(), 1u);
  EXPECT_LE(usable_cpus(), std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace
}  // namespace snigate
