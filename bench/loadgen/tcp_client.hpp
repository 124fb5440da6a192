// Non-blocking client sockets for the workloads: start a connect, then learn how it ended.
#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <sys/epoll.h>

#include <cerrno>
#include <cstdint>

#include "../common/unique_fd.hpp"

// Starts a non-blocking connect with Nagle off; an invalid fd means it failed at once (errno set).
inline UniqueFd start_connect(const sockaddr_in& target) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return fd;
    const int on = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&target), sizeof target) != 0 &&
        errno != EINPROGRESS) {
        const int saved = errno;
        fd.reset();
        errno = saved;
    }
    return fd;
}

// Returns the pending error of a connect that epoll reported as finished (0 when it succeeded).
inline int connect_result(int fd) {
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
    return error;
}

// Sends as much of [data, data+size) as the socket takes; returns bytes sent, or -1 on a hard error.
inline ssize_t send_some(int fd, const void* data, std::size_t size) {
    const ssize_t sent = ::send(fd, data, size, MSG_NOSIGNAL);
    if (sent >= 0) return sent;
    return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
}

inline constexpr std::uint32_t kClientEvents = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
