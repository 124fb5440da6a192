// Parses "127.0.0.1:PORT" into a socket address; refuses anything outside 127.0.0.0/8 so that
// no benchmark can ever send traffic off this machine.
#pragma once

#include <netinet/in.h>

#include <string_view>

sockaddr_in parse_loopback_address(std::string_view text);
