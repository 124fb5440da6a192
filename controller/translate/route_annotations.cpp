#include "translate/route_annotations.h"

#include "translate/annotations.h"

namespace snigate::controller::translate {

std::optional<snapshot::Route> annotated_route(const model::ObjectMeta& meta, const ObjectRef& owner, Claims& claims) {
  snapshot::Route route;
  bool valid = true;
  const auto invalid = [&](std::string problem) {
    claims.report(owner, "InvalidAnnotation", std::move(problem));
    valid = false;
  };
  const auto proxy_value = meta.annotation(annotations::kProxyProtocol);
  if (const auto proxy_protocol = annotations::proxy_protocol(proxy_value)) {
    route.proxy_protocol = *proxy_protocol;
  } else {
    invalid(annotations::invalid_value(annotations::kProxyProtocol, annotations::kProxyProtocolValues, *proxy_value));
  }
  std::string problem;
  if (auto ranges = annotations::allow_source_ranges(meta.annotation(annotations::kAllowSourceRanges), problem)) {
    route.allow_source_ranges = std::move(*ranges);
  } else {
    invalid(problem);
  }
  if (const auto limit = annotations::max_connections(meta.annotation(annotations::kMaxConnections), problem)) {
    route.max_connections = *limit;
  } else {
    invalid(problem);
  }
  for (auto [key, field] : {std::pair{annotations::kConnectTimeout, &route.connect_timeout_ms},
                            std::pair{annotations::kIdleTimeout, &route.idle_timeout_ms}}) {
    if (const auto timeout = annotations::timeout_ms(key, meta.annotation(key), problem)) {
      *field = *timeout;
    } else {
      invalid(problem);
    }
  }
  if (const auto rate = annotations::source_connection_rate(meta.annotation(annotations::kSourceConnectionRate),
                                                            meta.annotation(annotations::kSourceConnectionBurst), problem)) {
    route.source_connection_rate = *rate;
  } else {
    invalid(problem);
  }
  if (!valid) return std::nullopt;
  return route;
}

}  // namespace snigate::controller::translate
