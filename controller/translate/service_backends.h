// From "Service S, port P" to the addresses the dataplane connects to: the ready EndpointSlice
// addresses for that port (named target ports resolved through the slice), or the ClusterIP.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "snapshot/snapshot.h"
#include "translate/cluster_state.h"

namespace snigate::controller::translate {

enum class Upstream { endpoints, service };

// A Service port as an Ingress or the snigate.io/port annotation names it: a name, a number, or
// nothing (the default: the port named "https", else 443, else the only port).
struct PortSelector {
  std::optional<std::string> name;
  std::optional<int> number;

  // "https" -> name, "8443" -> number, nullopt -> the default.
  static PortSelector parse(const std::optional<std::string>& text);
  std::string describe() const;
};

struct ResolvedBackends {
  std::vector<snapshot::Backend> backends;  // sorted, no duplicates; empty on failure
  std::string failure_reason;               // Event reason when nothing could be resolved
  std::string failure_message;

  bool ok() const { return failure_reason.empty(); }
};

const nlohmann::json* find_service(const ClusterState& state, const std::string& namespace_name, const std::string& name);

ResolvedBackends resolve_service_backends(const ClusterState& state, const nlohmann::json& service,
                                          const PortSelector& port, Upstream upstream);

}  // namespace snigate::controller::translate
