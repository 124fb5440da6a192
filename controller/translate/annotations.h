// The snigate.io annotations a user writes on Services (and Ingresses), and how their values read.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "comma_list.h"
#include "snapshot/snapshot.h"
#include "translate/service_backends.h"

namespace snigate::controller::translate::annotations {

inline constexpr std::string_view kHostnames = "snigate.io/hostnames";         // "a.example.com, *.b.example.com"
inline constexpr std::string_view kPort = "snigate.io/port";                   // a Service port name or number
inline constexpr std::string_view kProxyProtocol = "snigate.io/proxy-protocol";  // none | v1 | v2
inline constexpr std::string_view kUpstream = "snigate.io/upstream";           // endpoints | service
inline constexpr std::string_view kAllowSourceRanges = "snigate.io/allow-source-ranges";  // "10.0.0.0/8, 2001:db8::/32"
inline constexpr std::string_view kAlpn = "snigate.io/alpn";  // "acme-tls/1": only clients offering one of these
inline constexpr std::string_view kMaxConnections = "snigate.io/max-connections";  // open connections of the route, at most
inline constexpr std::string_view kConnectTimeout = "snigate.io/connect-timeout";  // "2s": each backend connect
inline constexpr std::string_view kIdleTimeout = "snigate.io/idle-timeout";        // "10m": a proxied connection idle both ways
inline constexpr std::string_view kSourceConnectionRate = "snigate.io/source-connection-rate";  // "10/s": per client address
inline constexpr std::string_view kSourceConnectionBurst = "snigate.io/source-connection-burst";  // "20": at once, from a quiet one

// nullopt when the value is not one the annotation allows; an absent annotation is the default.
inline std::optional<snapshot::ProxyProtocol> proxy_protocol(const std::optional<std::string>& value) {
  if (!value || *value == "none" || value->empty()) return snapshot::ProxyProtocol::none;
  if (*value == "v1") return snapshot::ProxyProtocol::v1;
  if (*value == "v2") return snapshot::ProxyProtocol::v2;
  return std::nullopt;
}

inline std::optional<Upstream> upstream(const std::optional<std::string>& value) {
  if (!value || value->empty() || *value == "endpoints") return Upstream::endpoints;
  if (*value == "service") return Upstream::service;
  return std::nullopt;
}

// The client ranges a route admits; absent or empty admits every client. nullopt, with `problem`
// naming the first range that does not parse, for anything the snapshot would refuse.
inline std::optional<std::vector<snapshot::SourceRange>> allow_source_ranges(const std::optional<std::string>& value,
                                                                             std::string& problem) {
  std::vector<snapshot::SourceRange> ranges;
  if (!value) return ranges;
  const auto items = split_comma_list(*value);
  if (items.size() > snapshot::kMaxSourceRanges) {
    problem = std::string(kAllowSourceRanges) + " lists " + std::to_string(items.size()) + " ranges, more than " +
              std::to_string(snapshot::kMaxSourceRanges);
    return std::nullopt;
  }
  for (const auto& item : items) {
    std::string why;
    auto range = snapshot::SourceRange::parse(item, why);
    if (!range) {
      problem = std::string(kAllowSourceRanges) + ": \"" + item + "\" " + why;
      return std::nullopt;
    }
    ranges.push_back(*range);
  }
  return ranges;
}

// The protocols of snigate.io/alpn, which make an object's routes ALPN routes; absent is none
// (an ordinary route). nullopt, with `problem`, for a list the snapshot would refuse.
inline std::optional<std::vector<std::string>> alpn_protocols(const std::optional<std::string>& value, std::string& problem) {
  std::vector<std::string> protocols;
  if (!value) return protocols;
  for (auto& item : split_comma_list(*value)) {
    if (!snapshot::is_valid_alpn_protocol(item)) {
      problem = std::string(kAlpn) + ": \"" + item + "\" is not 1-255 printable ASCII characters";
      return std::nullopt;
    }
    if (std::find(protocols.begin(), protocols.end(), item) != protocols.end()) continue;
    protocols.push_back(std::move(item));
  }
  if (protocols.empty() || protocols.size() > snapshot::kMaxAlpnProtocols) {
    problem = std::string(kAlpn) + " must list 1-" + std::to_string(snapshot::kMaxAlpnProtocols) + " protocols";
    return std::nullopt;
  }
  return protocols;
}

inline constexpr std::string_view kProxyProtocolValues = "none, v1 or v2";
inline constexpr std::string_view kUpstreamValues = "endpoints or service";

// The message of an InvalidAnnotation problem: "snigate.io/upstream must be endpoints or service, not \"dns\"".
inline std::string invalid_value(std::string_view key, std::string_view allowed, const std::string& value) {
  return std::string(key) + " must be " + std::string(allowed) + ", not \"" + value + "\"";
}

// A whole number from 1 to `max`, or nullopt.
inline std::optional<std::uint32_t> whole_number(std::string_view text, std::uint64_t max) {
  std::uint64_t parsed = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || parsed == 0 || parsed > max) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(parsed);
}

