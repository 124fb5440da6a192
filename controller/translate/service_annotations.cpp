#include "translate/service_annotations.h"

#include "snapshot/hostname.h"
#include "translate/annotations.h"
#include "translate/object_fields.h"

namespace snigate::controller::translate {

void claim_annotated_services(const ClusterState& state, Claims& claims) {
  for (const auto& service : state.services) {
    const std::optional<std::string> hostnames = annotation(*service, annotations::kHostnames);
    if (!hostnames) continue;
    const ObjectRef owner = reference_to(*service, "Service", "v1");

    std::vector<std::string> valid_names;
    for (const std::string& name : split_list(*hostnames)) {
      if (auto normalized = hostname::normalize(name, /*allow_wildcard=*/true)) {
        valid_names.push_back(*normalized);
      } else {
        claims.report(owner, "InvalidHostname",
                      "hostname \"" + name + "\" in " + std::string(annotations::kHostnames) +
                          " is not a valid DNS name (at most one leading \"*.\")");
      }
    }
    if (valid_names.empty()) continue;

    const auto proxy_protocol = annotations::proxy_protocol(annotation(*service, annotations::kProxyProtocol));
    if (!proxy_protocol) {
      claims.report(owner, "InvalidAnnotation",
                    std::string(annotations::kProxyProtocol) + " must be none, v1 or v2, not \"" +
                        *annotation(*service, annotations::kProxyProtocol) + "\"");
      continue;
    }
    const auto upstream = annotations::upstream(annotation(*service, annotations::kUpstream));
    if (!upstream) {
      claims.report(owner, "InvalidAnnotation",
                    std::string(annotations::kUpstream) + " must be endpoints or service, not \"" +
                        *annotation(*service, annotations::kUpstream) + "\"");
      continue;
    }
    const ResolvedBackends resolved = resolve_service_backends(
        state, *service, PortSelector::parse(annotation(*service, annotations::kPort)), *upstream);
    if (!resolved.ok()) {
      claims.report(owner, resolved.failure_reason, resolved.failure_message);
      continue;
    }
    for (const std::string& name : valid_names) {
      claims.routes.push_back({owner, {name, snapshot::Wildcard::single_label, resolved.backends, *proxy_protocol}});
    }
  }
}

}  // namespace snigate::controller::translate
