// Renders the summed worker counters and the snapshot state in the Prometheus text format.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "control/route_store.h"
#include "metrics/worker_metrics.h"

namespace snigate::metrics {

// A backend passive outlier detection remembers (routing/backend_health.h): at most 4,096.
struct BackendOutlier {
  std::string backend;  // ADDRESS:PORT
  bool ejected = false;
  std::uint32_t consecutive_failures = 0;
};

struct ProcessState {
  std::size_t workers = 0;
  bool draining = false;
  std::vector<BackendOutlier> outliers = {};
  std::uint64_t ejections = 0;
};

std::string render_prometheus(const Totals& total, const control::ApplyStats& snapshot,
                              const ProcessState& process);

}  // namespace snigate::metrics
