#include "backend_server.hpp"

#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <system_error>

#include "../common/bench_protocol.hpp"
#include "../common/client_hello_reader.hpp"

namespace {

constexpr std::size_t kIoChunk = 256 * 1024;
constexpr std::size_t kEchoBuffer = 64 * 1024;
constexpr int kListenBacklog = 4096;
// Listener keys are tagged with the low bit; connection pointers are aligned, so it is clear.
constexpr std::uint64_t kListenerTag = 1;

std::array<std::uint8_t, kIoChunk>& scratch() {
    static std::array<std::uint8_t, kIoChunk> buffer{};
    return buffer;
}

std::array<std::uint8_t, bench_protocol::kReplyBytes> make_reply() {
    // Shaped like the start of a ServerHello record; the client checks only its length.
    std::array<std::uint8_t, bench_protocol::kReplyBytes> reply{};
    reply[0] = 0x16;
    reply[1] = 0x03;
    reply[2] = 0x03;
    reply[3] = 0x00;
    reply[4] = static_cast<std::uint8_t>(bench_protocol::kReplyBytes - 5);
    reply[5] = 0x02;
    return reply;
}

UniqueFd listen_on(const sockaddr_in& address) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) throw std::system_error(errno, std::generic_category(), "socket");
    const int on = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        throw std::system_error(errno, std::generic_category(),
                                "bind port " + std::to_string(ntohs(address.sin_port)));
    }
    if (::listen(fd.get(), kListenBacklog) != 0) throw std::system_error(errno, std::generic_category(), "listen");
    return fd;
}

}  // namespace

class BackendServer::Connection {
public:
    Connection(UniqueFd fd, BackendMode mode) : fd_(std::move(fd)), mode_(mode) {}

    int fd() const { return fd_.get(); }

    // Makes as much progress as the socket allows; returns false once the connection is finished.
    bool on_ready() {
        for (;;) {
            const Step step = advance();
            if (step == Step::finished) return false;
            if (step == Step::blocked) return true;
        }
    }

private:
    enum class Phase { hello, size_header, sink_payload, ack, source_payload, reply, echo };
    enum class Step { progressed, blocked, finished };

    Step advance() {
        switch (phase_) {
            case Phase::hello: return read_hello();
            case Phase::size_header: return read_size_header();
            case Phase::sink_payload: return read_sink_payload();
            case Phase::ack: return write_fixed(ack_.data(), ack_.size());
            case Phase::source_payload: return write_source_payload();
            case Phase::reply: return write_fixed(reply_.data(), reply_.size());
            case Phase::echo: return echo();
        }
        return Step::finished;
    }

