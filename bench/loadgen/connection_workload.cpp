#include "connection_workload.hpp"

#include <algorithm>
#include <array>

#include "../common/bench_protocol.hpp"
#include "../common/epoll.hpp"
#include "../common/json_writer.hpp"
#include "tcp_client.hpp"

namespace {

using Clock = std::chrono::steady_clock;

enum class Outcome { success, connect, reset, short_reply, timeout };

struct Slot {
    UniqueFd fd;
    std::uint32_t generation = 0;
    bool connected = false;
    Clock::time_point scheduled;  // latency is measured from here
    Clock::time_point started;    // the timeout is measured from here
    std::size_t sent = 0;
    std::size_t received = 0;
};

class ConnectionRun {
public:
    explicit ConnectionRun(const ConnectionWorkloadOptions& options)
        : options_(options), slots_(std::max(1u, options.concurrency)) {
        free_.reserve(slots_.size());
        for (std::size_t i = slots_.size(); i-- > 0;) free_.push_back(static_cast<std::uint32_t>(i));
    }

    ConnectionWorkloadResult run() {
        const auto begin = Clock::now();
        measure_from_ = begin + options_.warmup;
        const auto stop_starting = measure_from_ + options_.duration;
        const auto give_up = stop_starting + options_.timeout + std::chrono::seconds(1);
        const bool open_loop = options_.rate_per_s > 0;
        const auto interval = std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(open_loop ? 1.0 / options_.rate_per_s : 0.0));
        auto next_start = begin;
        auto next_timeout_scan = begin;

        for (;;) {
            auto now = Clock::now();
            if (!open_loop && now < stop_starting) {
                refill(now);
            } else if (open_loop) {
                while (next_start <= now && next_start < stop_starting) {
                    if (free_.empty()) {
                        if (next_start >= measure_from_) ++result_.failed_overload;
                    } else {
                        start(next_start);
                    }
                    next_start += interval;
                }
            }
            const bool starting_done = open_loop ? next_start >= stop_starting : now >= stop_starting;
            if ((starting_done && in_flight() == 0) || now >= give_up) break;
            if (now >= next_timeout_scan) {
                expire(now);
                next_timeout_scan = now + std::chrono::milliseconds(10);
            }
            auto wake = next_timeout_scan;
            if (open_loop && next_start < stop_starting) wake = std::min(wake, next_start);
            for (const auto& event : epoll_.wait(wake - now)) on_event(event.data.u64);
        }
        const auto end = std::max(last_completion_, measure_from_);
        result_.elapsed_s = std::chrono::duration<double>(end - measure_from_).count();
        result_.latency = LatencySummary::of(std::move(latencies_));
        return result_;
    }

private:
    std::size_t in_flight() const { return slots_.size() - free_.size(); }

    static std::uint64_t key(std::uint32_t index, std::uint32_t generation) {
        return (std::uint64_t{generation} << 32) | index;
    }

    bool start(Clock::time_point scheduled) {
        const auto index = free_.back();
        free_.pop_back();
        Slot& slot = slots_[index];
        ++slot.generation;
        slot.connected = false;
        slot.sent = slot.received = 0;
        slot.scheduled = scheduled;
        slot.started = Clock::now();
        slot.fd = start_connect(options_.target);
        if (!slot.fd.valid()) {
            finish(index, Outcome::connect);
            return false;
        }
        epoll_.add(slot.fd.get(), kClientEvents, key(index, slot.generation));
        return true;
    }

    void on_event(std::uint64_t event_key) {
        const auto index = static_cast<std::uint32_t>(event_key);
        Slot& slot = slots_[index];
        if (slot.generation != event_key >> 32 || !slot.fd.valid()) return;  // a finished connection
        if (!slot.connected) {
            if (connect_result(slot.fd.get()) != 0) return finish(index, Outcome::connect);
            slot.connected = true;
        }
        const auto& hello = options_.client_hello;
        if (slot.sent < hello.size()) {
            const ssize_t sent = send_some(slot.fd.get(), hello.data() + slot.sent, hello.size() - slot.sent);
            if (sent < 0) return finish(index, Outcome::reset);
            slot.sent += static_cast<std::size_t>(sent);
        }
        std::array<std::uint8_t, 4096> buffer;
        for (;;) {
            const ssize_t got = ::recv(slot.fd.get(), buffer.data(), buffer.size(), 0);
            if (got > 0) {
                slot.received += static_cast<std::size_t>(got);
                continue;
            }
            if (got == 0) {
                const bool whole = slot.received == bench_protocol::kReplyBytes && slot.sent == hello.size();
                return finish(index, whole ? Outcome::success : Outcome::short_reply);
            }
            if (errno == EAGAIN || errno == EINTR) return;
            return finish(index, Outcome::reset);
        }
    }

    void expire(Clock::time_point now) {
        for (std::uint32_t index = 0; index < slots_.size(); ++index) {
            const Slot& slot = slots_[index];
            if (slot.fd.valid() && now - slot.started > options_.timeout) finish(index, Outcome::timeout);
        }
    }

    void finish(std::uint32_t index, Outcome outcome) {
        Slot& slot = slots_[index];
        slot.fd.reset();
        const auto now = Clock::now();
        if (slot.scheduled >= measure_from_) {
            switch (outcome) {
                case Outcome::success:
                    ++result_.completed;
                    latencies_.push_back(now - slot.scheduled);
                    break;
                case Outcome::connect: ++result_.failed_connect; break;
                case Outcome::reset: ++result_.failed_reset; break;
                case Outcome::short_reply: ++result_.failed_short_reply; break;
                case Outcome::timeout: ++result_.failed_timeout; break;
            }
            last_completion_ = now;
        }
        free_.push_back(index);
    }

    // Closed loop: replaces every finished connection. Stops at a connect that fails at once
    // (say, no ephemeral port) so the loop waits for the next event instead of spinning.
    void refill(Clock::time_point now) {
        while (!free_.empty()) {
            if (!start(now)) return;
        }
    }

    const ConnectionWorkloadOptions& options_;
    Epoll epoll_;
    std::vector<Slot> slots_;
    std::vector<std::uint32_t> free_;
    std::vector<std::chrono::nanoseconds> latencies_;
    ConnectionWorkloadResult result_;
    Clock::time_point measure_from_;
    Clock::time_point last_completion_;
};

}  // namespace

std::string ConnectionWorkloadResult::to_json() const {
    const double seconds = elapsed_s > 0 ? elapsed_s : 1.0;
    return JsonWriter()
        .field("completed", completed)
        .field("failed", failed())
        .field("failed_connect", failed_connect)
        .field("failed_reset", failed_reset)
        .field("failed_short_reply", failed_short_reply)
        .field("failed_timeout", failed_timeout)
        .field("failed_overload", failed_overload)
        .field("elapsed_s", elapsed_s)
        .field("connections_per_s", static_cast<double>(completed) / seconds)
        .field("latency_p50_us", latency.p50_us)
        .field("latency_p90_us", latency.p90_us)
        .field("latency_p99_us", latency.p99_us)
        .field("latency_max_us", latency.max_us)
        .finish();
}

ConnectionWorkloadResult run_connection_workload(const ConnectionWorkloadOptions& options) {
    return ConnectionRun(options).run();
}
