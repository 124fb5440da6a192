// The backend behind every peer: it reads the ClientHello without terminating TLS, then acts
// according to the port the connection arrived on (see BackendMode). Single-threaded, epoll.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "../common/epoll.hpp"
#include "../common/unique_fd.hpp"

enum class BackendMode {
    reply,   // answer the ClientHello with a short message, then close first
    sink,    // read a size header and that many bytes, then acknowledge
    source,  // read a size header, then send that many bytes and close
    echo,    // send back every byte after the ClientHello until the client closes
};

struct BackendListener {
    sockaddr_in address;
    BackendMode mode;
};

class BackendServer {
public:
    explicit BackendServer(const std::vector<BackendListener>& listeners);
    ~BackendServer();

    // Serves until stop_requested becomes true (checked at least every 100 ms).
    void run(const volatile bool& stop_requested);

private:
    class Connection;
    struct Listener {
        UniqueFd fd;
        BackendMode mode;
    };

    void accept_all(Listener& listener);

    Epoll epoll_;
    std::vector<std::unique_ptr<Listener>> listeners_;
    std::unordered_map<Connection*, std::unique_ptr<Connection>> connections_;
};
