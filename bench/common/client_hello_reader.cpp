#include "client_hello_reader.hpp"

#include <algorithm>

namespace {
constexpr std::uint8_t kHandshakeRecord = 0x16;
constexpr std::uint8_t kClientHello = 0x01;
constexpr std::size_t kMaxRecordBody = 16384;
constexpr std::size_t kMaxClientHello = 65536;
}  // namespace

ClientHelloReader::Result ClientHelloReader::fail(std::string reason, std::size_t consumed) {
    error_ = std::move(reason);
    return {Status::error, consumed};
}

ClientHelloReader::Result ClientHelloReader::feed(std::span<const std::uint8_t> bytes) {
    std::size_t at = 0;
    while (at < bytes.size()) {
        if (record_body_left_ == 0) {
            record_header_[record_header_filled_++] = bytes[at++];
            if (record_header_filled_ < sizeof record_header_) continue;
            record_header_filled_ = 0;
            if (record_header_[0] != kHandshakeRecord) {
                return fail("record type " + std::to_string(record_header_[0]) + " is not handshake", at);
            }
            record_body_left_ = (std::size_t{record_header_[3]} << 8) | record_header_[4];
            if (record_body_left_ == 0 || record_body_left_ > kMaxRecordBody) {
                return fail("record length " + std::to_string(record_body_left_) + " out of range", at);
            }
            continue;
        }
        if (handshake_header_filled_ < sizeof handshake_header_) {
            handshake_header_[handshake_header_filled_++] = bytes[at++];
            --record_body_left_;
            if (handshake_header_filled_ < sizeof handshake_header_) continue;
            if (handshake_header_[0] != kClientHello) {
                return fail("handshake type " + std::to_string(handshake_header_[0]) + " is not ClientHello", at);
            }
            handshake_body_left_ = (std::size_t{handshake_header_[1]} << 16) |
                                   (std::size_t{handshake_header_[2]} << 8) | handshake_header_[3];
            if (handshake_body_left_ == 0 || handshake_body_left_ > kMaxClientHello) {
                return fail("ClientHello length " + std::to_string(handshake_body_left_) + " out of range", at);
            }
            continue;
        }
        const auto take = std::min({bytes.size() - at, record_body_left_, handshake_body_left_});
        at += take;
        record_body_left_ -= take;
        handshake_body_left_ -= take;
        if (handshake_body_left_ == 0) {
            if (record_body_left_ != 0) {
                return fail("record continues past the ClientHello", at);
            }
            return {Status::done, at};
        }
    }
    return {Status::need_more, at};
}
