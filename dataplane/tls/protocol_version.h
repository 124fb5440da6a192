// TLS protocol version numbers as a ClientHello carries them: GREASE values to skip, and the names
// the access log shows.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace snigate::tls {

// RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa, sent by clients so that servers keep tolerating values
// they do not know; never a version anyone speaks.
inline bool is_grease(std::uint16_t value) { return (value & 0x0f0f) == 0x0a0a && (value >> 8) == (value & 0xff); }

// "TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3"; any other value as "0x7f1c", so that a
// draft or unknown version is still visible for what it is.
inline std::string protocol_version_name(std::uint16_t version) {
  switch (version) {
    case 0x0304: return "TLSv1.3";
    case 0x0303: return "TLSv1.2";
    case 0x0302: return "TLSv1.1";
    case 0x0301: return "TLSv1";
    case 0x0300: return "SSLv3";
  }
  char text[7];
  std::snprintf(text, sizeof text, "0x%04x", version);
  return text;
}

}  // namespace snigate::tls
