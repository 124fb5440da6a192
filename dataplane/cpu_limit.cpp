#include "cpu_limit.h"

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace snigate {
namespace {

std::optional<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// Whether the comma-separated `list` names `item`.
bool lists(std::string_view list, std::string_view item) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (list.substr(0, comma) == item) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// The cgroup path of this process in the v2 hierarchy ("0::/kubepods/..."), or for a v1
// `controller` ("4:cpu,cpuacct:/kubepods/...").
std::optional<std::string> cgroup_path(const std::string& self_cgroup, std::string_view controller) {
  std::istringstream lines(self_cgroup);
  for (std::string line; std::getline(lines, line);) {
    const auto first = line.find(':');
    const auto second = first == std::string::npos ? std::string::npos : line.find(':', first + 1);
    if (second == std::string::npos) continue;
    const std::string_view controllers = std::string_view(line).substr(first + 1, second - first - 1);
    if (controller.empty() ? controllers.empty() : lists(controllers, controller)) return line.substr(second + 1);
  }
  return std::nullopt;
}

// The tightest quota from `directory` up to `mount` (a parent's quota binds its children too).
template <typename Read>
std::optional<double> tightest_up_to(const std::filesystem::path& mount, std::filesystem::path directory, Read read) {
  std::optional<double> tightest;
  while (true) {
    if (auto limit = read(directory); limit && (!tightest || *limit < *tightest)) tightest = limit;
    if (directory == mount || !directory.has_relative_path() || directory.parent_path() == directory) break;
    directory = directory.parent_path();
    if (directory.string().size() < mount.string().size()) break;
  }
  return tightest;
}

std::optional<double> v1_limit(const std::filesystem::path& directory) {
  const auto quota = read_text(directory / "cpu.cfs_quota_us");
  const auto period = read_text(directory / "cpu.cfs_period_us");
  if (!quota || !period) return std::nullopt;
  try {
    const double quota_us = std::stod(*quota), period_us = std::stod(*period);
    if (quota_us <= 0 || period_us <= 0) return std::nullopt;  // -1: no quota
    return quota_us / period_us;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<double> cpu_max_limit(std::string_view cpu_max) {
  std::istringstream fields{std::string(cpu_max)};
  std::string quota;
  double period = 0;
  if (!(fields >> quota >> period) || quota == "max" || period <= 0) return std::nullopt;
  try {
    const double quota_us = std::stod(quota);
    return quota_us > 0 ? std::optional(quota_us / period) : std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<double> cgroup_cpu_limit(const std::filesystem::path& root) {
  const auto self = read_text(root / "proc/self/cgroup");
  if (!self) return std::nullopt;
  const std::filesystem::path mount = root / "sys/fs/cgroup";
  if (auto path = cgroup_path(*self, ""); path && std::filesystem::exists(mount / "cgroup.controllers")) {
    return tightest_up_to(mount, mount / std::filesystem::path(*path).relative_path(),
                          [](const std::filesystem::path& directory) -> std::optional<double> {
                            const auto text = read_text(directory / "cpu.max");
                            return text ? cpu_max_limit(*text) : std::nullopt;
                          });
  }
  for (const char* name : {"cpu,cpuacct", "cpu"}) {
    const std::filesystem::path v1_mount = mount / name;
    if (!std::filesystem::exists(v1_mount)) continue;
    const auto path = cgroup_path(*self, "cpu");
    // In a container the hierarchy is usually mounted at the process's own cgroup.
    auto own = path ? tightest_up_to(v1_mount, v1_mount / std::filesystem::path(*path).relative_path(), v1_limit)
                    : std::nullopt;
    return own ? own : v1_limit(v1_mount);
  }
  return std::nullopt;
}

std::size_t usable_cpus() {
  std::size_t cpus = std::max(1u, std::thread::hardware_concurrency());
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (::sched_getaffinity(0, sizeof allowed, &allowed) == 0) cpus = std::max(1, CPU_COUNT(&allowed));
  if (const auto quota = cgroup_cpu_limit()) {
    cpus = std::min(cpus, static_cast<std::size_t>(std::max(1.0, std::ceil(*quota))));
  }
  return cpus;
}

}  // namespace snigate
