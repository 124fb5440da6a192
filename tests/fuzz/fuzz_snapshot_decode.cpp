// Feeds arbitrary text to snapshot::decode. Anything but a clean InvalidSnapshot on bad input is a
// crash; an accepted snapshot must survive encode/decode unchanged and build a route table that
// routes each of its exact hostnames to itself.
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

  snigate::routing::RouteTable table(decoded, 2);
  for (const auto& route : decoded.routes) {
    require(!route.backends.empty());
    if (route.is_wildcard()) {
      auto target = table.lookup("x" + route.hostname.substr(1));
      require(target != nullptr);
      require(target->first_backend(1) < target->backends().size());
    } else {
      auto target = table.lookup(route.hostname);
      require(target != nullptr && target->name() == route.hostname);
      require(target->first_backend(0) < target->backends().size());
    }
  }
  require((table.lookup("") != nullptr) == decoded.default_backend.has_value());
  return 0;
}
