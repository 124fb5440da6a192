#include "bulk_workload.hpp"

#include <algorithm>
#include <array>

#include "../common/bench_protocol.hpp"
#include "../common/epoll.hpp"
#include "../common/json_writer.hpp"
#include "tcp_client.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kIoChunk = 256 * 1024;

struct Transfer {
    UniqueFd fd;
    bool connected = false;
    bool finished = false;
    std::vector<std::uint8_t> preamble;  // ClientHello, then the size header where the backend needs one
    std::size_t preamble_sent = 0;
    std::uint64_t to_send = 0;
    std::uint64_t to_receive = 0;
    std::uint64_t payload_moved = 0;
};

class BulkRun {
public:
    explicit BulkRun(const BulkWorkloadOptions& options) : options_(options), transfers_(options.connections) {}

    BulkWorkloadResult run() {
        const auto begin = Clock::now();
        const auto give_up = begin + options_.timeout;
        for (std::size_t index = 0; index < transfers_.size(); ++index) start(index);
        while (unfinished_ > 0 && Clock::now() < give_up) {
            for (const auto& event : epoll_.wait(std::chrono::milliseconds(100))) on_event(event.data.u64);
        }
        result_.elapsed_s = std::chrono::duration<double>(Clock::now() - begin).count();
        for (auto& transfer : transfers_) {
            if (!transfer.finished) ++result_.failed;
            result_.payload_bytes += transfer.payload_moved;
        }
        return result_;
    }

private:
    void start(std::size_t index) {
        Transfer& transfer = transfers_[index];
        const auto bytes = options_.bytes_per_connection;
        transfer.preamble = options_.client_hello;
        if (options_.direction != BulkDirection::both) {
            std::array<std::uint8_t, bench_protocol::kSizeHeaderBytes> header{};
            bench_protocol::encode_size(bytes, header.data());
            transfer.preamble.insert(transfer.preamble.end(), header.begin(), header.end());
        }
        switch (options_.direction) {
            case BulkDirection::upload:
                transfer.to_send = bytes;
                transfer.to_receive = bench_protocol::kSinkAckBytes;
                break;
            case BulkDirection::download: transfer.to_receive = bytes; break;
            case BulkDirection::both: transfer.to_send = transfer.to_receive = bytes; break;
        }
        ++unfinished_;
        transfer.fd = start_connect(options_.target);
        if (!transfer.fd.valid()) return close(transfer);
        epoll_.add(transfer.fd.get(), kClientEvents, index);
    }

    void close(Transfer& transfer) {
        transfer.fd.reset();
        --unfinished_;
    }

    void on_event(std::uint64_t index) {
        Transfer& transfer = transfers_[index];
        if (!transfer.fd.valid()) return;
        if (!transfer.connected) {
            if (connect_result(transfer.fd.get()) != 0) return close(transfer);
            transfer.connected = true;
        }
        bool progressed = true;
        while (progressed) {
            progressed = false;
            if (!send_pending(transfer, progressed)) return close(transfer);
            if (!receive_pending(transfer, progressed)) return close(transfer);
            if (transfer.to_send == 0 && transfer.to_receive == 0) {
                transfer.finished = true;
                ++result_.completed;
                return close(transfer);
            }
        }
    }

    // Each returns false on a broken connection and sets `progressed` when bytes moved.
    bool send_pending(Transfer& transfer, bool& progressed) {
        const int fd = transfer.fd.get();
        if (transfer.preamble_sent < transfer.preamble.size()) {
            const ssize_t sent = send_some(fd, transfer.preamble.data() + transfer.preamble_sent,
                                           transfer.preamble.size() - transfer.preamble_sent);
            if (sent < 0) return false;
            transfer.preamble_sent += static_cast<std::size_t>(sent);
            progressed |= sent > 0;
            if (transfer.preamble_sent < transfer.preamble.size()) return true;
        }
        if (transfer.to_send == 0) return true;
        const ssize_t sent = send_some(fd, chunk_.data(), std::min<std::uint64_t>(chunk_.size(), transfer.to_send));
        if (sent < 0) return false;
        transfer.to_send -= static_cast<std::uint64_t>(sent);
        transfer.payload_moved += static_cast<std::uint64_t>(sent);
        progressed |= sent > 0;
        return true;
    }

    bool receive_pending(Transfer& transfer, bool& progressed) {
        if (transfer.to_receive == 0) return true;
        const ssize_t got = ::recv(transfer.fd.get(), chunk_.data(),
                                   std::min<std::uint64_t>(chunk_.size(), transfer.to_receive), 0);
        if (got == 0) return false;
        if (got < 0) return errno == EAGAIN || errno == EINTR;
        transfer.to_receive -= static_cast<std::uint64_t>(got);
        if (options_.direction != BulkDirection::upload) transfer.payload_moved += static_cast<std::uint64_t>(got);
        progressed = true;
        return true;
    }

    const BulkWorkloadOptions& options_;
    Epoll epoll_;
    std::vector<Transfer> transfers_;
    std::vector<std::uint8_t> chunk_ = std::vector<std::uint8_t>(kIoChunk);
    std::size_t unfinished_ = 0;
    BulkWorkloadResult result_;
};

}  // namespace

std::string BulkWorkloadResult::to_json() const {
    const double seconds = elapsed_s > 0 ? elapsed_s : 1.0;
    return JsonWriter()
        .field("completed", completed)
        .field("failed", failed)
        .field("payload_bytes", payload_bytes)
        .field("elapsed_s", elapsed_s)
        .field("gbit_per_s", static_cast<double>(payload_bytes) * 8.0 / seconds / 1e9)
        .finish();
}

BulkWorkloadResult run_bulk_workload(const BulkWorkloadOptions& options) { return BulkRun(options).run(); }
