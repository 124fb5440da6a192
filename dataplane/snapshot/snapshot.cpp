#include "snapshot/snapshot.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <simdjson.h>
#include <set>

#include "snapshot/hostname.h"

namespace snigate::snapshot {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

[[noreturn]] void reject(const std::string& where, const std::string& why) {
  throw InvalidSnapshot(where.empty() ? why : where + ": " + why);
}

object as_object(const element& value, const std::string& where) {
  object result;
  if (value.get(result) != simdjson::SUCCESS) reject(where, "must be an object");
  return result;
}

// Unknown keys are refused so that a typo ("hostnmae") fails loudly instead of being ignored.
object require_only_keys(const element& value, const std::string& where, std::initializer_list<std::string_view> allowed) {
  const object fields = as_object(value, where);
  for (const auto field : fields) {
    bool known = false;
    for (auto name : allowed) known = known || field.key == name;
    if (!known) reject(where, "unknown field \"" + std::string(field.key) + "\"");
  }
  return fields;
}

std::optional<element> find(const object& fields, std::string_view key) {
  element value;
  if (fields.at_key(key).get(value) != simdjson::SUCCESS) return std::nullopt;
  return value;
}

std::uint64_t read_unsigned(const object& fields, const char* key, const std::string& where, std::uint64_t min,
                            std::uint64_t max) {
  const auto found = find(fields, key);
  if (!found) reject(where, std::string("missing \"") + key + "\"");
  std::uint64_t value = 0;
  if (found->type() == element_type::UINT64) {
    value = found->get_uint64().value_unsafe();
  } else if (found->type() == element_type::INT64 && found->get_int64().value_unsafe() >= 0) {
    value = static_cast<std::uint64_t>(found->get_int64().value_unsafe());
  } else {
    reject(where, std::string("\"") + key + "\" must be a non-negative integer");
  }
  if (value < min || value > max) {
    reject(where, std::string("\"") + key + "\" " + std::to_string(value) + " out of range " + std::to_string(min) + "-" +
                      std::to_string(max));
  }
  return value;
}

std::optional<std::string_view> string_of(const std::optional<element>& value) {
  std::string_view text;
  if (!value || value->get(text) != simdjson::SUCCESS) return std::nullopt;
  return text;
}


// The field `key` (`found`, as find() gave it), which must name one of `choices`; `absent` when
// it is not there.
template <typename Enum>
Enum read_choice(const std::optional<element>& found, const char* key, const std::string& where,
                 std::initializer_list<std::pair<std::string_view, Enum>> choices, Enum absent) {
  if (!found) return absent;
  if (const auto value = string_of(found)) {
    for (const auto& [name, choice] : choices) {
      if (*value == name) return choice;
    }
  }
  std::string expected;
  std::size_t i = 0;
  for (const auto& choice : choices) {
    if (i > 0) expected += i + 1 == choices.size() ? " or " : ", ";
    expected += "\"" + std::string(choice.first) + "\"";
    ++i;
  }
  reject(where, "\"" + std::string(key) + "\" must be " + expected);
}

ProxyProtocol read_proxy_protocol(const object& fields, const std::string& where) {
  return read_choice(find(fields, "proxy_protocol"), "proxy_protocol", where,
                     {{"none", ProxyProtocol::none}, {"v1", ProxyProtocol::v1}, {"v2", ProxyProtocol::v2}}, ProxyProtocol::none);
}

// A route may have no backends (its Service has none ready): its clients are refused, never sent
// to a wildcard or the default backend. A default backend without backends would mean nothing.
enum class EmptyBackends { allowed, refused };

std::vector<Backend> read_backends(const object& fields, const std::string& where, EmptyBackends empty) {
  array entries;
  const auto found = find(fields, "backends");
  if (!found || found->get(entries) != simdjson::SUCCESS) reject(where, "\"backends\" must be an array");
  if (entries.size() == 0 && empty == EmptyBackends::refused) reject(where, "\"backends\" is empty");
  std::vector<Backend> backends;
  std::size_t i = 0;
  for (const element entry : entries) {
    const std::string at = where + ": backend " + std::to_string(i++);
    const object backend_fields = require_only_keys(entry, at, {"address", "port", "weight"});
    const auto address = string_of(find(backend_fields, "address"));
    if (!address) reject(at, "\"address\" must be a string");
    Backend backend;
    backend.address = std::string(*address);
    if (const auto problem = backend_address_problem(backend.address)) {
      reject(at, "address \"" + backend.address + "\" " + std::string(*problem));
    }
    backend.port = static_cast<std::uint16_t>(read_unsigned(backend_fields, "port", at, 1, 65535));
    backend.weight = find(backend_fields, "weight")
                         ? static_cast<std::uint32_t>(read_unsigned(backend_fields, "weight", at, 1, kMaxWeight))
                         : 1;
    backends.push_back(std::move(backend));
  }
  return backends;
}

std::vector<SourceRange> read_source_ranges(const object& fields, const std::string& where) {
  const auto found = find(fields, "allow_source_ranges");
  if (!found) return {};
  array entries;
  if (found->get(entries) != simdjson::SUCCESS) reject(where, "\"allow_source_ranges\" must be an array");
  if (entries.size() > kMaxSourceRanges) {
    reject(where, "\"allow_source_ranges\" has " + std::to_string(entries.size()) + " ranges, more than " +
                      std::to_string(kMaxSourceRanges));
  }
  std::vector<SourceRange> ranges;
  ranges.reserve(entries.size());
  for (const element entry : entries) {
    const auto text = string_of(entry);
    if (!text) reject(where, "\"allow_source_ranges\" must hold strings");
    std::string problem;
    auto range = SourceRange::parse(*text, problem);
    if (!range) reject(where, "source range \"" + std::string(*text) + "\" " + problem);
    ranges.push_back(*range);
  }
  return ranges;
}

std::vector<AlpnRoute> read_alpn_routes(const object& fields, const std::string& where) {
  const auto found = find(fields, "alpn_routes");
  if (!found) return {};
  array entries;
  if (found->get(entries) != simdjson::SUCCESS) reject(where, "\"alpn_routes\" must be an array");
  if (entries.size() > kMaxAlpnRoutes) {
    reject(where, "\"alpn_routes\" has more than " + std::to_string(kMaxAlpnRoutes) + " entries");
  }
  std::vector<AlpnRoute> routes;
  std::set<std::string, std::less<>> seen;
  std::size_t i = 0;
  for (const element entry : entries) {
    const std::string at = where + ": alpn route " + std::to_string(i++);
    const object alpn_fields = require_only_keys(entry, at, {"protocols", "backends", "proxy_protocol"});
    AlpnRoute route;
    array protocols;
    const auto listed = find(alpn_fields, "protocols");
    if (!listed || listed->get(protocols) != simdjson::SUCCESS || protocols.size() == 0 ||
        protocols.size() > kMaxAlpnProtocols) {
      reject(at, "\"protocols\" must be an array of 1-" + std::to_string(kMaxAlpnProtocols) + " protocol names");
    }
    for (const element protocol : protocols) {
      const auto name = string_of(protocol);
      if (!name || !is_valid_alpn_protocol(*name)) {
        reject(at, "a protocol name must be 1-255 printable ASCII characters");
      }
      if (!seen.emplace(*name).second) reject(at, "protocol \"" + std::string(*name) + "\" is listed twice in the route");
      route.protocols.emplace_back(*name);
    }
    route.backends = read_backends(alpn_fields, at, EmptyBackends::allowed);
    route.proxy_protocol = read_proxy_protocol(alpn_fields, at);
    routes.push_back(std::move(route));
  }
  return routes;
}

SourceConnectionRate read_source_connection_rate(const object& fields, const std::string& where) {
  const auto entry = find(fields, "source_connection_rate");
  if (!entry) return {};
  const std::string at = where + ": source_connection_rate";
  const object rate_fields = require_only_keys(*entry, at, {"connections", "period_ms", "burst"});
  SourceConnectionRate rate;
  rate.connections = static_cast<std::uint32_t>(read_unsigned(rate_fields, "connections", at, 1, kMaxSourceRateConnections));
  rate.period_ms = static_cast<std::uint32_t>(read_unsigned(rate_fields, "period_ms", at, 1, kMaxSourceRatePeriodMs));
  rate.burst = static_cast<std::uint32_t>(read_unsigned(rate_fields, "burst", at, 1, kMaxSourceRateConnections));
  return rate;
}

Route read_route(const element& entry, const std::string& where) {
  const object fields = require_only_keys(
      entry, where,
      {"hostname", "wildcard", "backends", "proxy_protocol", "allow_source_ranges", "alpn_routes", "max_connections",
       "connect_timeout_ms", "idle_timeout_ms", "source_connection_rate", "refusal", "refused_weight", "listen_port"});
  const auto name = string_of(find(fields, "hostname"));
  if (!name) reject(where, "\"hostname\" must be a string");
  auto normalized = hostname::normalize(*name, /*allow_wildcard=*/true);
  if (!normalized) reject(where, "hostname \"" + std::string(*name) + "\" is not a valid DNS name");
  Route route;
  route.hostname = *normalized;
  const auto wildcard = find(fields, "wildcard");
  if (wildcard && !route.is_wildcard()) reject(where, "\"wildcard\" is only allowed on \"*.\" hostnames");
  route.wildcard = read_choice(wildcard, "wildcard", where, {{"single-label", Wildcard::single_label}, {"suffix", Wildcard::suffix}},
                               Wildcard::single_label);
  route.backends = read_backends(fields, where, EmptyBackends::allowed);
  route.proxy_protocol = read_proxy_protocol(fields, where);
  route.allow_source_ranges = read_source_ranges(fields, where);
  route.alpn_routes = read_alpn_routes(fields, where);
  if (find(fields, "max_connections")) {
    route.max_connections = static_cast<std::uint32_t>(read_unsigned(fields, "max_connections", where, 1, kMaxRouteConnections));
  }
  for (auto [key, field] : {std::pair{"connect_timeout_ms", &route.connect_timeout_ms},
                            std::pair{"idle_timeout_ms", &route.idle_timeout_ms}}) {
    if (find(fields, key)) *field = static_cast<std::uint32_t>(read_unsigned(fields, key, where, 1, kMaxRouteTimeoutMs));
  }
  route.source_connection_rate = read_source_connection_rate(fields, where);
  route.refusal = read_choice(find(fields, "refusal"), "refusal", where, {{"alert", Refusal::alert}, {"close", Refusal::close}}, Refusal::alert);
  if (find(fields, "refused_weight")) {
    route.refused_weight = static_cast<std::uint32_t>(read_unsigned(fields, "refused_weight", where, 1, kMaxWeight));
  }
  if (find(fields, "listen_port")) {
    route.listen_port = static_cast<std::uint16_t>(read_unsigned(fields, "listen_port", where, 1, 65535));
  }
  return route;
}

// The encoder writes text directly instead of building a JSON tree first: a snapshot of 12,000
// routes took 390 million instructions through nlohmann::json and a tenth of that this way, and
// every change to one route re-encodes all of them. Keys come in sorted order, as nlohmann::json
// wrote them, so the canonical document is unchanged.
void append_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n' || c == '\t' || c == '\r' || c == '\b' || c == '\f') {
      out += '\\';
      out += c == '\n' ? 'n' : c == '\t' ? 't' : c == '\r' ? 'r' : c == '\b' ? 'b' : 'f';
    } else if (byte < 0x20) {
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
}

