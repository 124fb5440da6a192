// A thin owner of one epoll instance, with waits bounded to nanoseconds (epoll_pwait2), so the
// open-loop load generator can start connections on schedule instead of on millisecond ticks.
#pragma once

#include <sys/epoll.h>

#include <chrono>
#include <cstdint>
#include <span>
#include <system_error>

#include "unique_fd.hpp"

class Epoll {
public:
    Epoll() : fd_(::epoll_create1(EPOLL_CLOEXEC)) {
        if (!fd_.valid()) throw std::system_error(errno, std::generic_category(), "epoll_create1");
    }

    void add(int fd, std::uint32_t events, std::uint64_t key) { control(EPOLL_CTL_ADD, fd, events, key); }
    void modify(int fd, std::uint32_t events, std::uint64_t key) { control(EPOLL_CTL_MOD, fd, events, key); }

    // Returns the ready events; an interrupted wait returns none.
    std::span<epoll_event> wait(std::chrono::nanoseconds timeout) {
        if (timeout < std::chrono::nanoseconds::zero()) timeout = std::chrono::nanoseconds::zero();
        const timespec limit{static_cast<time_t>(timeout.count() / 1'000'000'000),
                             static_cast<long>(timeout.count() % 1'000'000'000)};
        const int count = ::epoll_pwait2(fd_.get(), events_, kMaxEvents, &limit, nullptr);
        if (count < 0) {
            if (errno == EINTR) return {};
            throw std::system_error(errno, std::generic_category(), "epoll_pwait2");
        }
        return {events_, static_cast<std::size_t>(count)};
    }

private:
    static constexpr int kMaxEvents = 256;

    void control(int operation, int fd, std::uint32_t events, std::uint64_t key) {
        epoll_event event{};
        event.events = events;
        event.data.u64 = key;
        if (::epoll_ctl(fd_.get(), operation, fd, &event) != 0) {
            throw std::system_error(errno, std::generic_category(), "epoll_ctl");
        }
    }

    UniqueFd fd_;
    epoll_event events_[kMaxEvents]{};
};
