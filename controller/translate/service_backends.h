// From "Service S, port P" to the addresses the dataplane connects to: the EndpointSlice addresses
// for that port (ready ones; while none is ready, the serving and terminating ones, as kube-proxy
// does), or the ClusterIP. Failing to find any is reported, but never costs the route its name.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/cluster_state.h"
#include "snapshot/snapshot.h"

namespace snigate::controller::translate {

enum class Upstream { endpoints, service };

// A Service port as an Ingress or the snigate.io/port annotation names it: a name, a number, or
// nothing (the default: the TCP port named "https", else TCP port 443, else the only TCP port).
struct PortSelector {
  std::optional<std::string> name;
  std::optional<int> number;

  // "https" -> name, "8443" -> number, nullopt -> the default.
  static PortSelector parse(const std::optional<std::string>& text);
  static PortSelector from(const model::PortReference& reference) { return {reference.name, reference.number}; }
  std::string describe() const;
};

struct ResolvedBackends {
  std::vector<snapshot::Backend> backends;  // sorted, no duplicates; empty when none can be used
  std::string problem_reason;               // Event reason when something is wrong ("" when not)
  std::string problem_message;

  bool ok() const { return problem_reason.empty(); }
};

ResolvedBackends resolve_service_backends(const model::ClusterState& state, const model::Service& service,
                                          const PortSelector& port, Upstream upstream);

}  // namespace snigate::controller::translate