void append_backends(std::string& out, const std::vector<Backend>& backends) {
  out += '[';
  for (std::size_t i = 0; i < backends.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"address\":";
    append_string(out, backends[i].address);
    out += ",\"port\":";
    out += std::to_string(backends[i].port);
    out += ",\"weight\":";
    out += std::to_string(backends[i].weight);
    out += '}';
  }
  out += ']';
}

}  // namespace

std::optional<std::string_view> backend_address_problem(const std::string& address) {
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, address.c_str(), &v4) != 1) {
    if (inet_pton(AF_INET6, address.c_str(), &v6) != 1) return "is not an IPv4 or IPv6 literal";
    if (IN6_IS_ADDR_UNSPECIFIED(&v6)) return "is unspecified, not a backend's address";
    if (IN6_IS_ADDR_MULTICAST(&v6)) return "is a multicast address, not a backend's";
    if (!IN6_IS_ADDR_V4MAPPED(&v6)) return std::nullopt;
    std::memcpy(&v4, &v6.s6_addr[12], sizeof v4);  // ::ffff:a.b.c.d reaches a.b.c.d: same rules
  }
  const std::uint32_t host_order = ntohl(v4.s_addr);
  if (host_order == INADDR_ANY) return "is unspecified, not a backend's address";
  if (host_order == INADDR_BROADCAST) return "is the broadcast address, not a backend's";
  if (IN_MULTICAST(host_order)) return "is a multicast address, not a backend's";
  return std::nullopt;
}

