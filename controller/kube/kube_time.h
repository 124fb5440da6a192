// Timestamps in the two formats the Kubernetes API uses: Time (RFC 3339, seconds) for Events and
// MicroTime (microseconds) for Leases.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace snigate::controller::kube {

std::string to_time(std::chrono::system_clock::time_point time);
std::string to_micro_time(std::chrono::system_clock::time_point time);

}  // namespace snigate::controller::kube
