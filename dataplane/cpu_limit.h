// How many CPUs this process may use: the CPUs it may run on (affinity, cpusets), capped by a
// container's CPU quota (cgroup v2 cpu.max, cgroup v1 cpu.cfs_quota_us), rounded up. The default
// --workers: a pod limited to 2 CPUs on a 64-core node gets 2 workers, not 64 that the quota
// would throttle in turn.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string_view>

namespace snigate {

// The quota as CPUs, from a cgroup v2 "cpu.max" text ("max 100000", "150000 100000"); nullopt when
// unlimited or unreadable.
std::optional<double> cpu_max_limit(std::string_view cpu_max);

// The quota of this process's cgroup (v2, else v1), read under `root` ("/" on a real system, a
// directory laid out the same way in tests); nullopt when there is none.
std::optional<double> cgroup_cpu_limit(const std::filesystem::path& root = "/");

// CPUs this process may run on, capped by its cgroup's quota; at least 1.
std::size_t usable_cpus();

}  // namespace snigate
