// Incremental TLS ClientHello reader: reassembles handshake records as bytes arrive and extracts the
// server name (SNI), ALPN and the protocol versions offered, without terminating TLS.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace snigate::tls {

enum class HelloError {
  not_tls,          // first bytes are not a TLS handshake record (and not one of the cases below)
  http_request,     // plain-text HTTP sent to the TLS port
  sslv2_hello,      // an SSLv2-style ClientHello, which carries no extensions and so no SNI
  bad_record,       // record version or length out of range, or a non-handshake record mid-hello
  not_client_hello, // the first handshake message is something else
  too_large,        // the handshake exceeds the configured cap
  malformed,        // a length field disagrees with the bytes it covers, or a field is invalid
  bad_server_name,  // the SNI extension is present but its name breaks the DNS name rules (hostname::is_valid)
};

std::string_view to_string(HelloError error);

struct ClientHello {
  std::string server_name;             // as sent (not folded); empty when the client sent no SNI
  // The first kKeptAlpnProtocols protocols in the client's order, and how many it offered: a
  // 64 KiB hello of one-byte names would otherwise cost a megabyte of strings.
  static constexpr std::size_t kKeptAlpnProtocols = 8;
  std::vector<std::string> alpn;
  std::size_t alpn_offered = 0;
  std::uint16_t record_version = 0;    // of the first record, for answering with an alert
  std::uint16_t legacy_version = 0;    // the hello's own version field (0x0303 from TLS 1.3 clients)
  // The highest entry of supported_versions that is not GREASE; 0 without that extension (or
  // with nothing but GREASE in it).
  std::uint16_t highest_supported_version = 0;

  // The highest version the client offers: what supported_versions says, else legacy_version.
  std::uint16_t offered_version() const { return highest_supported_version ? highest_supported_version : legacy_version; }
};

class ClientHelloParser {
 public:
  enum class Status { need_more, done, error };

  static constexpr std::size_t kDefaultMaxHandshakeBytes = 64 * 1024;

  explicit ClientHelloParser(std::size_t max_handshake_bytes = kDefaultMaxHandshakeBytes)
      : max_handshake_bytes_(max_handshake_bytes) {}

  // `received` is everything read from the client so far (a growing buffer); each call looks only at
  // records it has not consumed yet, so feeding one byte at a time stays linear.
  Status parse(std::span<const std::uint8_t> received);

  // Bytes a client may send before the hello must be complete: the handshake cap plus the
  // record framing of a hello split into many small records.
  std::size_t max_input_bytes() const { return 2 * max_handshake_bytes_ + 64; }

  const ClientHello& hello() const { return hello_; }
  // Bytes held to reassemble a hello split across records (freed once it is parsed).
  std::size_t reassembly_bytes() const { return handshake_.capacity(); }
  HelloError error() const { return error_; }
  const std::string& error_detail() const { return error_detail_; }

 private:
  Status fail(HelloError error, std::string detail);
  Status parse_handshake_message(std::span<const std::uint8_t> handshake);  // header and whole message

  std::size_t max_handshake_bytes_;
  std::size_t record_offset_ = 0;        // start of the next unconsumed record in `received`
  std::vector<std::uint8_t> handshake_;  // handshake bytes reassembled from record payloads
  ClientHello hello_;
  HelloError error_ = HelloError::malformed;
  std::string error_detail_;
};

}  // namespace snigate::tls
