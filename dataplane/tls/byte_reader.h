// A bounds-checked cursor over a byte span for parsing length-prefixed TLS structures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace snigate::tls {

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  std::size_t remaining() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

  std::optional<std::uint32_t> u8() { return read_int(1); }
  std::optional<std::uint32_t> u16() { return read_int(2); }
  std::optional<std::uint32_t> u24() { return read_int(3); }

  std::optional<std::span<const std::uint8_t>> bytes(std::size_t count) {
    if (count > bytes_.size()) return std::nullopt;
    auto taken = bytes_.first(count);
    bytes_ = bytes_.subspan(count);
    return taken;
  }

  // A vector<T> with a length prefix of `prefix_bytes` bytes, as a reader of its own.
  std::optional<ByteReader> prefixed(std::size_t prefix_bytes) {
    auto length = read_int(prefix_bytes);
    if (!length) return std::nullopt;
    auto body = bytes(*length);
    if (!body) return std::nullopt;
    return ByteReader(*body);
  }

 private:
  std::optional<std::uint32_t> read_int(std::size_t width) {
    if (width > bytes_.size()) return std::nullopt;
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < width; ++i) value = (value << 8) | bytes_[i];
    bytes_ = bytes_.subspan(width);
    return value;
  }

  std::span<const std::uint8_t> bytes_;
};

}  // namespace snigate::tls
