// Workload 2: a few connections each move a fixed number of bytes through the proxy, upstream
// (to a sink), downstream (from a source) or both ways at once (through an echo).
#pragma once

#include <netinet/in.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

enum class BulkDirection { upload, download, both };

struct BulkWorkloadOptions {
    sockaddr_in target{};
    std::vector<std::uint8_t> client_hello;
    BulkDirection direction = BulkDirection::upload;
    unsigned connections = 1;
    std::uint64_t bytes_per_connection = 1ULL << 30;
    std::chrono::milliseconds timeout{120000};  // for the whole run
};

struct BulkWorkloadResult {
    std::uint64_t completed = 0;
    std::uint64_t failed = 0;
    std::uint64_t payload_bytes = 0;  // counted once per direction crossed
    double elapsed_s = 0;

    std::string to_json() const;
};

BulkWorkloadResult run_bulk_workload(const BulkWorkloadOptions& options);
