// An address per Gateway (--gateway-dataplane-ports): the Gateway API gives each Gateway its own
// address, so that two Gateways may route the same name differently and a name one Gateway does not
// route is refused on its address even when another routes it. Each of our Gateways with a listener
// to serve gets a Service of its own in the release's namespace, selecting the dataplane pods, one
// port per listener port, each sent to a dataplane port of the range that serves that Gateway's
// routes alone (snigate-dataplane --scoped-listen, snapshot routes[].listen_port).
//
// The Services in the cluster are the record of which dataplane port is whose: a Gateway keeps the
// ports its Service maps, a new listener port takes the lowest free one, and a port is free only
// once no Service of ours maps it, so that a port never serves two Gateways at once. Routes are
// scoped by what the Services map now, not by what is wanted: a Gateway's names are served once its
// Service exists (the controller creates it, kube/gateway_service_provisioner.h).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/cluster_state.h"

namespace snigate::controller::translate {

struct GatewayServiceSettings {
  std::string namespace_name;                   // where the Services are made: the release's
  int first_port = 0;                           // the dataplane's scoped listen ports, first to last
  int last_port = 0;
  std::map<std::string, std::string> selector;  // the dataplane pods' labels
  std::string type = "LoadBalancer";            // LoadBalancer, NodePort or ClusterIP
  bool operator==(const GatewayServiceSettings&) const = default;
};

// Marks the Services the controller owns (value "true"): any other is left alone.
inline constexpr std::string_view kGatewayServiceLabel = "snigate.io/gateway-service";
// On each of them: the Gateway it serves, "namespace/name".
inline constexpr std::string_view kGatewayAnnotation = "snigate.io/gateway";

// "snigate-gw-<namespace>-<name>", cut to fit a Service name (63 characters, DNS-1035) and ended
// with a hash of "namespace/name", so that names cut alike stay apart.
std::string gateway_service_name(std::string_view gateway_namespace, std::string_view gateway_name);

struct GatewayServicePort {
  int port = 0;         // the listener port: what clients dial on the Gateway's address
  int target_port = 0;  // the dataplane's scoped port
  bool operator==(const GatewayServicePort&) const = default;
};

struct GatewayService {
  std::string gateway;  // "namespace/name"
  std::string name;     // in GatewayServiceSettings::namespace_name
  std::vector<GatewayServicePort> ports;  // by port
  bool operator==(const GatewayService&) const = default;
};

// What the cluster should hold: the provisioner creates or updates `wanted` and deletes `unwanted`.
struct GatewayServicePlan {
  std::vector<GatewayService> wanted;  // by Gateway
  std::vector<std::string> unwanted;   // names of our Services no Gateway wants
  bool operator==(const GatewayServicePlan&) const = default;
};

// A Gateway's Service as the cluster holds it now.
struct GatewayAddress {
  std::string service;                                   // its name
  std::map<int, int> dataplane_ports;                    // listener port -> dataplane port
  std::vector<model::LoadBalancerIngress> addresses;     // the load balancer's; a ClusterIP's cluster IP
};

struct GatewayServiceAssignment {
  std::map<std::string, GatewayAddress, std::less<>> current;  // by Gateway "namespace/name": those with a Service
  GatewayServicePlan plan;
  std::map<std::string, std::vector<int>, std::less<>> unassigned;  // by Gateway: listener ports no dataplane port was left for
};

// `listener_ports`: for each of our Gateways ("namespace/name") that has listeners to serve, their ports.
GatewayServiceAssignment assign_gateway_services(const model::ClusterState& state, const GatewayServiceSettings& settings,
                                                 const std::map<std::string, std::set<int>, std::less<>>& listener_ports);

}  // namespace snigate::controller::translate
