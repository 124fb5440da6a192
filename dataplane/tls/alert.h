// Fatal TLS alerts the dataplane sends before closing, so that clients report a precise error
// instead of a bare connection reset.
#pragma once

#include <array>
#include <cstdint>

namespace snigate::tls {

enum class AlertDescription : std::uint8_t {
  access_denied = 49,
  decode_error = 50,
  internal_error = 80,
  unrecognized_name = 112,
};

// A plaintext alert record; record_version echoes the client's so that old stacks accept it.
inline std::array<std::uint8_t, 7> fatal_alert(AlertDescription description, std::uint16_t record_version) {
  if (record_version < 0x0301 || record_version > 0x0303) record_version = 0x0303;
  return {21, static_cast<std::uint8_t>(record_version >> 8), static_cast<std::uint8_t>(record_version & 0xff),
          0, 2, /*fatal*/ 2, static_cast<std::uint8_t>(description)};
}

}  // namespace snigate::tls
