#include "client_hello.hpp"

#include <cstddef>
#include <initializer_list>
#include <stdexcept>
#include <string>

namespace {

constexpr std::uint16_t kX25519MLKEM768 = 0x11ec;
constexpr std::uint16_t kX25519 = 0x001d;
constexpr std::size_t kMLKEM768ShareBytes = 1184 + 32;
constexpr std::size_t kX25519ShareBytes = 32;
constexpr std::size_t kGreaseEchPayloadBytes = 208;
constexpr std::size_t kClassicPaddedHandshakeBytes = 512;

// Writes big-endian integers and length-prefixed blocks into one growing byte vector.
class ByteWriter {
public:
    void u8(std::uint8_t value) { bytes_.push_back(value); }
    void u16(std::uint16_t value) {
        u8(static_cast<std::uint8_t>(value >> 8));
        u8(static_cast<std::uint8_t>(value));
    }
    void u16s(std::initializer_list<std::uint16_t> values) {
        for (auto value : values) u16(value);
    }
    void text(std::string_view value) { bytes_.insert(bytes_.end(), value.begin(), value.end()); }
    // Pseudo-random filler for keys and randoms; deterministic so that runs are comparable.
    void filler(std::size_t count) {
        for (std::size_t i = 0; i < count; ++i) {
            state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
            u8(static_cast<std::uint8_t>(state_ >> 56));
        }
    }

    // Reserves a length field of `width` bytes and returns its offset for close_length().
    std::size_t open_length(int width) {
        const auto offset = bytes_.size();
        bytes_.insert(bytes_.end(), static_cast<std::size_t>(width), 0);
        return offset;
    }
    void close_length(std::size_t offset, int width) {
        const auto length = bytes_.size() - offset - static_cast<std::size_t>(width);
        if (length >> (8 * width)) throw std::length_error("ClientHello field too long");
        for (int i = 0; i < width; ++i) {
            bytes_[offset + static_cast<std::size_t>(i)] =
                static_cast<std::uint8_t>(length >> (8 * (width - 1 - i)));
        }
    }

    std::size_t size() const { return bytes_.size(); }
    std::vector<std::uint8_t> take() { return std::move(bytes_); }

private:
    std::vector<std::uint8_t> bytes_;
    std::uint64_t state_ = 0x5eed;
};

void extension(ByteWriter& out, std::uint16_t type, auto&& write_body) {
    out.u16(type);
    const auto length = out.open_length(2);
    write_body();
    out.close_length(length, 2);
}

void key_share_entry(ByteWriter& out, std::uint16_t group, std::size_t share_bytes) {
    out.u16(group);
    out.u16(static_cast<std::uint16_t>(share_bytes));
    out.filler(share_bytes);
}

}  // namespace

std::vector<std::uint8_t> build_client_hello(std::string_view server_name, ClientHelloShape shape) {
    if (server_name.empty() || server_name.size() > 253) {
        throw std::invalid_argument("SNI name '" + std::string(server_name) + "': length must be 1..253");
    }
    const bool post_quantum = shape == ClientHelloShape::post_quantum;
    ByteWriter out;
    out.u8(0x16);  // handshake record
    out.u16(0x0301);
    const auto record_length = out.open_length(2);
    const auto record_body_start = out.size();
    out.u8(0x01);  // ClientHello
    const auto handshake_length = out.open_length(3);
    out.u16(0x0303);
    out.filler(32);  // random
    out.u8(32);
    out.filler(32);  // legacy session id
    const auto suites = out.open_length(2);
    out.u16s({0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
              0x009c, 0x009d, 0x002f, 0x0035});
    out.close_length(suites, 2);
    out.u8(1);
    out.u8(0);  // null compression
    const auto extensions = out.open_length(2);

    extension(out, 0x0000, [&] {  // server_name
        const auto list = out.open_length(2);
        out.u8(0);  // host_name
        out.u16(static_cast<std::uint16_t>(server_name.size()));
        out.text(server_name);
        out.close_length(list, 2);
    });
    extension(out, 0x0017, [] {});                        // extended_master_secret
    extension(out, 0xff01, [&] { out.u8(0); });           // renegotiation_info
    extension(out, 0x000a, [&] {                          // supported_groups
        const auto list = out.open_length(2);
        if (post_quantum) out.u16(kX25519MLKEM768);
        out.u16s({kX25519, 0x0017, 0x0018});
        out.close_length(list, 2);
    });
    extension(out, 0x000b, [&] { out.u8(1); out.u8(0); });  // ec_point_formats
    extension(out, 0x0023, [] {});                          // session_ticket
    extension(out, 0x0010, [&] {                            // ALPN
        const auto list = out.open_length(2);
        out.u8(2);
        out.text("h2");
        out.u8(8);
        out.text("http/1.1");
        out.close_length(list, 2);
    });
    extension(out, 0x0005, [&] { out.u8(1); out.u16(0); out.u16(0); });  // status_request
    extension(out, 0x000d, [&] {                                         // signature_algorithms
        const auto list = out.open_length(2);
        out.u16s({0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601});
        out.close_length(list, 2);
    });
    extension(out, 0x0012, [] {});  // signed_certificate_timestamp
    extension(out, 0x0033, [&] {    // key_share
        const auto list = out.open_length(2);
        if (post_quantum) key_share_entry(out, kX25519MLKEM768, kMLKEM768ShareBytes);
        key_share_entry(out, kX25519, kX25519ShareBytes);
        out.close_length(list, 2);
    });
    extension(out, 0x002d, [&] { out.u8(1); out.u8(1); });  // psk_key_exchange_modes: psk_dhe_ke
    extension(out, 0x002b, [&] { out.u8(4); out.u16s({0x0304, 0x0303}); });  // supported_versions
    extension(out, 0x001b, [&] { out.u8(2); out.u16(0x0002); });           // compress_certificate: brotli
    if (post_quantum) {
        extension(out, 0xfe0d, [&] {  // GREASE encrypted_client_hello, as Chrome sends it
            out.u8(0);                // outer
            out.u16s({0x0001, 0x0001});
            out.filler(1);  // config id
            out.u16(32);
            out.filler(32);
            out.u16(static_cast<std::uint16_t>(kGreaseEchPayloadBytes));
            out.filler(kGreaseEchPayloadBytes);
        });
    } else {
        const auto handshake_bytes = out.size() - record_body_start + 4;
        const auto padding = handshake_bytes < kClassicPaddedHandshakeBytes
                                 ? kClassicPaddedHandshakeBytes - handshake_bytes
                                 : 0;
        extension(out, 0x0015, [&] {  // padding
            for (std::size_t i = 0; i < padding; ++i) out.u8(0);
        });
    }

    out.close_length(extensions, 2);
    out.close_length(handshake_length, 3);
    out.close_length(record_length, 2);
    return out.take();
}
