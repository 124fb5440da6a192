#include "tls/client_hello_parser.h"

#include <bitset>
#include <memory>

#include "snapshot/hostname.h"
#include "tls/byte_reader.h"
#include "tls/protocol_version.h"

namespace snigate::tls {
namespace {

constexpr std::uint8_t kHandshakeRecord = 22;
constexpr std::uint8_t kClientHelloMessage = 1;
constexpr std::size_t kRecordHeaderBytes = 5;
constexpr std::size_t kHandshakeHeaderBytes = 4;
constexpr std::size_t kMaxRecordPayload = 16384;  // RFC 8446 section 5.1
constexpr std::uint16_t kServerNameExtension = 0;
constexpr std::uint16_t kAlpnExtension = 16;
constexpr std::uint16_t kSupportedVersionsExtension = 43;
constexpr std::uint8_t kHostNameType = 0;

}  // namespace

std::string_view to_string(HelloError error) {
  switch (error) {
    case HelloError::not_tls: return "not_tls";
    case HelloError::http_request: return "http_request";
    case HelloError::sslv2_hello: return "sslv2_hello";
    case HelloError::bad_record: return "bad_record";
    case HelloError::not_client_hello: return "not_client_hello";
    case HelloError::too_large: return "too_large";
    case HelloError::malformed: return "malformed";
    case HelloError::bad_server_name: return "bad_server_name";
  }
  return "unknown";
}

ClientHelloParser::Status ClientHelloParser::fail(HelloError error, std::string detail) {
  error_ = error;
  error_detail_ = std::move(detail);
  return Status::error;
}

ClientHelloParser::Status ClientHelloParser::parse(std::span<const std::uint8_t> received) {
  if (record_offset_ == 0 && !received.empty() && received[0] != kHandshakeRecord) {
    if (received[0] & 0x80) {
      if (received.size() < 3) return Status::need_more;
      if (received[2] == kClientHelloMessage) return fail(HelloError::sslv2_hello, "SSLv2-style ClientHello");
    }
    if (received[0] >= 'A' && received[0] <= 'Z') {
      return fail(HelloError::http_request, "plain-text request on the TLS port");
    }
    return fail(HelloError::not_tls, "first byte " + std::to_string(received[0]) + " is not a TLS handshake record");
  }

  // Records are consumed whole; a partial one is looked at again (header only) on the next call.
  while (received.size() - record_offset_ >= kRecordHeaderBytes) {
    auto header = received.subspan(record_offset_, kRecordHeaderBytes);
    std::size_t length = (std::size_t{header[3]} << 8) | header[4];
    if (header[0] != kHandshakeRecord) {
      return fail(HelloError::bad_record, "record type " + std::to_string(header[0]) + " inside the ClientHello");
    }
    if (header[1] != 3) return fail(HelloError::bad_record, "record version major " + std::to_string(header[1]));
    if (length == 0 || length > kMaxRecordPayload) {
      return fail(HelloError::bad_record, "record length " + std::to_string(length));
    }
    if (record_offset_ + kRecordHeaderBytes + length > max_input_bytes()) {
      return fail(HelloError::too_large, "ClientHello records exceed " + std::to_string(max_input_bytes()) + " bytes");
    }
    if (received.size() - record_offset_ - kRecordHeaderBytes < length) return Status::need_more;

    if (record_offset_ == 0) hello_.record_version = static_cast<std::uint16_t>((header[1] << 8) | header[2]);
    auto payload = received.subspan(record_offset_ + kRecordHeaderBytes, length);
    record_offset_ += kRecordHeaderBytes + length;

    // Almost every hello arrives in one record: it is decoded where it lies, and only the payloads
    // of a hello split across records are copied (and freed once it is decoded, since a proxied
    // connection keeps its parser for its whole life).
    bool reassembling = !handshake_.empty();
    if (reassembling) handshake_.insert(handshake_.end(), payload.begin(), payload.end());
    std::span<const std::uint8_t> handshake = reassembling ? std::span<const std::uint8_t>(handshake_) : payload;
    if (handshake.size() >= kHandshakeHeaderBytes) {
      if (handshake[0] != kClientHelloMessage) {
        return fail(HelloError::not_client_hello, "handshake message type " + std::to_string(handshake[0]));
      }
      std::size_t message_length = (std::size_t{handshake[1]} << 16) | (std::size_t{handshake[2]} << 8) | handshake[3];
      if (message_length > max_handshake_bytes_) {
        return fail(HelloError::too_large, "ClientHello of " + std::to_string(message_length) + " bytes exceeds " +
                                               std::to_string(max_handshake_bytes_));
      }
      if (handshake.size() >= kHandshakeHeaderBytes + message_length) {
        auto status = parse_handshake_message(handshake.first(kHandshakeHeaderBytes + message_length));
        std::vector<std::uint8_t>().swap(handshake_);
        return status;
      }
    }
    if (!reassembling) handshake_.assign(payload.begin(), payload.end());
  }
  return Status::need_more;
}

ClientHelloParser::Status ClientHelloParser::parse_handshake_message(std::span<const std::uint8_t> handshake) {
  ByteReader message(handshake.subspan(kHandshakeHeaderBytes));

  auto legacy_version = message.u16();
  if (!legacy_version || !message.bytes(32)) return fail(HelloError::malformed, "truncated version or random");
  hello_.legacy_version = static_cast<std::uint16_t>(*legacy_version);
  auto session_id = message.prefixed(1);
  if (!session_id || session_id->remaining() > 32) return fail(HelloError::malformed, "bad session id");
  auto cipher_suites = message.prefixed(2);
  if (!cipher_suites || cipher_suites->empty() || cipher_suites->remaining() % 2 != 0) {
    return fail(HelloError::malformed, "bad cipher suite list");
  }
  auto compression = message.prefixed(1);
  if (!compression || compression->empty()) return fail(HelloError::malformed, "bad compression method list");
  if (message.empty()) return Status::done;  // a hello without extensions (TLS 1.0 era) has no SNI

  auto extensions = message.prefixed(2);
  if (!extensions) return fail(HelloError::malformed, "extensions length exceeds the message");
  if (!message.empty()) return fail(HelloError::malformed, "bytes after the extensions");

  auto seen = std::make_unique<std::bitset<65536>>();
  while (!extensions->empty()) {
    auto type = extensions->u16();
    auto body = type ? extensions->prefixed(2) : std::nullopt;
    if (!body) return fail(HelloError::malformed, "truncated extension");
    if (seen->test(*type)) return fail(HelloError::malformed, "duplicate extension " + std::to_string(*type));
    seen->set(*type);

    if (*type == kServerNameExtension) {
      auto names = body->prefixed(2);
      if (!names || !body->empty() || names->empty()) return fail(HelloError::malformed, "bad server_name extension");
      while (!names->empty()) {
        auto name_type = names->u8();
        auto name = name_type ? names->prefixed(2) : std::nullopt;
        if (!name) return fail(HelloError::malformed, "truncated server name");
        if (*name_type != kHostNameType) continue;
        if (!hello_.server_name.empty()) return fail(HelloError::malformed, "two host names in server_name");
        auto bytes = *name->bytes(name->remaining());
        std::string_view server_name(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        // The route table's rules: a name no route could hold is refused here, not looked up.
        if (!hostname::is_valid(server_name, /*allow_wildcard=*/false)) {
          return fail(HelloError::bad_server_name,
                      "server name of " + std::to_string(bytes.size()) + " bytes is not a valid DNS name");
        }
        hello_.server_name.assign(server_name);
      }
    } else if (*type == kAlpnExtension) {
      auto protocols = body->prefixed(2);
      if (!protocols || !body->empty() || protocols->empty()) return fail(HelloError::malformed, "bad ALPN extension");
      while (!protocols->empty()) {
        auto protocol = protocols->prefixed(1);
        if (!protocol || protocol->empty()) return fail(HelloError::malformed, "bad ALPN protocol name");
        auto bytes = *protocol->bytes(protocol->remaining());
        ++hello_.alpn_offered;
        if (hello_.alpn.size() < ClientHello::kKeptAlpnProtocols) hello_.alpn.emplace_back(bytes.begin(), bytes.end());
      }
    } else if (*type == kSupportedVersionsExtension) {
      // RFC 8446 section 4.2.1: versions<2..254>, two bytes each.
      auto versions = body->prefixed(1);
      if (!versions || !body->empty() || versions->empty() || versions->remaining() % 2 != 0) {
        return fail(HelloError::malformed, "bad supported_versions extension");
      }
      while (!versions->empty()) {
        auto version = static_cast<std::uint16_t>(*versions->u16());
        if (!is_grease(version) && version > hello_.highest_supported_version) {
          hello_.highest_supported_version = version;
        }
      }
    }
  }
  return Status::done;
}

}  // namespace snigate::tls
