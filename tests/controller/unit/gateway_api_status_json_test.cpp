// The status documents the leader writes for GatewayClasses, Gateways and TLSRoutes.
#include "kube/gateway_api_status_json.h"

#include <gtest/gtest.h>

namespace snigate::controller::kube {
namespace {

using nlohmann::json;
using translate::Condition;

const std::string kEarlier = "2020-01-01T00:00:00Z";
const std::string kNow = "2030-01-01T00:00:00Z";

translate::TLSRouteStatus route_status(bool resolved) {
  model::ParentReference parent;
  parent.name = "edge";
  return {{.kind = "TLSRoute", .namespace_name = "shop", .name = "app"},
          4,
          {{parent, {true, "Accepted", ""}, resolved ? Condition{true, "ResolvedRefs", ""} : Condition{false, "RefNotPermitted", "no grant"}}}};
}

TEST(GatewayApiStatusJson, RouteParentsOfOtherControllersAreKeptAndTransitionTimesHold) {
  const json theirs = {{"parentRef", {{"name", "other"}}}, {"controllerName", "example.com/other"}, {"conditions", json::array()}};
  const json first = tls_route_status({{"parents", json::array({theirs})}}, route_status(false), "snigate.io/gw", kEarlier);
  ASSERT_EQ(first["parents"].size(), 2u);
  EXPECT_EQ(first["parents"][0], theirs);
  EXPECT_EQ(first["parents"][1]["controllerName"], "snigate.io/gw");
  EXPECT_EQ(first["parents"][1]["parentRef"], json({{"group", "gateway.networking.k8s.io"}, {"kind", "Gateway"}, {"name", "edge"}}));
  EXPECT_EQ(first["parents"][1]["conditions"][1]["reason"], "RefNotPermitted");
  EXPECT_EQ(first["parents"][1]["conditions"][1]["observedGeneration"], 4);

  // Computed again from what it shows: nothing to write.
  EXPECT_EQ(tls_route_status(first, route_status(false), "snigate.io/gw", kNow), first);
  // ResolvedRefs turns True: its time moves, Accepted's stays.
  const json second = tls_route_status(first, route_status(true), "snigate.io/gw", kNow);
  EXPECT_EQ(second["parents"][1]["conditions"][0]["lastTransitionTime"], kEarlier);
  EXPECT_EQ(second["parents"][1]["conditions"][1]["lastTransitionTime"], kNow);
  EXPECT_EQ(second["parents"][0], theirs);
}

TEST(GatewayApiStatusJson, GatewayIsProgrammedOnlyOnceTheDataplaneHoldsItsRoutes) {
  translate::GatewayStatus gateway{{.kind = "Gateway", .namespace_name = "edge", .name = "edge"}, 2, {}};
  gateway.listeners.push_back({"tls", {{"gateway.networking.k8s.io", "TLSRoute"}}, 1, {true, "Accepted", ""}, {true, "ResolvedRefs", ""}});
  gateway.listeners.push_back({"web", {}, 0, {false, "PortUnavailable", "port 80"}, {true, "ResolvedRefs", ""}});
  const translate::LoadBalancerStatus addresses = {{"192.0.2.1", ""}, {"", "lb.example.com"}};

  const json pending = gateway_status(json(), gateway, false, addresses, kEarlier);
  EXPECT_EQ(pending["addresses"], json::parse(R"([{"type":"IPAddress","value":"192.0.2.1"},{"type":"Hostname","value":"lb.example.com"}])"));
  EXPECT_EQ(pending["conditions"][0]["reason"], "ListenersNotValid");
  EXPECT_EQ(pending["conditions"][0]["status"], "True");
  EXPECT_EQ(pending["conditions"][1]["reason"], "Pending");
  EXPECT_EQ(pending["listeners"][0]["conditions"][3]["reason"], "Pending");
  EXPECT_EQ(pending["listeners"][1]["conditions"][3]["reason"], "Invalid");
  EXPECT_EQ(pending["listeners"][0]["attachedRoutes"], 1);

  const json programmed = gateway_status(pending, gateway, true, addresses, kNow);
  EXPECT_EQ(programmed["conditions"][1]["status"], "True");
  EXPECT_EQ(programmed["conditions"][1]["lastTransitionTime"], kNow);
  EXPECT_EQ(programmed["conditions"][0]["lastTransitionTime"], kEarlier);
  EXPECT_EQ(programmed["listeners"][0]["conditions"][3]["reason"], "Programmed");
  EXPECT_EQ(programmed["listeners"][1]["conditions"][3]["reason"], "Invalid");
}

// As the conformance suite expects of a Gateway of HTTP listeners only: the listeners say why they
// are not served, the Gateway is still Accepted and, once the dataplane holds the snapshot, Programmed.
TEST(GatewayApiStatusJson, GatewayWithoutAServableListenerIsAcceptedAndProgrammed) {
  translate::GatewayStatus gateway{{.kind = "Gateway", .namespace_name = "edge", .name = "web"}, 1, {}};
  gateway.listeners.push_back({"http", {}, 0, {false, "UnsupportedProtocol", "HTTP"}, {true, "ResolvedRefs", ""}});

  const json status = gateway_status(json(), gateway, true, {{"192.0.2.1", ""}}, kNow);
  EXPECT_EQ(status["conditions"][0]["type"], "Accepted");
  EXPECT_EQ(status["conditions"][0]["status"], "True");
  EXPECT_EQ(status["conditions"][0]["reason"], "ListenersNotValid");
  EXPECT_EQ(status["conditions"][1]["type"], "Programmed");
  EXPECT_EQ(status["conditions"][1]["status"], "True");
  EXPECT_EQ(status["listeners"][0]["conditions"][0]["reason"], "UnsupportedProtocol");
  EXPECT_EQ(status["listeners"][0]["conditions"][3]["reason"], "Invalid");
  EXPECT_EQ(status["listeners"][0]["supportedKinds"], json::array());
}

TEST(GatewayApiStatusJson, AConflictedListenerSaysSoAndIsNotProgrammed) {
  translate::GatewayStatus gateway{{.kind = "Gateway", .namespace_name = "edge", .name = "edge"}, 1, {}};
  translate::ListenerStatus second{"second", {{"gateway.networking.k8s.io", "TLSRoute"}}, 0, {true, "Accepted", ""}, {true, "ResolvedRefs", ""}};
  second.conflicted = {true, "HostnameConflict", "listener first takes it"};
  gateway.listeners.push_back(second);
  const json status = gateway_status(json(), gateway, true, {}, kNow);
  EXPECT_EQ(status["listeners"][0]["conditions"][2]["type"], "Conflicted");
  EXPECT_EQ(status["listeners"][0]["conditions"][2]["status"], "True");
  EXPECT_EQ(status["listeners"][0]["conditions"][2]["reason"], "HostnameConflict");
  EXPECT_EQ(status["listeners"][0]["conditions"][3]["reason"], "Invalid");
}

TEST(GatewayApiStatusJson, GatewayClassIsAcceptedWithItsFeaturesSorted) {
  const json status = gateway_class_status(json(), {{.kind = "GatewayClass", .name = "snigate"}, 3}, kNow);
  EXPECT_EQ(status["conditions"][0]["reason"], "Accepted");
  EXPECT_EQ(status["conditions"][0]["observedGeneration"], 3);
  EXPECT_EQ(status["supportedFeatures"], json::parse(R"([{"name":"Gateway"},{"name":"ReferenceGrant"},{"name":"TLSRoute"}])"));
}

}  // namespace
}  // namespace snigate::controller::kube
