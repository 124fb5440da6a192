// Workloads 1 and 4: connect, send a ClientHello, read the backend's short reply until it closes.
// Closed loop (a fixed number of connections in flight, for saturation) or open loop (starts on a
// fixed schedule, latency counted from the scheduled start so a stalled proxy cannot hide it).
#pragma once

#include <netinet/in.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "latency_summary.hpp"

struct ConnectionWorkloadOptions {
    sockaddr_in target{};
    std::vector<std::uint8_t> client_hello;
    unsigned concurrency = 64;  // closed loop: connections in flight; open loop: cap on in flight
    double rate_per_s = 0;      // 0 selects the closed loop
    std::chrono::milliseconds warmup{500};
    std::chrono::milliseconds duration{5000};
    std::chrono::milliseconds timeout{3000};
};

struct ConnectionWorkloadResult {
    std::uint64_t completed = 0;
    std::uint64_t failed_connect = 0;
    std::uint64_t failed_reset = 0;
    std::uint64_t failed_short_reply = 0;
    std::uint64_t failed_timeout = 0;
    std::uint64_t failed_overload = 0;  // open loop: a start came due with the in-flight cap reached
    double elapsed_s = 0;
    LatencySummary latency;

    std::uint64_t failed() const {
        return failed_connect + failed_reset + failed_short_reply + failed_timeout + failed_overload;
    }
    std::string to_json() const;
};

ConnectionWorkloadResult run_connection_workload(const ConnectionWorkloadOptions& options);
