// The snigate.io annotations a user writes on Services (and Ingresses), and how their values read.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "snapshot/snapshot.h"
#include "translate/service_backends.h"

namespace snigate::controller::translate::annotations {

inline constexpr std::string_view kHostnames = "snigate.io/hostnames";         // "a.example.com, *.b.example.com"
inline constexpr std::string_view kPort = "snigate.io/port";                   // a Service port name or number
inline constexpr std::string_view kProxyProtocol = "snigate.io/proxy-protocol";  // none | v1 | v2
inline constexpr std::string_view kUpstream = "snigate.io/upstream";           // endpoints | service

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

inline constexpr std::string_view kProxyProtocolValues = "none, v1 or v2";
inline constexpr std::string_view kUpstreamValues = "endpoints or service";

// The message of an InvalidAnnotation problem: "snigate.io/upstream must be endpoints or service, not \"dns\"".
inline std::string invalid_value(std::string_view key, std::string_view allowed, const std::string& value) {
  return std::string(key) + " must be " + std::string(allowed) + ", not \"" + value + "\"";
}

}  // namespace snigate::controller::translate::annotations
