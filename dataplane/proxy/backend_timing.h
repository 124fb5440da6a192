// When a connection's backend answered, for the access log: the start and end of the connect that
// succeeded and the backend's first byte, as milliseconds since the connection was accepted.
// Floats, so that the three cost twelve bytes of every connection and still resolve a microsecond
// in the first seconds (a tenth of a millisecond after a quarter of an hour).
#pragma once

#include <chrono>
#include <optional>

#include "io/event_loop.h"

namespace snigate::proxy {

struct BackendTiming {
  static constexpr float kNever = -1;

  static float since(io::Clock::time_point started, io::Clock::time_point now) {
    return std::chrono::duration<float, std::milli>(now - started).count();
  }

  // Milliseconds the connect took; none when no backend was connected.
  std::optional<double> connect_ms() const {
    if (connected == kNever) return std::nullopt;
    return double{connected} - double{connect_started};
  }
  // Milliseconds from the connect's end to the backend's first byte; none when none came.
  std::optional<double> first_byte_ms() const {
    if (connected == kNever || first_byte == kNever) return std::nullopt;
    return double{first_byte} - double{connected};
  }

  float connect_started = kNever;  // of the latest attempt
  float connected = kNever;
  float first_byte = kNever;
};

}  // namespace snigate::proxy
