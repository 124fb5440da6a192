// Renders the summed worker counters and the snapshot state in the Prometheus text format.
#pragma once

#include <cstddef>
#include <string>

#include "control/route_store.h"
#include "metrics/worker_metrics.h"

namespace snigate::metrics {

struct ProcessState {
  std::size_t workers = 0;
  std::size_t workers_reporting = 0;  // a worker that did not answer in time is left out of the sums
  bool draining = false;
};

std::string render_prometheus(const WorkerMetrics& total, const control::ApplyStats& snapshot,
                              const ProcessState& process);

}  // namespace snigate::metrics
