// The objects a translation reads: everything the reflectors hold at one moment, as the API
// server sent them (JSON), sorted by namespace/name so that a translation is deterministic.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

namespace snigate::controller::translate {

using Object = std::shared_ptr<const nlohmann::json>;

struct ClusterState {
  std::vector<Object> services{};
  std::vector<Object> endpoint_slices{};
  std::vector<Object> ingresses{};
  std::vector<Object> ingress_classes{};
};

}  // namespace snigate::controller::translate
