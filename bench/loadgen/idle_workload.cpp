#include "idle_workload.hpp"

#include <unistd.h>

#include <array>
#include <cstdio>

#include "../common/epoll.hpp"
#include "../common/json_writer.hpp"
#include "tcp_client.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint8_t kPing = 0x2a;
constexpr std::uint64_t kStdinKey = ~std::uint64_t{0};

enum class State { connecting, awaiting_echo, held, closed };

struct HeldConnection {
    UniqueFd fd;
    State state = State::connecting;
    std::size_t sent = 0;
};

class IdleRun {
public:
    explicit IdleRun(const IdleWorkloadOptions& options) : options_(options), connections_(options.connections) {
        preamble_ = options.client_hello;
        preamble_.push_back(kPing);
    }

    IdleWorkloadResult run() {
        const auto begin = Clock::now();
        const auto setup_deadline = begin + options_.setup_timeout;
        std::size_t next = 0;
        while (result_.established + result_.failed < connections_.size() && Clock::now() < setup_deadline) {
            while (next < connections_.size() && pending_ < options_.max_pending) start(next++);
            for (const auto& event : epoll_.wait(std::chrono::milliseconds(50))) on_event(event.data.u64);
        }
        result_.failed = connections_.size() - result_.established;
        result_.setup_s = std::chrono::duration<double>(Clock::now() - begin).count();
        std::printf("%s\n", JsonWriter()
                                .field("ready", true)
                                .field("established", result_.established)
                                .field("failed", result_.failed)
                                .finish()
                                .c_str());
        std::fflush(stdout);
        hold();
        return result_;
    }

private:
    void start(std::size_t index) {
        HeldConnection& connection = connections_[index];
        connection.fd = start_connect(options_.target);
        if (!connection.fd.valid()) {
            connection.state = State::closed;
            ++result_.failed;
            return;
        }
        ++pending_;
        epoll_.add(connection.fd.get(), kClientEvents, index);
    }

    void close(HeldConnection& connection) {
        if (connection.state == State::held) ++result_.dropped_while_held;
        else --pending_;
        connection.fd.reset();
        connection.state = State::closed;
    }

    void on_event(std::uint64_t key) {
        if (key == kStdinKey) {
            stdin_closed_ = true;
            return;
        }
        HeldConnection& connection = connections_[key];
        if (!connection.fd.valid()) return;
        const int fd = connection.fd.get();
        if (connection.state == State::held) {
            std::array<std::uint8_t, 64> buffer;
            const ssize_t got = ::recv(fd, buffer.data(), buffer.size(), 0);
            if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) close(connection);
            return;
        }
        if (connection.state == State::connecting) {
            if (connect_result(fd) != 0) return close(connection);
            connection.state = State::awaiting_echo;
        }
        if (connection.sent < preamble_.size()) {
            const ssize_t sent = send_some(fd, preamble_.data() + connection.sent, preamble_.size() - connection.sent);
            if (sent < 0) return close(connection);
            connection.sent += static_cast<std::size_t>(sent);
        }
        std::uint8_t echoed = 0;
        const ssize_t got = ::recv(fd, &echoed, 1, 0);
        if (got == 1 && echoed == kPing) {
            connection.state = State::held;
            --pending_;
            ++result_.established;
        } else if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR) || got == 1) {
            close(connection);
        }
    }

    void hold() {
        bool watch_stdin = true;
        try {
            epoll_.add(STDIN_FILENO, EPOLLIN | EPOLLRDHUP, kStdinKey);
        } catch (const std::system_error&) {
            watch_stdin = false;  // stdin is a file (say, /dev/null): hold for the whole time
        }
        const auto end = Clock::now() + options_.hold;
        while (!(watch_stdin && stdin_closed_) && Clock::now() < end) {
            for (const auto& event : epoll_.wait(std::chrono::milliseconds(100))) on_event(event.data.u64);
        }
    }

    const IdleWorkloadOptions& options_;
    Epoll epoll_;
    std::vector<HeldConnection> connections_;
    std::vector<std::uint8_t> preamble_;
    std::size_t pending_ = 0;
    bool stdin_closed_ = false;
    IdleWorkloadResult result_;
};

}  // namespace

std::string IdleWorkloadResult::to_json() const {
    return JsonWriter()
        .field("established", established)
        .field("failed", failed)
        .field("dropped_while_held", dropped_while_held)
        .field("setup_s", setup_s)
        .finish();
}

IdleWorkloadResult run_idle_workload(const IdleWorkloadOptions& options) { return IdleRun(options).run(); }
