// Percentiles of a set of latencies, computed once at the end of a run.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

struct LatencySummary {
    double p50_us = 0;
    double p90_us = 0;
    double p99_us = 0;
    double max_us = 0;

    static LatencySummary of(std::vector<std::chrono::nanoseconds> samples) {
        LatencySummary summary;
        if (samples.empty()) return summary;
        std::sort(samples.begin(), samples.end());
        const auto at = [&](double quantile) {
            const auto index = static_cast<std::size_t>(quantile * static_cast<double>(samples.size() - 1));
            return static_cast<double>(samples[index].count()) / 1000.0;
        };
        summary.p50_us = at(0.50);
        summary.p90_us = at(0.90);
        summary.p99_us = at(0.99);
        summary.max_us = at(1.0);
        return summary;
    }
};
