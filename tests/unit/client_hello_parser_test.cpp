// ClientHelloParser against real clients' captured hellos (tests/data/client_hellos, expectations
// from its manifest.json) and against hellos built here to break one rule at a time.
#include "tls/client_hello_parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace snigate::tls {
namespace {

using Bytes = std::vector<std::uint8_t>;
using Status = ClientHelloParser::Status;

constexpr std::size_t kRecordHeaderBytes = 5;
constexpr std::size_t kMaxRecordPayload = 16384;

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

struct Capture {
  std::string file;
  std::optional<std::string> sni;
  std::vector<std::string> alpn;
  std::size_t bytes = 0;
  std::size_t records = 0;
  std::size_t handshake_bytes = 0;
  Bytes data;
};

std::vector<Capture> load_captures() {
  std::string dir = CLIENT_HELLOS_DIR;
  auto manifest = nlohmann::json::parse(read_file(dir + "/manifest.json"));
  std::vector<Capture> captures;
  for (const auto& entry : manifest.at("captures")) {
    Capture capture;
    capture.file = entry.at("file").get<std::string>();
    if (!entry.at("sni").is_null()) capture.sni = entry.at("sni").get<std::string>();
    capture.alpn = entry.at("alpn").get<std::vector<std::string>>();
    capture.bytes = entry.at("bytes").get<std::size_t>();
    capture.records = entry.at("records").get<std::size_t>();
    capture.handshake_bytes = entry.at("handshake_bytes").get<std::size_t>();
    capture.data = read_file(dir + "/" + capture.file);
    captures.push_back(std::move(capture));
  }
  if (captures.empty()) throw std::runtime_error("no captures in " + dir + "/manifest.json");
  return captures;
}

const std::vector<Capture>& captures() {
  static const std::vector<Capture> loaded = load_captures();
  return loaded;
}

const Capture& capture_named(const std::string& file) {
  for (const auto& capture : captures()) {
    if (capture.file == file) return capture;
  }
  throw std::runtime_error(file + " is not in the manifest");
}

std::uint16_t record_version_of(const Bytes& records) { return static_cast<std::uint16_t>((records[1] << 8) | records[2]); }

// The handshake bytes carried by a sequence of whole handshake records.
Bytes handshake_of(const Bytes& records) {
  Bytes handshake;
  for (std::size_t at = 0; at < records.size();) {
    std::size_t length = (std::size_t{records[at + 3]} << 8) | records[at + 4];
    auto body = records.begin() + static_cast<std::ptrdiff_t>(at + kRecordHeaderBytes);
    handshake.insert(handshake.end(), body, body + static_cast<std::ptrdiff_t>(length));
    at += kRecordHeaderBytes + length;
  }
  return handshake;
}

// Sized once and filled in place: GCC 12 at -O3 sees the insert into a vector it knows holds five
// bytes and warns (-Warray-bounds, a false positive) about the copy its reallocation would do.
Bytes record(std::uint8_t type, std::uint16_t version, const Bytes& body) {
  Bytes out(kRecordHeaderBytes + body.size());
  out[0] = type;
  out[1] = static_cast<std::uint8_t>(version >> 8);
  out[2] = static_cast<std::uint8_t>(version);
  out[3] = static_cast<std::uint8_t>(body.size() >> 8);
  out[4] = static_cast<std::uint8_t>(body.size());
  std::copy(body.begin(), body.end(), out.begin() + kRecordHeaderBytes);
  return out;
}

// Handshake records carrying `handshake`, their payload sizes cycling through `sizes`.
Bytes frame(const Bytes& handshake, std::uint16_t version, const std::vector<std::size_t>& sizes) {
  Bytes out;
  std::size_t next_size = 0;
  for (std::size_t at = 0; at < handshake.size();) {
    std::size_t size = std::min(sizes[next_size++ % sizes.size()], handshake.size() - at);
    auto chunk = record(22, version, Bytes(handshake.begin() + static_cast<std::ptrdiff_t>(at),
                                          handshake.begin() + static_cast<std::ptrdiff_t>(at + size)));
    out.insert(out.end(), chunk.begin(), chunk.end());
    at += size;
  }
  return out;
}

Bytes frame(const Bytes& handshake, std::uint16_t version = 0x0301) {
  return frame(handshake, version, {kMaxRecordPayload});
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

Bytes text(std::string_view characters) { return Bytes(characters.begin(), characters.end()); }

void append_int(Bytes& out, std::size_t value, std::size_t width) {
  for (std::size_t i = width; i-- > 0;) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

Bytes length_prefixed(std::size_t width, const Bytes& body) {
  Bytes out(width + body.size());
  for (std::size_t i = 0; i < width; ++i) out[i] = static_cast<std::uint8_t>(body.size() >> (8 * (width - 1 - i)));
  std::copy(body.begin(), body.end(), out.begin() + static_cast<std::ptrdiff_t>(width));
  return out;
}

Bytes extension(std::uint16_t type, const Bytes& body) {
  Bytes out;
  append_int(out, type, 2);
  return concat({out, length_prefixed(2, body)});
}

Bytes server_name_extension(const std::vector<std::pair<std::uint8_t, Bytes>>& names) {
  Bytes list;
  for (const auto& [type, name] : names) {
    list.push_back(type);
    auto prefixed = length_prefixed(2, name);
    list.insert(list.end(), prefixed.begin(), prefixed.end());
  }
  return extension(0, length_prefixed(2, list));
}

Bytes server_name_extension(std::string_view name) { return server_name_extension({{0, text(name)}}); }

Bytes alpn_extension(const std::vector<std::string>& protocols) {
  Bytes list;
  for (const auto& protocol : protocols) {
    auto prefixed = length_prefixed(1, text(protocol));
    list.insert(list.end(), prefixed.begin(), prefixed.end());
  }
  return extension(16, length_prefixed(2, list));
}

Bytes supported_versions_extension(const std::vector<std::uint16_t>& versions) {
  Bytes list;
  for (auto version : versions) append_int(list, version, 2);
  return extension(43, length_prefixed(1, list));
}

// A minimal TLS 1.2-shaped ClientHello handshake message (with its 4-byte header).
Bytes client_hello(const std::optional<Bytes>& extensions, std::uint8_t message_type = 1) {
  Bytes body(2 + 32, 0xab);                              // version, then random
  body[0] = body[1] = 0x03;
  body.push_back(0);                                     // empty session id
  body.insert(body.end(), {0x00, 0x02, 0x13, 0x01});     // one cipher suite
  body.insert(body.end(), {0x01, 0x00});                 // null compression
  if (extensions) {
    auto block = length_prefixed(2, *extensions);
    body.insert(body.end(), block.begin(), block.end());
  }
  Bytes message{message_type};
  append_int(message, body.size(), 3);
  return concat({message, body});
}

Bytes client_hello_with(std::initializer_list<Bytes> extensions) { return client_hello(concat(extensions)); }

struct Outcome {
  Status status;
  ClientHelloParser parser;
};

Outcome parse_whole(const Bytes& input, std::size_t max_handshake_bytes = ClientHelloParser::kDefaultMaxHandshakeBytes) {
  ClientHelloParser parser(max_handshake_bytes);
  auto status = parser.parse(input);
  return {status, std::move(parser)};
}

// Feeds `input` as a growing buffer, one more byte each call, as a socket trickling bytes would.
Outcome parse_byte_by_byte(const Bytes& input) {
  ClientHelloParser parser;
  Status status = Status::need_more;
  for (std::size_t received = 1; received <= input.size() && status == Status::need_more; ++received) {
    status = parser.parse(std::span(input.data(), received));
    if (status != Status::need_more && received != input.size()) {
      ADD_FAILURE() << "finished after " << received << " of " << input.size() << " bytes";
    }
  }
  return {status, std::move(parser)};
}

// The parser keeps the first few protocols of a list and counts the rest.
std::vector<std::string> kept_alpn(const std::vector<std::string>& offered) {
  auto kept = std::min(offered.size(), snigate::tls::ClientHello::kKeptAlpnProtocols);
  return {offered.begin(), offered.begin() + static_cast<std::ptrdiff_t>(kept)};
}

void expect_hello_of(const Capture& capture, const Outcome& outcome) {
  ASSERT_EQ(outcome.status, Status::done) << to_string(outcome.parser.error()) << ": " << outcome.parser.error_detail();
  EXPECT_EQ(outcome.parser.hello().server_name, capture.sni.value_or(""));
  EXPECT_EQ(outcome.parser.hello().alpn, kept_alpn(capture.alpn));
  EXPECT_EQ(outcome.parser.hello().alpn_offered, capture.alpn.size());
}

void expect_error(const Outcome& outcome, HelloError error) {
  ASSERT_EQ(outcome.status, Status::error);
  EXPECT_EQ(outcome.parser.error(), error) << to_string(outcome.parser.error()) << ": " << outcome.parser.error_detail();
  EXPECT_FALSE(outcome.parser.error_detail().empty());
}

// Every length field the parser reads inside the ClientHello message, found by an independent walk.
struct LengthField {
  std::string name;
  std::size_t offset;  // into the handshake message, header included
  std::size_t width;
  // A list element's length: a lie can still leave a well-formed list of other elements.
  bool list_element = false;
};

std::size_t read_int(const Bytes& bytes, std::size_t offset, std::size_t width) {
  std::size_t value = 0;
  for (std::size_t i = 0; i < width; ++i) value = (value << 8) | bytes.at(offset + i);
  return value;
}

std::vector<LengthField> length_fields(const Bytes& message) {
  std::vector<LengthField> fields;
  std::size_t at = 4 + 2 + 32;
  auto field = [&](std::string name, std::size_t width, bool list_element = false) {
    fields.push_back({std::move(name), at, width, list_element});
    std::size_t length = read_int(message, at, width);
    at += width;
    return length;
  };
  at += field("session id", 1);
  at += field("cipher suites", 2);
  at += field("compression methods", 1);
  std::size_t extensions_end = at + 2 + read_int(message, at, 2);
  field("extensions", 2);
  while (at < extensions_end) {
    std::size_t type = read_int(message, at, 2);
    at += 2;
    std::size_t body_end = at + 2 + read_int(message, at, 2);
    field("extension " + std::to_string(type), 2);
    if (type == 0) {
      field("server name list", 2);
      while (at < body_end) {
        at += 1;
        at += field("host name", 2);
      }
    } else if (type == 16) {
      field("ALPN list", 2);
      while (at < body_end) at += field("ALPN protocol", 1, /*list_element=*/true);
    }
    at = body_end;
  }
  return fields;
}

// The same bytes with the big-endian integer of a field moved by `delta`, or nullopt when the
// result would not fit the field.
std::optional<Bytes> with_length_moved(const Bytes& bytes, std::size_t offset, std::size_t width, int delta) {
  std::size_t value = read_int(bytes, offset, width);
  if ((delta < 0 && value == 0) || (delta > 0 && value + 1 >= (std::size_t{1} << (8 * width)))) return std::nullopt;
  Bytes moved = bytes;
  std::size_t new_value = delta < 0 ? value - 1 : value + 1;
  for (std::size_t i = 0; i < width; ++i) {
    moved[offset + i] = static_cast<std::uint8_t>(new_value >> (8 * (width - 1 - i)));
  }
  return moved;
}

// ---- Real captures ----

void PrintTo(const Capture& capture, std::ostream* out) { *out << capture.file; }

class CapturedHello : public testing::TestWithParam<Capture> {};

TEST_P(CapturedHello, CaptureMatchesItsManifestEntry) {
  const auto& capture = GetParam();
  EXPECT_EQ(capture.data.size(), capture.bytes);
  EXPECT_EQ(handshake_of(capture.data).size(), capture.handshake_bytes);
}

TEST_P(CapturedHello, ParsesWhenFedWhole) {
  const auto& capture = GetParam();
  auto outcome = parse_whole(capture.data);
  expect_hello_of(capture, outcome);
  EXPECT_EQ(outcome.parser.hello().record_version, record_version_of(capture.data));
}

// Every captured client speaks TLS 1.3 and says so the RFC 8446 way: legacy_version 1.2 and 1.3
// in supported_versions (Chromium's list begins with a GREASE value).
TEST_P(CapturedHello, OffersTls13InSupportedVersions) {
  auto outcome = parse_whole(GetParam().data);
  ASSERT_EQ(outcome.status, Status::done);
  EXPECT_EQ(outcome.parser.hello().legacy_version, 0x0303);
  EXPECT_EQ(outcome.parser.hello().highest_supported_version, 0x0304);
  EXPECT_EQ(outcome.parser.hello().offered_version(), 0x0304);
}

TEST_P(CapturedHello, ParsesWhenFedOneByteAtATime) {
  const auto& capture = GetParam();
  expect_hello_of(capture, parse_byte_by_byte(capture.data));
}

TEST_P(CapturedHello, ParsesWhenResplitIntoSmallRecords) {
  const auto& capture = GetParam();
  auto handshake = handshake_of(capture.data);
  for (const std::vector<std::size_t>& sizes :
       {std::vector<std::size_t>{1}, {7}, {100}, {1, 7, 100}, {3, kMaxRecordPayload}}) {
    SCOPED_TRACE("record payload sizes " + testing::PrintToString(sizes));
    auto records = frame(handshake, record_version_of(capture.data), sizes);
    expect_hello_of(capture, parse_whole(records));
    expect_hello_of(capture, parse_byte_by_byte(records));
  }
}

TEST_P(CapturedHello, NeedsMoreWhenTruncatedAtAnyOffset) {
  const auto& capture = GetParam();
  for (std::size_t length = 0; length < capture.data.size(); ++length) {
    ClientHelloParser parser;
    ASSERT_EQ(parser.parse(std::span(capture.data.data(), length)), Status::need_more)
        << "truncated to " << length << " bytes: " << to_string(parser.error()) << ": " << parser.error_detail();
  }
}

TEST_P(CapturedHello, BodyLengthThatLiesByOneIsAnError) {
  const auto& capture = GetParam();
  auto handshake = handshake_of(capture.data);
  auto fields = length_fields(handshake);
  ASSERT_GE(fields.size(), 5u);
  for (const auto& field : fields) {
    if (field.list_element) continue;
    for (int delta : {+1, -1}) {
      auto lying = with_length_moved(handshake, field.offset, field.width, delta);
      if (!lying) continue;
      auto outcome = parse_whole(frame(*lying, record_version_of(capture.data)));
      EXPECT_EQ(outcome.status, Status::error)
          << field.name << " length at offset " << field.offset << " moved by " << delta << " parsed as \""
          << outcome.parser.hello().server_name << "\"";
    }
  }
}

// "h2" "http/1.1" read with one length off by one may still be a valid, different, protocol list
// (go-large's run of equal filler bytes realigns exactly); it must never change the server name.
TEST_P(CapturedHello, AlpnProtocolLengthThatLiesNeverChangesTheServerName) {
  const auto& capture = GetParam();
  auto handshake = handshake_of(capture.data);
  for (const auto& field : length_fields(handshake)) {
    if (!field.list_element) continue;
    for (int delta : {+1, -1}) {
      auto lying = with_length_moved(handshake, field.offset, field.width, delta);
      if (!lying) continue;
      auto outcome = parse_whole(frame(*lying, record_version_of(capture.data)));
      if (outcome.status == Status::error) continue;
      ASSERT_EQ(outcome.status, Status::done);
      EXPECT_EQ(outcome.parser.hello().server_name, capture.sni.value_or(""))
          << field.name << " length at offset " << field.offset << " moved by " << delta;
      EXPECT_NE(outcome.parser.hello().alpn, kept_alpn(capture.alpn));
    }
  }
}

TEST_P(CapturedHello, HandshakeLengthLongerThanSentWaitsForMoreBytes) {
  const auto& capture = GetParam();
  auto handshake = handshake_of(capture.data);
  auto outcome = parse_whole(frame(*with_length_moved(handshake, 1, 3, +1), record_version_of(capture.data)));
  EXPECT_EQ(outcome.status, Status::need_more);
}

TEST_P(CapturedHello, HandshakeLengthShorterThanSentIsMalformed) {
  const auto& capture = GetParam();
  auto handshake = handshake_of(capture.data);
  auto outcome = parse_whole(frame(*with_length_moved(handshake, 1, 3, -1), record_version_of(capture.data)));
  expect_error(outcome, HelloError::malformed);
}

TEST_P(CapturedHello, RecordLengthThatLiesByOneNeverCompletes) {
  const auto& capture = GetParam();
  for (std::size_t at = 0; at < capture.data.size(); at += kRecordHeaderBytes + read_int(capture.data, at + 3, 2)) {
    for (int delta : {+1, -1}) {
      auto lying = with_length_moved(capture.data, at + 3, 2, delta);
      auto outcome = parse_whole(*lying);
      EXPECT_NE(outcome.status, Status::done) << "record at " << at << " length moved by " << delta;
    }
  }
}

TEST_P(CapturedHello, BytesAfterTheHelloAreLeftAlone) {
  const auto& capture = GetParam();
  auto outcome = parse_whole(concat({capture.data, record(23, 0x0303, text("early data"))}));
  expect_hello_of(capture, outcome);
}

TEST_P(CapturedHello, NonHandshakeRecordMidHelloIsABadRecord) {
  const auto& capture = GetParam();
  auto handshake = handshake_of(capture.data);
  Bytes first_half(handshake.begin(), handshake.begin() + static_cast<std::ptrdiff_t>(handshake.size() / 2));
  Bytes second_half(handshake.begin() + static_cast<std::ptrdiff_t>(handshake.size() / 2), handshake.end());
  for (std::uint8_t type : {20 /*change_cipher_spec*/, 21 /*alert*/, 23 /*application_data*/}) {
    auto interleaved = concat({frame(first_half), record(type, 0x0303, {1}), frame(second_half)});
    expect_error(parse_whole(interleaved), HelloError::bad_record);
  }
}

TEST_P(CapturedHello, HelloOneByteOverTheCapIsTooLarge) {
  const auto& capture = GetParam();
  std::size_t message_bytes = capture.handshake_bytes - 4;
  expect_hello_of(capture, parse_whole(capture.data, message_bytes));
  expect_error(parse_whole(capture.data, message_bytes - 1), HelloError::too_large);
}

std::string capture_test_name(const testing::TestParamInfo<Capture>& info) {
  std::string name = info.param.file.substr(0, info.param.file.find('.'));
  std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Captures, CapturedHello, testing::ValuesIn(captures()), capture_test_name);

TEST(ClientHelloParser, CapturesIncludeAHelloWithoutServerName) {
  auto without_sni = std::count_if(captures().begin(), captures().end(), [](const Capture& c) { return !c.sni; });
  EXPECT_GE(without_sni, 1);
}

TEST(ClientHelloParser, HelloWithoutServerNameParsesWithEmptyName) {
  const auto& capture = capture_named("openssl-nosni.bin");
  ASSERT_FALSE(capture.sni);
  auto outcome = parse_whole(capture.data);
  ASSERT_EQ(outcome.status, Status::done);
  EXPECT_EQ(outcome.parser.hello().server_name, "");
}

TEST(ClientHelloParser, HelloLargerThanOneRecordIsReassembled) {
  const auto& capture = capture_named("go-large.bin");
  ASSERT_GE(capture.records, 2u);
  ASSERT_GT(capture.handshake_bytes, kMaxRecordPayload);
  expect_hello_of(capture, parse_whole(capture.data));
}

TEST(ClientHelloParser, OversizedHelloIsRefusedAsSoonAsItsLengthIsKnown) {
  // Two big extensions, as one extension's length field stops at 65535 bytes.
  auto message = client_hello_with({server_name_extension("big.example.com"), extension(21, Bytes(40000, 0)),
                                    extension(0xffce, Bytes(30000, 0))});
  ASSERT_GT(message.size() - 4, ClientHelloParser::kDefaultMaxHandshakeBytes);
  auto records = frame(message);
  Bytes first_record(records.begin(), records.begin() + kRecordHeaderBytes + kMaxRecordPayload);
  expect_error(parse_whole(first_record), HelloError::too_large);
}

TEST(ClientHelloParser, RecordFramingBeyondTheInputCapIsTooLarge) {
  const auto& capture = capture_named("curl.bin");
  std::size_t cap = capture.handshake_bytes;
  ClientHelloParser parser(cap);
  auto one_byte_records = frame(handshake_of(capture.data), 0x0301, {1});
  ASSERT_GT(one_byte_records.size(), parser.max_input_bytes());
  expect_error(parse_whole(one_byte_records, cap), HelloError::too_large);
}

// ---- Hellos built to break one rule ----

TEST(ClientHelloParser, ReadsServerNameAndAlpnInOrder) {
  auto outcome = parse_whole(
      frame(client_hello_with({alpn_extension({"h2", "http/1.1"}), server_name_extension("Www.Example.com")})));
  ASSERT_EQ(outcome.status, Status::done);
  EXPECT_EQ(outcome.parser.hello().server_name, "Www.Example.com");  // folding is the route table's job
  EXPECT_EQ(outcome.parser.hello().alpn, (std::vector<std::string>{"h2", "http/1.1"}));
  EXPECT_EQ(outcome.parser.hello().record_version, 0x0301);
}

// Issue 13, defect 2: 30,000 one-byte protocols were 30,000 strings (about 1 MiB) kept for the
// connection's life and all written to its log line.
TEST(ClientHelloParser, LongAlpnListKeepsOnlyItsFirstProtocolsAndCountsTheRest) {
  std::vector<std::string> protocols;
  for (int i = 0; i < 30000; ++i) protocols.push_back(std::string(1, static_cast<char>('a' + i % 26)));
  auto outcome = parse_whole(frame(client_hello_with({alpn_extension(protocols), server_name_extension("a.example.com")})));
  ASSERT_EQ(outcome.status, Status::done) << outcome.parser.error_detail();
  EXPECT_EQ(outcome.parser.hello().alpn, kept_alpn(protocols));
  EXPECT_EQ(outcome.parser.hello().alpn.size(), snigate::tls::ClientHello::kKeptAlpnProtocols);
  EXPECT_EQ(outcome.parser.hello().alpn_offered, protocols.size());
}

TEST(ClientHelloParser, HelloWithoutExtensionsHasNoServerName) {
  auto outcome = parse_whole(frame(client_hello(std::nullopt)));
  ASSERT_EQ(outcome.status, Status::done);
  EXPECT_EQ(outcome.parser.hello().server_name, "");
  EXPECT_TRUE(outcome.parser.hello().alpn.empty());
}

TEST(ClientHelloParser, DuplicateExtensionIsMalformed) {
  expect_error(parse_whole(frame(client_hello_with({server_name_extension("a.example.com"), alpn_extension({"h2"}),
                                                    server_name_extension("b.example.com")}))),
               HelloError::malformed);
  expect_error(parse_whole(frame(client_hello_with({extension(0xfe0d, {1}), extension(0xfe0d, {2})}))),
               HelloError::malformed);
}

TEST(ClientHelloParser, ServerNameWithAByteOutsideHostNameCharactersIsRefused) {
  for (std::string_view name : {std::string_view("exa mple.com"), std::string_view("a\0b.com", 7),
                                std::string_view("caf\xc3\xa9.com"), std::string_view("a/b.com"),
                                std::string_view("a:443")}) {
    SCOPED_TRACE(testing::PrintToString(name));
    expect_error(parse_whole(frame(client_hello_with({server_name_extension(name)}))), HelloError::bad_server_name);
  }
}

TEST(ClientHelloParser, BadServerNameByteInARealHelloIsRefused) {
  const auto& capture = capture_named("curl.bin");
  auto handshake = handshake_of(capture.data);
  auto name = text(*capture.sni);
  auto at = std::search(handshake.begin(), handshake.end(), name.begin(), name.end());
  ASSERT_NE(at, handshake.end());
  *at = ' ';
  expect_error(parse_whole(frame(handshake, record_version_of(capture.data))), HelloError::bad_server_name);
}

TEST(ClientHelloParser, ServerNameMayBeUpTo253CharactersAndATrailingDot) {
  std::string label(63, 'a');
  std::string longest = label + "." + label + "." + label + "." + std::string(61, 'b');  // 253 characters
  for (const std::string& name : {longest, longest + "."}) {
    auto outcome = parse_whole(frame(client_hello_with({server_name_extension(name)})));
    ASSERT_EQ(outcome.status, Status::done);
    EXPECT_EQ(outcome.parser.hello().server_name, name);
  }
  expect_error(parse_whole(frame(client_hello_with({server_name_extension(longest + "b")}))),
               HelloError::bad_server_name);
  expect_error(parse_whole(frame(client_hello_with({server_name_extension(std::string(256, 'a'))}))),
               HelloError::bad_server_name);
  expect_error(parse_whole(frame(client_hello_with({server_name_extension("")}))), HelloError::bad_server_name);
}

// The names a route could never hold (hostname::is_valid, which the snapshot uses too) are refused
// as a bad server name rather than looked up.
TEST(ClientHelloParser, ServerNamesTheHostnameRulesRefuseAreRefused) {
  for (const std::string& name : std::vector<std::string>{".", "a..b", "_x", "_x.example.com", "-a.example.com",
                                                         "a-.example.com", "..", "a.example.com..", "*.example.com",
                                                         std::string(64, 'a')}) {
    SCOPED_TRACE(testing::PrintToString(name));
    expect_error(parse_whole(frame(client_hello_with({server_name_extension(name)}))), HelloError::bad_server_name);
  }
}

TEST(ClientHelloParser, ServerNameEntriesOfOtherTypesAreSkipped) {
  auto outcome =
      parse_whole(frame(client_hello_with({server_name_extension({{7, text("ignored")}, {0, text("a.example.com")}})})));
  ASSERT_EQ(outcome.status, Status::done);
  EXPECT_EQ(outcome.parser.hello().server_name, "a.example.com");
}

TEST(ClientHelloParser, TwoHostNamesAreMalformed) {
  expect_error(parse_whole(frame(client_hello_with(
                   {server_name_extension({{0, text("a.example.com")}, {0, text("b.example.com")}})}))),
               HelloError::malformed);
}

TEST(ClientHelloParser, EmptyServerNameListIsMalformed) {
  expect_error(parse_whole(frame(client_hello_with({extension(0, length_prefixed(2, {}))}))), HelloError::malformed);
}

TEST(ClientHelloParser, EmptyAlpnProtocolIsMalformed) {
  expect_error(parse_whole(frame(client_hello_with({alpn_extension({"h2", ""})}))), HelloError::malformed);
  expect_error(parse_whole(frame(client_hello_with({extension(16, length_prefixed(2, {}))}))), HelloError::malformed);
}

TEST(ClientHelloParser, OtherHandshakeMessageFirstIsNotAClientHello) {
  expect_error(parse_whole(frame(client_hello(Bytes{}, /*ServerHello*/ 2))), HelloError::not_client_hello);
}

TEST(ClientHelloParser, Sslv2StyleHelloIsRefused) {
  Bytes sslv2{0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10};
  EXPECT_EQ(ClientHelloParser().parse(std::span(sslv2.data(), 2)), Status::need_more);
  expect_error(parse_whole(sslv2), HelloError::sslv2_hello);
}

TEST(ClientHelloParser, PlainHttpOnTheTlsPortIsRecognised) {
  expect_error(parse_whole(text("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")), HelloError::http_request);
  expect_error(parse_whole(text("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")), HelloError::http_request);
  expect_error(parse_whole(text("G")), HelloError::http_request);
}

TEST(ClientHelloParser, OtherFirstBytesAreNotTls) {
  expect_error(parse_whole(Bytes{0x00, 0x01, 0x02}), HelloError::not_tls);
  expect_error(parse_whole(text("\x16-not-really")), HelloError::bad_record);
  expect_error(parse_whole(record(23, 0x0303, {1, 2, 3})), HelloError::not_tls);
}

TEST(ClientHelloParser, RecordHeaderOutOfRangeIsABadRecord) {
  auto message = client_hello_with({server_name_extension("a.example.com")});
  auto records = frame(message);
  records[1] = 2;  // SSL 2.x record version
  expect_error(parse_whole(records), HelloError::bad_record);
  expect_error(parse_whole(record(22, 0x0301, {})), HelloError::bad_record);
  Bytes oversized{22, 3, 1, 0x40, 0x01};  // 16385 bytes announced
  expect_error(parse_whole(oversized), HelloError::bad_record);
}

TEST(ClientHelloParser, SupportedVersionsGivesTheHighestVersionThatIsNotGrease) {
  auto outcome = parse_whole(frame(client_hello_with(
      {server_name_extension("a.example.com"), supported_versions_extension({0x5a5a, 0x0304, 0x0303, 0xfafa})})));
  ASSERT_EQ(outcome.status, Status::done) << outcome.parser.error_detail();
  EXPECT_EQ(outcome.parser.hello().legacy_version, 0x0303);
  EXPECT_EQ(outcome.parser.hello().highest_supported_version, 0x0304);
  EXPECT_EQ(outcome.parser.hello().offered_version(), 0x0304);
}

TEST(ClientHelloParser, SupportedVersionsNeedNotBeInOrder) {
  auto outcome = parse_whole(frame(client_hello_with({supported_versions_extension({0x0302, 0x0304, 0x0303})})));
  ASSERT_EQ(outcome.status, Status::done) << outcome.parser.error_detail();
  EXPECT_EQ(outcome.parser.hello().highest_supported_version, 0x0304);
}

TEST(ClientHelloParser, WithoutSupportedVersionsTheLegacyVersionIsTheOffer) {
  auto hello = client_hello_with({server_name_extension("a.example.com")});
  hello[4 + 1] = 0x01;  // legacy_version TLS 1.0, right after the handshake header
  auto outcome = parse_whole(frame(hello));
  ASSERT_EQ(outcome.status, Status::done);
  EXPECT_EQ(outcome.parser.hello().legacy_version, 0x0301);
  EXPECT_EQ(outcome.parser.hello().highest_supported_version, 0);
  EXPECT_EQ(outcome.parser.hello().offered_version(), 0x0301);

  auto without_extensions = parse_whole(frame(client_hello(std::nullopt)));
  ASSERT_EQ(without_extensions.status, Status::done);
  EXPECT_EQ(without_extensions.parser.hello().offered_version(), 0x0303);
}

TEST(ClientHelloParser, SupportedVersionsOfNothingButGreaseFallBackToTheLegacyVersion) {
  auto outcome = parse_whole(frame(client_hello_with({supported_versions_extension({0x0a0a, 0x1a1a})})));
  ASSERT_EQ(outcome.status, Status::done) << outcome.parser.error_detail();
  EXPECT_EQ(outcome.parser.hello().highest_supported_version, 0);
  EXPECT_EQ(outcome.parser.hello().offered_version(), 0x0303);
}

TEST(ClientHelloParser, SupportedVersionsSplitAcrossRecordsAndBytesStillParse) {
  auto hello = client_hello_with({supported_versions_extension({0x2a2a, 0x0304, 0x0303})});
  auto records = frame(hello, 0x0301, {3});
  EXPECT_EQ(parse_byte_by_byte(records).parser.hello().highest_supported_version, 0x0304);
}

TEST(ClientHelloParser, MalformedSupportedVersionsAreMalformed) {
  const std::vector<std::pair<std::string, Bytes>> bodies = {
      {"empty list", length_prefixed(1, {})},
      {"odd length", length_prefixed(1, {0x03, 0x04, 0x03})},
      {"list longer than the extension", Bytes{4, 0x03, 0x04}},
      {"bytes after the list", concat({length_prefixed(1, {0x03, 0x04}), Bytes{0x00}})},
      {"no list length", Bytes{}},
  };
  for (const auto& [name, body] : bodies) {
    SCOPED_TRACE(name);
    expect_error(parse_whole(frame(client_hello_with({server_name_extension("a.example.com"), extension(43, body)}))),
                 HelloError::malformed);
  }
}

TEST(ClientHelloParser, EmptyInputNeedsMore) {
  ClientHelloParser parser;
  EXPECT_EQ(parser.parse({}), Status::need_more);
}

}  // namespace
}  // namespace snigate::tls
