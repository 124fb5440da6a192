// Consumes the TLS records that carry one ClientHello, however the bytes are split into reads
// and records, and says where the ClientHello ends so that the bytes after it can be used.
// It checks framing only: the backend never needs the fields, just the end of the handshake.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

class ClientHelloReader {
public:
    enum class Status { need_more, done, error };
    struct Result {
        Status status;
        std::size_t consumed;  // bytes of the input that belong to the ClientHello
    };

    Result feed(std::span<const std::uint8_t> bytes);
    const std::string& error() const { return error_; }

private:
    Result fail(std::string reason, std::size_t consumed);

    std::uint8_t record_header_[5]{};
    std::size_t record_header_filled_ = 0;
    std::size_t record_body_left_ = 0;
    std::uint8_t handshake_header_[4]{};
    std::size_t handshake_header_filled_ = 0;
    std::size_t handshake_body_left_ = 0;
    std::string error_;
};
