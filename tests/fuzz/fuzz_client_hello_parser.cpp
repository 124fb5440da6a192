// Feeds arbitrary bytes to ClientHelloParser, whole and one byte at a time, and checks that both
// ways give the same answer and that an accepted hello keeps the parser's promises.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "tls/client_hello_parser.h"
#include "tls/protocol_version.h"

using snigate::tls::ClientHelloParser;

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

bool is_server_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> input(data, size);
  // A small cap too, so that the too_large paths are reachable with small inputs.
  std::size_t cap = size > 0 && data[0] == 22 && size % 2 == 0 ? 512 : ClientHelloParser::kDefaultMaxHandshakeBytes;

  ClientHelloParser whole(cap);
  auto whole_status = whole.parse(input);

  ClientHelloParser trickled(cap);
  auto trickled_status = ClientHelloParser::Status::need_more;
  for (std::size_t received = 0; received <= size && trickled_status == ClientHelloParser::Status::need_more;
       ++received) {
    trickled_status = trickled.parse(input.first(received));
  }

  require(whole_status == trickled_status);
  if (whole_status == ClientHelloParser::Status::error) {
    require(whole.error() == trickled.error());
    require(!whole.error_detail().empty());
  }
  if (whole_status == ClientHelloParser::Status::done) {
    const auto& hello = whole.hello();
    require(hello.server_name == trickled.hello().server_name);
    require(hello.alpn == trickled.hello().alpn);
    require(hello.record_version == trickled.hello().record_version);
    require(hello.legacy_version == trickled.hello().legacy_version);
    require(hello.highest_supported_version == trickled.hello().highest_supported_version);
    require(!snigate::tls::is_grease(hello.highest_supported_version));
    require(hello.server_name.size() <= 255);
    for (char c : hello.server_name) require(is_server_name_char(c));
    for (const auto& protocol : hello.alpn) require(!protocol.empty() && protocol.size() <= 255);
  }
  return 0;
}
