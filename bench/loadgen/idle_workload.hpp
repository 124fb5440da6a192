// Workload 3: opens many connections that send their ClientHello, proves each one reaches the
// backend with a one-byte echo, then holds them all while the proxy is measured from outside.
#pragma once

#include <netinet/in.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

struct IdleWorkloadOptions {
    sockaddr_in target{};
    std::vector<std::uint8_t> client_hello;
    unsigned connections = 5000;
    unsigned max_pending = 256;  // connections being set up at once
    std::chrono::milliseconds setup_timeout{60000};
    std::chrono::milliseconds hold{60000};  // upper bound; closing stdin ends the hold earlier
};

struct IdleWorkloadResult {
    std::uint64_t established = 0;
    std::uint64_t failed = 0;
    std::uint64_t dropped_while_held = 0;
    double setup_s = 0;

    std::string to_json() const;
};

// Prints one JSON line ({"ready":true,...}) on stdout once every connection is set up, so the
// caller can measure the proxy, then holds until stdin reaches end-of-file or the hold runs out.
IdleWorkloadResult run_idle_workload(const IdleWorkloadOptions& options);
