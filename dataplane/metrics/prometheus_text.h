// Renders the summed worker counters and the snapshot state in the Prometheus text format.
#pragma once

#include <cstddef>
#include <string>

#include "control/route_store.h"
#include "metrics/worker_metrics.h"

namespace snigate::metrics {

struct ProcessState {
  std::size_t workers = 0;
  bool draining = false;
};

std::string render_prometheus(const Totals& total, const control::ApplyStats& snapshot,
                              const ProcessState& process);

}  // namespace snigate::metrics
