// What the load generator and the benchmark backend say to each other after the ClientHello.
// No proxy looks past the ClientHello, so these bytes only have to be agreed between the two ends.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bench_protocol {

// The backend answers a ClientHello on a "reply" port with this many bytes, then closes first,
// so TIME_WAIT lands on the backend and the load generator never runs out of ephemeral ports.
inline constexpr std::size_t kReplyBytes = 128;

// On "sink" and "source" ports the ClientHello is followed by the payload size, 8 bytes big-endian.
inline constexpr std::size_t kSizeHeaderBytes = 8;

// A sink acknowledges the whole payload with these 8 bytes (the size, echoed back).
inline constexpr std::size_t kSinkAckBytes = 8;

inline void encode_size(std::uint64_t size, std::uint8_t* out) {
    for (int i = 7; i >= 0; --i) {
        out[i] = static_cast<std::uint8_t>(size & 0xff);
        size >>= 8;
    }
}

inline std::uint64_t decode_size(const std::uint8_t* in) {
    std::uint64_t size = 0;
    for (int i = 0; i < 8; ++i) {
        size = (size << 8) | in[i];
    }
    return size;
}

}  // namespace bench_protocol
