#include "snapshot/snapshot.h"

#include <arpa/inet.h>

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>

#include "snapshot/hostname.h"

namespace snigate::snapshot {
namespace {

using nlohmann::json;

[[noreturn]] void reject(const std::string& where, const std::string& why) {
  throw InvalidSnapshot(where.empty() ? why : where + ": " + why);
}

// Unknown keys are refused so that a typo ("hostnmae") fails loudly instead of being ignored.
void require_only_keys(const json& object, const std::string& where,
                       std::initializer_list<std::string_view> allowed) {
  if (!object.is_object()) reject(where, "must be an object");
  for (const auto& [key, value] : object.items()) {
    bool known = false;
    for (auto name : allowed) known = known || key == name;
    if (!known) reject(where, "unknown field \"" + key + "\"");
  }
}

std::uint64_t read_unsigned(const json& object, const char* key, const std::string& where,
                            std::uint64_t min, std::uint64_t max) {
  auto it = object.find(key);
  if (it == object.end()) reject(where, std::string("missing \"") + key + "\"");
  if (!it->is_number_integer() || (it->is_number_integer() && !it->is_number_unsigned() &&
                                   it->get<std::int64_t>() < 0)) {
    reject(where, std::string("\"") + key + "\" must be a non-negative integer");
  }
  auto value = it->get<std::uint64_t>();
  if (value < min || value > max) {
    reject(where, std::string("\"") + key + "\" " + std::to_string(value) + " out of range " +
                      std::to_string(min) + "-" + std::to_string(max));
  }
  return value;
}

bool is_ip_literal(const std::string& address) {
  unsigned char buffer[sizeof(in6_addr)];
  return inet_pton(AF_INET, address.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, address.c_str(), buffer) == 1;
}

ProxyProtocol read_proxy_protocol(const json& object, const std::string& where) {
  auto it = object.find("proxy_protocol");
  if (it == object.end()) return ProxyProtocol::none;
  if (it->is_string()) {
    auto value = it->get<std::string>();
    if (value == "none") return ProxyProtocol::none;
    if (value == "v1") return ProxyProtocol::v1;
    if (value == "v2") return ProxyProtocol::v2;
  }
  reject(where, "\"proxy_protocol\" must be \"none\", \"v1\" or \"v2\"");
}

// A route may have no backends (its Service has none ready): its clients are refused, never sent
// to a wildcard or the default backend. A default backend without backends would mean nothing.
enum class EmptyBackends { allowed, refused };

std::vector<Backend> read_backends(const json& object, const std::string& where, EmptyBackends empty) {
  auto it = object.find("backends");
  if (it == object.end() || !it->is_array()) reject(where, "\"backends\" must be an array");
  if (it->empty() && empty == EmptyBackends::refused) reject(where, "\"backends\" is empty");
  std::vector<Backend> backends;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& entry = (*it)[i];
    std::string at = where + ": backend " + std::to_string(i);
    require_only_keys(entry, at, {"address", "port", "weight"});
    auto address = entry.find("address");
    if (address == entry.end() || !address->is_string()) reject(at, "\"address\" must be a string");
    Backend backend;
    backend.address = address->get<std::string>();
    if (!is_ip_literal(backend.address)) {
      reject(at, "address \"" + backend.address + "\" is not an IPv4 or IPv6 literal");
    }
    backend.port = static_cast<std::uint16_t>(read_unsigned(entry, "port", at, 1, 65535));
    backend.weight = entry.contains("weight")
                         ? static_cast<std::uint32_t>(read_unsigned(entry, "weight", at, 1, kMaxWeight))
                         : 1;
    backends.push_back(std::move(backend));
  }
  return backends;
}

Route read_route(const json& entry, const std::string& where) {
  require_only_keys(entry, where, {"hostname", "wildcard", "backends", "proxy_protocol"});
  auto name = entry.find("hostname");
  if (name == entry.end() || !name->is_string()) reject(where, "\"hostname\" must be a string");
  auto normalized = hostname::normalize(name->get<std::string>(), /*allow_wildcard=*/true);
  if (!normalized) reject(where, "hostname \"" + name->get<std::string>() + "\" is not a valid DNS name");
  Route route;
  route.hostname = *normalized;
  if (auto mode = entry.find("wildcard"); mode != entry.end()) {
    if (!route.is_wildcard()) reject(where, "\"wildcard\" is only allowed on \"*.\" hostnames");
    if (*mode == "single-label") {
      route.wildcard = Wildcard::single_label;
    } else if (*mode == "suffix") {
      route.wildcard = Wildcard::suffix;
    } else {
      reject(where, "\"wildcard\" must be \"single-label\" or \"suffix\"");
    }
  }
  route.backends = read_backends(entry, where, EmptyBackends::allowed);
  route.proxy_protocol = read_proxy_protocol(entry, where);
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

Snapshot decode(std::string_view text) {
  json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) reject("", "not valid JSON");
  require_only_keys(document, "", {"version", "generation", "routes", "default_backend"});
  auto version = read_unsigned(document, "version", "", 0, UINT32_MAX);
  if (version != kFormatVersion) {
    reject("", "unsupported version " + std::to_string(version) + " (this dataplane speaks " +
                   std::to_string(kFormatVersion) + ")");
  }
  Snapshot snapshot;
  snapshot.generation = read_unsigned(document, "generation", "", 0, UINT64_MAX);

  auto routes = document.find("routes");
  if (routes == document.end() || !routes->is_array()) reject("", "\"routes\" must be an array");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < routes->size(); ++i) {
    std::string where = "route " + std::to_string(i);
    Route route = read_route((*routes)[i], where);
    if (!seen.insert(route.hostname).second) {
      reject(where, "duplicate hostname \"" + route.hostname + "\"");
    }
    snapshot.routes.push_back(std::move(route));
  }

  if (auto fallback = document.find("default_backend"); fallback != document.end()) {
    require_only_keys(*fallback, "default_backend", {"backends", "proxy_protocol"});
    snapshot.default_backend = DefaultBackend{read_backends(*fallback, "default_backend", EmptyBackends::refused),
                                              read_proxy_protocol(*fallback, "default_backend")};
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
    out += "{\"backends\":";
    append_backends(out, route.backends);
    out += ",\"hostname\":";
    append_string(out, route.hostname);
    out += ",\"proxy_protocol\":";
    append_string(out, to_string(route.proxy_protocol));
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