    // Reads into the scratch buffer; returns bytes read, 0 on EAGAIN, -1 on EOF or error.
    ssize_t receive(std::uint8_t* into, std::size_t capacity) {
        const ssize_t got = ::recv(fd_.get(), into, capacity, 0);
        if (got > 0) return got;
        if (got < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
        return -1;
    }

    Step read_hello() {
        auto& buffer = scratch();
        const ssize_t got = receive(buffer.data(), 4096);
        if (got < 0) return Step::finished;
        if (got == 0) return Step::blocked;
        const auto result = hello_.feed({buffer.data(), static_cast<std::size_t>(got)});
        if (result.status == ClientHelloReader::Status::error) return Step::finished;
        if (result.status == ClientHelloReader::Status::need_more) return Step::progressed;
        return after_hello({buffer.data() + result.consumed, static_cast<std::size_t>(got) - result.consumed});
    }

    Step after_hello(std::span<const std::uint8_t> rest) {
        switch (mode_) {
            case BackendMode::reply:
                phase_ = Phase::reply;
                reply_ = make_reply();
                return Step::progressed;
            case BackendMode::sink:
            case BackendMode::source:
                phase_ = Phase::size_header;
                return take_size_header(rest);
            case BackendMode::echo:
                phase_ = Phase::echo;
                echo_buffer_.resize(kEchoBuffer);
                std::copy(rest.begin(), rest.end(), echo_buffer_.begin());
                echo_end_ = rest.size();
                return Step::progressed;
        }
        return Step::finished;
    }

    Step take_size_header(std::span<const std::uint8_t> bytes) {
        const auto take = std::min(bytes.size(), header_.size() - header_filled_);
        std::copy_n(bytes.begin(), take, header_.begin() + static_cast<std::ptrdiff_t>(header_filled_));
        header_filled_ += take;
        if (header_filled_ < header_.size()) return Step::progressed;
        remaining_ = bench_protocol::decode_size(header_.data());
        if (mode_ == BackendMode::source) {
            phase_ = Phase::source_payload;
            return Step::progressed;
        }
        phase_ = Phase::sink_payload;
        return consume_sink_bytes(bytes.size() - take);
    }

    Step read_size_header() {
        auto& buffer = scratch();
        const auto want = header_.size() - header_filled_;
        const ssize_t got = receive(buffer.data(), want);
        if (got < 0) return Step::finished;
        if (got == 0) return Step::blocked;
        return take_size_header({buffer.data(), static_cast<std::size_t>(got)});
    }

    Step consume_sink_bytes(std::uint64_t count) {
        remaining_ -= std::min<std::uint64_t>(count, remaining_);
        if (remaining_ == 0) {
            phase_ = Phase::ack;
            bench_protocol::encode_size(decode_total(), ack_.data());
        }
        return Step::progressed;
    }

    std::uint64_t decode_total() const { return bench_protocol::decode_size(header_.data()); }

    Step read_sink_payload() {
        auto& buffer = scratch();
        const ssize_t got = receive(buffer.data(), std::min<std::uint64_t>(buffer.size(), remaining_));
        if (got < 0) return Step::finished;
        if (got == 0) return Step::blocked;
        return consume_sink_bytes(static_cast<std::uint64_t>(got));
    }

    Step write_source_payload() {
        if (remaining_ == 0) return Step::finished;
        auto& buffer = scratch();
        const ssize_t sent = ::send(fd_.get(), buffer.data(), std::min<std::uint64_t>(buffer.size(), remaining_),
                                    MSG_NOSIGNAL);
        if (sent < 0) return (errno == EAGAIN || errno == EINTR) ? Step::blocked : Step::finished;
        remaining_ -= static_cast<std::uint64_t>(sent);
        return Step::progressed;
    }

    // Writes a small fixed message, then the connection is done (closing first is intended).
    Step write_fixed(const std::uint8_t* data, std::size_t size) {
        while (fixed_sent_ < size) {
            const ssize_t sent = ::send(fd_.get(), data + fixed_sent_, size - fixed_sent_, MSG_NOSIGNAL);
            if (sent < 0) return (errno == EAGAIN || errno == EINTR) ? Step::blocked : Step::finished;
            fixed_sent_ += static_cast<std::size_t>(sent);
        }
        return Step::finished;
    }

    Step echo() {
        if (echo_start_ < echo_end_) {
            const ssize_t sent = ::send(fd_.get(), echo_buffer_.data() + echo_start_, echo_end_ - echo_start_,
                                        MSG_NOSIGNAL);
            if (sent < 0 && errno != EAGAIN && errno != EINTR) return Step::finished;
            if (sent > 0) {
                echo_start_ += static_cast<std::size_t>(sent);
                if (echo_start_ == echo_end_) echo_start_ = echo_end_ = 0;
                return Step::progressed;
            }
        }
        if (echo_end_ < echo_buffer_.size()) {
            const ssize_t got = receive(echo_buffer_.data() + echo_end_, echo_buffer_.size() - echo_end_);
            if (got < 0) return Step::finished;
            if (got > 0) {
                echo_end_ += static_cast<std::size_t>(got);
                return Step::progressed;
            }
        }
        return Step::blocked;
    }

    UniqueFd fd_;
    BackendMode mode_;
    Phase phase_ = Phase::hello;
    ClientHelloReader hello_;
    std::array<std::uint8_t, bench_protocol::kSizeHeaderBytes> header_{};
    std::size_t header_filled_ = 0;
    std::uint64_t remaining_ = 0;
    std::array<std::uint8_t, bench_protocol::kSinkAckBytes> ack_{};
    std::array<std::uint8_t, bench_protocol::kReplyBytes> reply_{};
    std::size_t fixed_sent_ = 0;
    std::vector<std::uint8_t> echo_buffer_;
    std::size_t echo_start_ = 0;
    std::size_t echo_end_ = 0;
};

BackendServer::BackendServer(const std::vector<BackendListener>& listeners) {
    for (const auto& spec : listeners) {
        auto listener = std::make_unique<Listener>(Listener{listen_on(spec.address), spec.mode});
        epoll_.add(listener->fd.get(), EPOLLIN, reinterpret_cast<std::uint64_t>(listener.get()) | kListenerTag);
        listeners_.push_back(std::move(listener));
    }
}

BackendServer::~BackendServer() = default;

void BackendServer::accept_all(Listener& listener) {
    for (;;) {
        UniqueFd fd(::accept4(listener.fd.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!fd.valid()) return;  // EAGAIN, or out of descriptors: the client will time out and count it
        const int on = 1;
        ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        auto connection = std::make_unique<Connection>(std::move(fd), listener.mode);
        auto* key = connection.get();
        epoll_.add(key->fd(), EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, reinterpret_cast<std::uint64_t>(key));
        connections_.emplace(key, std::move(connection));
        if (!key->on_ready()) connections_.erase(key);
    }
}

void BackendServer::run(const volatile bool& stop_requested) {
    while (!stop_requested) {
        for (const auto& event : epoll_.wait(std::chrono::milliseconds(100))) {
            if (event.data.u64 & kListenerTag) {
                accept_all(*reinterpret_cast<Listener*>(event.data.u64 & ~kListenerTag));
                continue;
            }
            auto* connection = reinterpret_cast<Connection*>(event.data.u64);
            if (!connection->on_ready()) connections_.erase(connection);
        }
    }
}
