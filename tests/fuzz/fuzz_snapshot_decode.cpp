// Feeds arbitrary text to snapshot::decode. Anything but a clean InvalidSnapshot on bad input is a
// crash; an accepted snapshot must survive encode/decode unchanged and build a route table that
// routes each of its exact hostnames to itself (a route without backends too: its clients are
// refused, never sent elsewhere), also when built from the table before it.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "routing/route_table.h"
#include "snapshot/snapshot.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace snapshot = snigate::snapshot;
  snapshot::Snapshot decoded;
  try {
    decoded = snapshot::decode(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const snapshot::InvalidSnapshot&) {
    return 0;
  }
  require(snapshot::decode(snapshot::encode(decoded)) == decoded);

  const snigate::routing::RouteTable first(decoded, 2);
  const snigate::routing::RouteTable table(decoded, 2, &first);
  for (const auto& route : decoded.routes) {
    const auto* target = table.lookup(route.is_wildcard() ? "x" + route.hostname.substr(1) : route.hostname);
    require(target != nullptr);
    require(route.is_wildcard() || target->name() == route.hostname);
    if (!route.is_wildcard()) require(target == first.lookup(route.hostname));
    if (target->backends().empty()) continue;
    require(target->first_backend(route.is_wildcard() ? 1 : 0) < target->backends().size());
  }
  require((table.lookup("") != nullptr) == decoded.default_backend.has_value());
  return 0;
}
