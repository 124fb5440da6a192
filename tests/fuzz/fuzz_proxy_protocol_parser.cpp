// Feeds arbitrary bytes to the PROXY protocol parser, as an untrusted load balancer or a client
// pretending to be one could. Anything but a clean result is a crash; a header it accepts must be
// within the bytes and the size limit, must not be complete one byte earlier, and its client must
// survive our own writer and a second reading.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "routing/proxy_protocol_header.h"
#include "routing/proxy_protocol_parser.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace routing = snigate::routing;
  using Status = routing::InboundProxyHeader::Status;
  const std::span<const std::uint8_t> bytes(data, size);
  const auto parsed = routing::parse_proxy_header(bytes);
  if (parsed.status == Status::error) require(!parsed.error.empty());
  if (parsed.status != Status::done) return 0;
  require(parsed.length > 0 && parsed.length <= size && parsed.length <= routing::kMaxProxyHeaderBytes);
  require(routing::parse_proxy_header(bytes.first(parsed.length - 1)).status != Status::done);
  if (!parsed.source) return 0;
  for (const auto version : {snigate::snapshot::ProxyProtocol::v1, snigate::snapshot::ProxyProtocol::v2}) {
    const std::string header = routing::proxy_protocol_header(version, *parsed.source, *parsed.source, "");
    const auto again = routing::parse_proxy_header(
        std::span(reinterpret_cast<const std::uint8_t*>(header.data()), header.size()));
    require(again.status == Status::done && again.length == header.size());
    // The writer sends IPv4-mapped IPv6 clients as IPv4: compare what it meant to send.
    const auto address = parsed.source->address();
    const bool mapped = address.is_v6() && address.to_v6().is_v4_mapped();
    require(mapped || again.source == parsed.source);
  }
  return 0;
}