bool is_valid_alpn_protocol(std::string_view name) {
  return !name.empty() && name.size() <= 255 &&
         std::all_of(name.begin(), name.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
}

std::string_view to_string(ProxyProtocol protocol) {
  switch (protocol) {
    case ProxyProtocol::v1: return "v1";
    case ProxyProtocol::v2: return "v2";
    case ProxyProtocol::none: break;
  }
  return "none";
}

std::string_view to_string(Wildcard wildcard) {
  return wildcard == Wildcard::suffix ? "suffix" : "single-label";
}

std::string_view to_string(Refusal refusal) {
  return refusal == Refusal::close ? "close" : "alert";
}

// simdjson reads a document into one flat tape instead of a tree of allocated nodes: a snapshot
// of 12,000 routes, which every change sends whole, decodes in a fraction of nlohmann::json's
// time. Each thread keeps its parser, so its buffers are allocated once, not per snapshot.
Snapshot decode(std::string_view text) {
  thread_local simdjson::dom::parser parser;
  element document;
  if (parser.parse(text.data(), text.size()).get(document) != simdjson::SUCCESS) reject("", "not valid JSON");
  const object fields = require_only_keys(document, "", {"version", "generation", "routes", "default_backend"});
  auto version = read_unsigned(fields, "version", "", 0, UINT32_MAX);
  if (version != kFormatVersion) {
    reject("", "unsupported version " + std::to_string(version) + " (this dataplane speaks " +
                   std::to_string(kFormatVersion) + ")");
  }
  Snapshot snapshot;
  snapshot.generation = read_unsigned(fields, "generation", "", 0, UINT64_MAX);

  array routes;
  const auto found = find(fields, "routes");
  if (!found || found->get(routes) != simdjson::SUCCESS) reject("", "\"routes\" must be an array");
  // A hostname is unique within its scope: once unscoped and once per listen_port, as two
  // Gateways may route the same name to different backends, each on its own address.
  std::set<std::pair<std::uint16_t, std::string>, std::less<>> seen;
  snapshot.routes.reserve(routes.size());
  std::size_t i = 0;
  for (const element entry : routes) {
    std::string where = "route " + std::to_string(i++);
    Route route = read_route(entry, where);
    if (!seen.emplace(route.listen_port, route.hostname).second) {
      reject(where, "duplicate hostname \"" + route.hostname + "\"" +
                        (route.listen_port > 0 ? " on listen_port " + std::to_string(route.listen_port) : std::string()));
    }
    snapshot.routes.push_back(std::move(route));
  }

  if (const auto fallback = find(fields, "default_backend")) {
    const object fallback_fields = require_only_keys(*fallback, "default_backend", {"backends", "proxy_protocol"});
    snapshot.default_backend = DefaultBackend{read_backends(fallback_fields, "default_backend", EmptyBackends::refused),
                                              read_proxy_protocol(fallback_fields, "default_backend")};
  }
  return snapshot;
}

std::string encode(const Snapshot& snapshot) {
  std::string out;
  out.reserve(64 + snapshot.routes.size() * 128);
  out += '{';
  if (snapshot.default_backend) {
    out += "\"default_backend\":{\"backends\":";
    append_backends(out, snapshot.default_backend->backends);
    out += ",\"proxy_protocol\":";
    append_string(out, to_string(snapshot.default_backend->proxy_protocol));
    out += "},";
  }
  out += "\"generation\":";
  out += std::to_string(snapshot.generation);
  out += ",\"routes\":[";
  for (std::size_t i = 0; i < snapshot.routes.size(); ++i) {
    const Route& route = snapshot.routes[i];
    if (i > 0) out += ',';
    out += '{';
    if (!route.allow_source_ranges.empty()) {
      out += "\"allow_source_ranges\":[";
      for (std::size_t r = 0; r < route.allow_source_ranges.size(); ++r) {
        if (r > 0) out += ',';
        append_string(out, route.allow_source_ranges[r].to_string());
      }
      out += "],";
    }
    if (!route.alpn_routes.empty()) {
      out += "\"alpn_routes\":[";
      for (std::size_t a = 0; a < route.alpn_routes.size(); ++a) {
        const AlpnRoute& alpn = route.alpn_routes[a];
        if (a > 0) out += ',';
        out += "{\"backends\":";
        append_backends(out, alpn.backends);
        out += ",\"protocols\":[";
        for (std::size_t p = 0; p < alpn.protocols.size(); ++p) {
          if (p > 0) out += ',';
          append_string(out, alpn.protocols[p]);
        }
        out += "],\"proxy_protocol\":";
        append_string(out, to_string(alpn.proxy_protocol));
        out += '}';
      }
      out += "],";
    }
    out += "\"backends\":";
    append_backends(out, route.backends);
    if (route.connect_timeout_ms > 0) {
      out += ",\"connect_timeout_ms\":";
      out += std::to_string(route.connect_timeout_ms);
    }
    out += ",\"hostname\":";
    append_string(out, route.hostname);
    if (route.idle_timeout_ms > 0) {
      out += ",\"idle_timeout_ms\":";
      out += std::to_string(route.idle_timeout_ms);
    }
    if (route.listen_port > 0) {
      out += ",\"listen_port\":";
      out += std::to_string(route.listen_port);
    }
    if (route.max_connections > 0) {
      out += ",\"max_connections\":";
      out += std::to_string(route.max_connections);
    }
    out += ",\"proxy_protocol\":";
    append_string(out, to_string(route.proxy_protocol));
    if (route.refusal != Refusal::alert) {
      out += ",\"refusal\":";
      append_string(out, to_string(route.refusal));
    }
    if (route.refused_weight > 0) {
      out += ",\"refused_weight\":";
      out += std::to_string(route.refused_weight);
    }
    if (const auto& rate = route.source_connection_rate; rate.limits()) {
      out += ",\"source_connection_rate\":{\"burst\":" + std::to_string(rate.burst) +
             ",\"connections\":" + std::to_string(rate.connections) + ",\"period_ms\":" + std::to_string(rate.period_ms) + '}';
    }
    if (route.is_wildcard()) {
      out += ",\"wildcard\":";
      append_string(out, to_string(route.wildcard));
    }
    out += '}';
  }
  out += "],\"version\":";
  out += std::to_string(kFormatVersion);
  out += '}';
  return out;
}

}  // namespace snigate::snapshot