// The route's limit on open connections; absent is none (0). nullopt for anything but a whole
// number the snapshot accepts.
inline std::optional<std::uint32_t> max_connections(const std::optional<std::string>& value, std::string& problem) {
  if (!value) return 0u;
  const auto parsed = whole_number(*value, snapshot::kMaxRouteConnections);
  if (!parsed) {
    problem = invalid_value(kMaxConnections, "a whole number from 1 to " + std::to_string(snapshot::kMaxRouteConnections), *value);
  }
  return parsed;
}

// A route's timeout from a duration ("250ms", "5s", "10m", "1h"), in milliseconds; absent is 0 (the
// dataplane's flag). nullopt for anything else, or outside 1 ms to a week.
inline std::optional<std::uint32_t> timeout_ms(std::string_view key, const std::optional<std::string>& value,
                                               std::string& problem) {
  if (!value) return 0u;
  std::uint64_t number = 0;
  const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), number);
  const std::string_view unit(end, static_cast<std::size_t>(value->data() + value->size() - end));
  const std::uint64_t scale = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60'000 : unit == "h" ? 3'600'000 : 0;
  if (error != std::errc() || scale == 0 || number == 0 || number > snapshot::kMaxRouteTimeoutMs / scale) {
    problem = invalid_value(key, "a duration from 1ms to 168h (250ms, 5s, 10m, 1h)", *value);
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(number * scale);
}

// The route's per-client connection rate from "N/s", "N/m" or "N/h" and an optional burst (the
// connections a quiet address may open at once; default N). Both absent: no limit. nullopt, with
// `problem`, for anything else, or a burst without a rate.
inline std::optional<snapshot::SourceConnectionRate> source_connection_rate(const std::optional<std::string>& rate,
                                                                            const std::optional<std::string>& burst,
                                                                            std::string& problem) {
  if (!rate) {
    if (!burst) return snapshot::SourceConnectionRate{};
    problem = std::string(kSourceConnectionBurst) + " needs " + std::string(kSourceConnectionRate);
    return std::nullopt;
  }
  const auto slash = rate->find('/');
  const std::string_view unit = slash == std::string::npos ? std::string_view() : std::string_view(*rate).substr(slash + 1);
  const std::uint32_t period_ms = unit == "s" ? 1000 : unit == "m" ? 60'000 : unit == "h" ? 3'600'000 : 0;
  const auto connections = whole_number(std::string_view(*rate).substr(0, slash), snapshot::kMaxSourceRateConnections);
  if (period_ms == 0 || !connections) {
    problem = invalid_value(kSourceConnectionRate,
                            "connections per second, minute or hour, 1 to " +
                                std::to_string(snapshot::kMaxSourceRateConnections) + " (10/s, 100/m, 1000/h)",
                            *rate);
    return std::nullopt;
  }
  const auto burst_value = burst ? whole_number(*burst, snapshot::kMaxSourceRateConnections) : connections;
  if (!burst_value) {
    problem = invalid_value(kSourceConnectionBurst,
                            "a whole number from 1 to " + std::to_string(snapshot::kMaxSourceRateConnections), *burst);
    return std::nullopt;
  }
  return snapshot::SourceConnectionRate{*connections, period_ms, *burst_value};
}

}  // namespace snigate::controller::translate::annotations
