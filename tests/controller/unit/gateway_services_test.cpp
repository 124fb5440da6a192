// An address per Gateway (--gateway-dataplane-ports): which dataplane port each Gateway listener
// port gets, the Services wanted and unwanted, and the routes and status that follow from the
// Services the cluster holds.
#include <gtest/gtest.h>

#include "gateway_fixtures.h"
#include "kube/gateway_api_status_json.h"
#include "kube/gateway_service_provisioner.h"
#include "translate/gateway_services.h"

namespace snigate::controller::translate {
namespace {

using namespace fixtures;

const GatewayServiceSettings kSettings{.namespace_name = "snigate-system",
                                       .first_port = 10443,
                                       .last_port = 10445,
                                       .selector = {{"app.kubernetes.io/name", "snigate"}},
                                       .type = "LoadBalancer"};

TranslationSettings own_addresses() {
  TranslationSettings settings{.ingress_classes = kSelection};
  settings.gateway_api.own_addresses = kSettings;
  return settings;
}

// Our Service for Gateway `gateway_namespace`/`gateway_name`, mapping listener port -> dataplane
// port, with this load-balancer address ("" for none yet).
Object gateway_service(const std::string& gateway_namespace, const std::string& gateway_name, const std::map<int, int>& ports,
                       const std::string& address = "", std::optional<std::string> name = std::nullopt) {
  json port_list = json::array();
  for (const auto& [port, target] : ports) port_list.push_back({{"name", "tls-" + std::to_string(port)}, {"port", port}, {"targetPort", target}});
  json status = json::object();
  if (!address.empty()) status = {{"loadBalancer", {{"ingress", json::array({{{"ip", address}}})}}}};
  return object({{"metadata",
                  {{"name", name.value_or(gateway_service_name(gateway_namespace, gateway_name))},
                   {"namespace", "snigate-system"},
                   {"uid", "uid-svc-" + gateway_name},
                   {"labels", {{"snigate.io/gateway-service", "true"}}},
                   {"annotations", {{"snigate.io/gateway", gateway_namespace + "/" + gateway_name}}}}},
                 {"spec", {{"type", "LoadBalancer"}, {"clusterIP", "10.96.1.1"}, {"ports", port_list}}},
                 {"status", status}});
}

// "abc.example.com@10443 -> 10.0.0.1:8443" ("@0": the release Service's listeners).
std::vector<std::string> scoped_routes(const snapshot::Snapshot& snapshot) {
  std::vector<std::string> lines;
  for (const auto& route : snapshot.routes) {
    std::string line = route.hostname + "@" + std::to_string(route.listen_port) + " ->";
    if (route.backends.empty()) line += " refused";
    for (const auto& backend : route.backends) line += " " + backend.address + ":" + std::to_string(backend.port);
    lines.push_back(line);
  }
  return lines;
}

const GatewayStatus& status_of(const Translation& translation, const std::string& gateway) {
  for (const auto& status : translation.gateway_api.gateways) {
    if (status.gateway.name == gateway) return status;
  }
  throw std::runtime_error("no status for Gateway " + gateway);
}

// The conformance suite's TLSRouteHostnameIntersection: four Gateways on 443 in one namespace,
// listener hostnames abc.example.com, *.example.com, *.com and none, each with its routes.
Objects four_gateways(bool with_services) {
  Objects state;
  state.gateway_classes.push_back(gateway_class("snigate"));
  const auto add_gateway = [&](const std::string& name, std::optional<std::string> hostname) {
    state.gateways.push_back(gateway("infra", name, json::array({listener("tls", hostname)})));
  };
  add_gateway("x1", "abc.example.com");
  add_gateway("x2", "*.example.com");
  add_gateway("x3", "*.com");
  add_gateway("x4", std::nullopt);
  for (const auto& [name, address] : {std::pair{"tls-backend", "10.0.0.1"}, std::pair{"tls-backend-2", "10.0.0.2"}}) {
    for (auto& object : service_with_endpoints("infra", name, {address})) {
      (object.contains("addressType") ? state.endpoint_slices : state.services).push_back(object);
    }
  }
  const auto add_route = [&](const std::string& name, const std::string& gateway_name, const std::string& hostname,
                             const std::string& backend) {
    state.tls_routes.push_back(tls_route(name, {.namespace_name = "infra",
                                                .parents = json::array({parent(gateway_name)}),
                                                .hostnames = json::array({hostname}),
                                                .backends = json::array({backend_ref(backend)})}));
  };
  add_route("r1", "x1", "*.example.com", "tls-backend");
  add_route("r2a", "x2", "abc.example.com", "tls-backend");
  add_route("r2b", "x2", "*.com", "tls-backend-2");
  add_route("r3a", "x3", "abc.example.com", "tls-backend");
  add_route("r3b", "x3", "*.example.com", "tls-backend-2");
  add_route("r4a", "x4", "abc.example.com", "tls-backend");
  add_route("r4b", "x4", "*.com", "tls-backend-2");
  if (with_services) {
    int slot = 0;  // x1: 10443 at 127.0.0.10, x2: 10444 at 127.0.0.11, ...
    for (const char* name : {"x1", "x2", "x3", "x4"}) {
      state.services.push_back(gateway_service("infra", name, {{443, 10443 + slot}}, "127.0.0." + std::to_string(10 + slot)));
      ++slot;
    }
  }
  return state;
}

TEST(GatewayServiceName, FitsAServiceNameAndKeepsCutNamesApart) {
  EXPECT_EQ(gateway_service_name("infra", "edge").rfind("snigate-gw-infra-edge-", 0), 0u);
  EXPECT_EQ(gateway_service_name("infra", "edge"), gateway_service_name("infra", "edge"));
  EXPECT_NE(gateway_service_name("infra", "edge"), gateway_service_name("infr", "a-edge"));
  const std::string long_name(200, 'a');
  const std::string first = gateway_service_name("infra", long_name + "x.y");
  const std::string second = gateway_service_name("infra", long_name + "z.y");
  EXPECT_LE(first.size(), 63u);
  EXPECT_NE(first, second);
  EXPECT_EQ(first.find('.'), std::string::npos);
  EXPECT_EQ(gateway_service_name("a", "b.c"), gateway_service_name("a", "b.c"));
  EXPECT_EQ(gateway_service_name("a", "b.c").find('.'), std::string::npos);
}

TEST(GatewayServiceAssignment, NewGatewaysTakeTheLowestFreePortsAndKeepTheirsAfter) {
  const std::map<std::string, std::set<int>, std::less<>> wanted = {{"infra/x1", {443}}, {"infra/x2", {443, 8443}}};
  const auto fresh = assign_gateway_services(cluster_state({}), kSettings, wanted);
  ASSERT_EQ(fresh.plan.wanted.size(), 2u);
  EXPECT_EQ(fresh.plan.wanted[0].ports, (std::vector<GatewayServicePort>{{443, 10443}}));
  EXPECT_EQ(fresh.plan.wanted[1].ports, (std::vector<GatewayServicePort>{{443, 10444}, {8443, 10445}}));
  EXPECT_TRUE(fresh.current.empty());  // nothing is served before the Services exist

  // x1's Service holds 10445 (made earlier): x1 keeps it, x2 takes the lowest two left.
  Objects state;
  state.services.push_back(gateway_service("infra", "x1", {{443, 10445}}, "127.0.0.10"));
  const auto kept = assign_gateway_services(cluster_state(state), kSettings, wanted);
  EXPECT_EQ(kept.plan.wanted[0].ports, (std::vector<GatewayServicePort>{{443, 10445}}));
  EXPECT_EQ(kept.plan.wanted[1].ports, (std::vector<GatewayServicePort>{{443, 10443}, {8443, 10444}}));
  ASSERT_TRUE(kept.current.contains("infra/x1"));
  EXPECT_EQ(kept.current.at("infra/x1").dataplane_ports, (std::map<int, int>{{443, 10445}}));
  EXPECT_EQ(kept.current.at("infra/x1").addresses, (std::vector<model::LoadBalancerIngress>{{"127.0.0.10", ""}}));
}

TEST(GatewayServiceAssignment, APortServesOneGatewayOnly) {
  Objects state;
  // x1's and x2's Services both map 10443 (a hand edit): the first by name keeps it, x2 gets
  // another, and until then its routes are served nowhere.
  state.services.push_back(gateway_service("infra", "x1", {{443, 10443}}));
  state.services.push_back(gateway_service("infra", "x2", {{443, 10443}}));
  // A Service of a Gateway that is gone still holds its port until it is deleted.
  state.services.push_back(gateway_service("infra", "gone", {{443, 10444}}));
  // Not ours (no label): never touched, holds nothing.
  state.services.push_back(in_namespace(service("other", json::object()), "snigate-system"));
  const std::map<std::string, std::set<int>, std::less<>> wanted = {{"infra/x1", {443}}, {"infra/x2", {443}}, {"infra/x3", {443}}};
  const auto assignment = assign_gateway_services(cluster_state(state), kSettings, wanted);
  const bool x1_first = gateway_service_name("infra", "x1") < gateway_service_name("infra", "x2");
  const std::string winner = x1_first ? "infra/x1" : "infra/x2";
  const std::string loser = x1_first ? "infra/x2" : "infra/x1";
  EXPECT_EQ(assignment.current.at(winner).dataplane_ports, (std::map<int, int>{{443, 10443}}));
  EXPECT_TRUE(assignment.current.at(loser).dataplane_ports.empty());
  // The loser takes 10445 (10444 is the gone Gateway's); nothing is left for x3.
  for (const auto& service : assignment.plan.wanted) {
    if (service.gateway == loser) {
      EXPECT_EQ(service.ports, (std::vector<GatewayServicePort>{{443, 10445}}));
    }
    EXPECT_NE(service.gateway, "infra/x3");
  }
  EXPECT_EQ(assignment.unassigned.at("infra/x3"), (std::vector<int>{443}));
  EXPECT_EQ(assignment.plan.unwanted, (std::vector<std::string>{gateway_service_name("infra", "gone")}));
}

TEST(GatewayServiceAssignment, AServiceNotNamedForItsGatewayIsNotItsAddress) {
  Objects state;
  state.services.push_back(gateway_service("infra", "x1", {{443, 10443}}, "127.0.0.10", "snigate-gw-copy"));
  const auto assignment = assign_gateway_services(cluster_state(state), kSettings, {{"infra/x1", {443}}});
  EXPECT_FALSE(assignment.current.contains("infra/x1"));
  EXPECT_EQ(assignment.plan.unwanted, (std::vector<std::string>{"snigate-gw-copy"}));
}

TEST(OwnAddresses, EachGatewaysRoutesAreScopedToItsOwnDataplanePort) {
  TranslationSettings settings = own_addresses();
  settings.gateway_api.own_addresses->last_port = 10450;
  const Translation translation = translate_objects(four_gateways(/*with_services=*/true), settings);
  // The same names on four Gateways are four routes, none in conflict; a name a Gateway does not
  // route (non.matching.com on x1) is not in its scope, whatever the others route.
  EXPECT_EQ(scoped_routes(translation.snapshot),
            (std::vector<std::string>{"*.com@10446 -> 10.0.0.2:8443", "*.example.com@10444 -> 10.0.0.2:8443",
                                      "*.example.com@10445 -> 10.0.0.2:8443", "abc.example.com@10443 -> 10.0.0.1:8443",
                                      "abc.example.com@10444 -> 10.0.0.1:8443", "abc.example.com@10445 -> 10.0.0.1:8443",
                                      "abc.example.com@10446 -> 10.0.0.1:8443"}));
  EXPECT_EQ(rendered_problems(translation.problems), std::vector<std::string>{});
  const GatewayStatus& x1 = status_of(translation, "x1");
  ASSERT_TRUE(x1.addresses);
  EXPECT_EQ(*x1.addresses, (std::vector<model::LoadBalancerIngress>{{"127.0.0.10", ""}}));
  EXPECT_FALSE(x1.unprogrammable);
  EXPECT_EQ(x1.listeners[0].attached_routes, 1);
  EXPECT_TRUE(translation.gateway_api.services.unwanted.empty());
  EXPECT_EQ(translation.gateway_api.services.wanted.size(), 4u);
}

TEST(OwnAddresses, UntilItsServiceMapsAListenerAGatewaysNamesAreServedNowhere) {
  TranslationSettings settings = own_addresses();
  settings.gateway_api.own_addresses->last_port = 10450;
  const Translation translation = translate_objects(four_gateways(/*with_services=*/false), settings);
  EXPECT_EQ(scoped_routes(translation.snapshot), std::vector<std::string>{});  // not on the release's address either
  const GatewayStatus& x1 = status_of(translation, "x1");
  ASSERT_TRUE(x1.unprogrammable);
  EXPECT_EQ(x1.unprogrammable->reason, "AddressNotAssigned");
  EXPECT_EQ(x1.addresses, std::optional<std::vector<model::LoadBalancerIngress>>(std::vector<model::LoadBalancerIngress>{}));
  EXPECT_EQ(x1.listeners[0].attached_routes, 1);  // the route is accepted; its names wait for the address
  ASSERT_EQ(translation.gateway_api.services.wanted.size(), 4u);
  EXPECT_EQ(translation.gateway_api.services.wanted[0].ports, (std::vector<GatewayServicePort>{{443, 10443}}));

  // The Service exists but has no address yet: its routes are served (kube-proxy may already send
  // clients), the Gateway is not Programmed.
  Objects state = four_gateways(false);
  state.services.push_back(gateway_service("infra", "x1", {{443, 10443}}));
  const Translation mapped = translate_objects(state, settings);
  EXPECT_EQ(scoped_routes(mapped.snapshot), (std::vector<std::string>{"abc.example.com@10443 -> 10.0.0.1:8443"}));
  EXPECT_EQ(status_of(mapped, "x1").unprogrammable->message, "Service snigate-system/" + gateway_service_name("infra", "x1") + " has no address yet");
}

TEST(OwnAddresses, AGatewayBeyondTheRangeIsReportedNoResources) {
  TranslationSettings settings = own_addresses();
  settings.gateway_api.own_addresses->last_port = 10444;  // two ports for four Gateways
  const Translation translation = translate_objects(four_gateways(false), settings);
  EXPECT_EQ(status_of(translation, "x3").unprogrammable->reason, "NoResources");
  EXPECT_EQ(status_of(translation, "x4").unprogrammable->reason, "NoResources");
  EXPECT_EQ(status_of(translation, "x1").unprogrammable->reason, "AddressNotAssigned");
  EXPECT_EQ(translation.gateway_api.services.wanted.size(), 2u);
  const auto problems = rendered_problems(translation.problems);
  EXPECT_NE(std::find(problems.begin(), problems.end(), "Gateway infra/x3 NoResources"), problems.end());
}

TEST(OwnAddresses, ListenersMayTakeAnyPortAndAGatewayWithNothingToServeGetsNoService) {
  Objects state;
  state.gateway_classes.push_back(gateway_class("snigate"));
  state.gateways.push_back(gateway("infra", "odd", json::array({with(listener("tls", "a.example.com"), "/port", 9443)})));
  state.gateways.push_back(gateway("infra", "http", json::array({{{"name", "http"}, {"port", 80}, {"protocol", "HTTP"}}})));
  const Translation translation = translate_objects(state, own_addresses());
  EXPECT_TRUE(status_of(translation, "odd").listeners[0].accepted.status);
  ASSERT_EQ(translation.gateway_api.services.wanted.size(), 1u);
  EXPECT_EQ(translation.gateway_api.services.wanted[0].ports, (std::vector<GatewayServicePort>{{9443, 10443}}));
  // Nothing to serve, nothing to wait for: Programmed as soon as the dataplane holds the snapshot.
  EXPECT_FALSE(status_of(translation, "http").unprogrammable);
}

TEST(OwnAddresses, TheGatewayShowsItsOwnAddressAndWhyItIsNotProgrammed) {
  GatewayStatus wanted{{"Gateway", "gateway.networking.k8s.io/v1", "infra", "x1", "uid-x1", ""}, 3, {}};
  wanted.addresses = std::vector<model::LoadBalancerIngress>{};
  wanted.unprogrammable = Condition{false, "AddressNotAssigned", "Service s has no address yet"};
  const auto status = kube::gateway_status(json::object(), wanted, /*programmed=*/true, {}, "2026-01-01T00:00:00Z");
  EXPECT_FALSE(status.contains("addresses"));
  EXPECT_EQ(status["conditions"][1]["type"], "Programmed");
  EXPECT_EQ(status["conditions"][1]["status"], "False");
  EXPECT_EQ(status["conditions"][1]["reason"], "AddressNotAssigned");
}

TEST(GatewayServiceManifest, SelectsTheDataplaneAndMarksTheGateway) {
  const GatewayService wanted{"infra/x1", "snigate-gw-infra-x1-0000", {{443, 10443}}};
  const json manifest = kube::gateway_service_manifest(wanted, kSettings);
  EXPECT_EQ(manifest["metadata"]["namespace"], "snigate-system");
  EXPECT_EQ(manifest["metadata"]["labels"]["snigate.io/gateway-service"], "true");
  EXPECT_EQ(manifest["metadata"]["annotations"]["snigate.io/gateway"], "infra/x1");
  EXPECT_EQ(manifest["spec"]["type"], "LoadBalancer");
  EXPECT_EQ(manifest["spec"]["selector"]["app.kubernetes.io/name"], "snigate");
  EXPECT_EQ(manifest["spec"]["ports"],
            json::parse(R"([{"name": "tls-443", "protocol": "TCP", "port": 443, "targetPort": 10443}])"));
}

}  // namespace
}  // namespace snigate::controller::translate
