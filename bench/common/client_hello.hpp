// Builds a TLS 1.3 ClientHello record shaped like a current browser's, carrying a given SNI name.
// None of the proxies terminates TLS, so the bytes only have to look real to their SNI parsers.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

enum class ClientHelloShape {
    // X25519MLKEM768 plus X25519 key shares and a GREASE ECH extension: about 1.8 KB, like Chrome.
    post_quantum,
    // X25519 key share only, padded to 512 bytes like pre-2024 browsers.
    classic,
};

std::vector<std::uint8_t> build_client_hello(std::string_view server_name, ClientHelloShape shape);
