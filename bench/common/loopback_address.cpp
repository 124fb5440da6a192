#include "loopback_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <stdexcept>
#include <string>

sockaddr_in parse_loopback_address(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        throw std::invalid_argument("address '" + std::string(text) + "': expected HOST:PORT");
    }
    const std::string host(text.substr(0, colon));
    const auto port_text = text.substr(colon + 1);
    unsigned port = 0;
    const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
        throw std::invalid_argument("address '" + std::string(text) + "': port out of range 1..65535");
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
        throw std::invalid_argument("address '" + std::string(text) + "': host is not an IPv4 address");
    }
    if ((ntohl(address.sin_addr.s_addr) >> 24) != 127) {
        throw std::invalid_argument("address '" + std::string(text) + "': only 127.0.0.0/8 is allowed");
    }
    return address;
}
