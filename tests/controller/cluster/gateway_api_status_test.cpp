// Gateway API status written by the controller against the real kube-apiserver, with the
// standard-channel CRDs the chart ships (charts/snigate/files/gateway-api-crds): our
// GatewayClass is Accepted; our Gateway Accepted and Programmed with its addresses and
// listeners; a TLSRoute's parent Accepted, its ResolvedRefs following a ReferenceGrant; our entry
// back after another controller replaced the list, and gone once the route no longer names our
// Gateway; CRDs installed after the controller started are picked up.
#include <gtest/gtest.h>

#include "controller_fixture.h"
#include "wait_until.h"

namespace snigate::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const std::vector<std::string> kCrds = {"gatewayclasses", "gateways", "tlsroutes", "referencegrants"};

class GatewayApiStatusTest : public ControllerTest {
 protected:
  void install_crds() {
    const auto folder = LocalClusterEnvironment::repo_root() / "charts/snigate/files/gateway-api-crds";
    kubectl("apply --server-side --force-conflicts -f " + shell_quote(folder.string()));
    for (const auto& crd : kCrds) {
      kubectl("wait --for condition=Established --timeout=60s crd/" + crd + ".gateway.networking.k8s.io");
    }
  }

  // This test's own GatewayClass (cluster-scoped, deleted after the test) and its controllerName.
  std::string gateway_controller() const { return "snigate.io/gw-" + test_namespace(); }
  void apply_gateway_class() {
    apply("apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata:\n  name: " + test_namespace() +
          "\nspec:\n  controllerName: " + gateway_controller());
    delete_after_test("gatewayclass/" + test_namespace());
  }

  Controller& start_gateway_controller(std::vector<std::string> extra = {}) {
    std::vector<std::string> arguments = {"--gateway-controller-name", gateway_controller(), "--publish-status-address", "192.0.2.100"};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return start_controller(arguments);
  }

  json object(const std::string& kind_and_name, const std::string& namespace_name = "") {
    const std::string scope = namespace_name.empty() ? "" : " -n " + namespace_name;
    return json::parse(kubectl("get " + kind_and_name + scope + " -o json"), nullptr, false);
  }

  // "True/Accepted" for the condition of that type in `conditions`, "" when it is absent.
  static std::string condition(const json& conditions, const std::string& type) {
    if (!conditions.is_array()) return "";
    for (const auto& entry : conditions) {
      if (entry.value("type", "") == type) return entry.value("status", "") + "/" + entry.value("reason", "");
    }
    return "";
  }
  static json at(const json& document, const json::json_pointer& pointer) {
    return document.contains(pointer) ? document[pointer] : json();
  }
  static std::int64_t observed_generation(const json& conditions, const std::string& type) {
    for (const auto& entry : conditions) {
      if (entry.value("type", "") == type) return entry.value("observedGeneration", std::int64_t{-1});
    }
    return -1;
  }

  bool eventually(const std::function<bool()>& check, std::chrono::milliseconds timeout = 20s) {
    return wait_until(check, timeout, 250ms);
  }

  // A Service with one ready endpoint, 192.0.2.1:8443 behind port 443, in `namespace_name`.
  void apply_backend(const std::string& namespace_name) {
    apply("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: " + namespace_name +
          "\nspec:\n  ports:\n  - {name: https, port: 443}\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
          "metadata:\n  name: web-1\n  namespace: " + namespace_name +
          "\n  labels: {kubernetes.io/service-name: web}\naddressType: IPv4\nports:\n- {name: https, port: 8443, protocol: TCP}\n"
          "endpoints:\n- addresses: [\"192.0.2.1\"]\n  conditions: {ready: true}");
  }

  void apply_gateway(const std::string& extra_listener = "") {
    apply("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: edge\n  namespace: " + test_namespace() +
          "\nspec:\n  gatewayClassName: " + test_namespace() +
          "\n  listeners:\n"
          "  - {name: tls, port: 443, protocol: TLS, tls: {mode: Passthrough}, allowedRoutes: {namespaces: {from: All}}}\n"
          "  - name: terminate\n    port: 443\n    protocol: TLS\n    hostname: t.example.com\n"
          "    tls: {mode: Terminate, certificateRefs: [{name: cert}]}\n"
          "  - {name: elsewhere, port: 8443, protocol: TLS, tls: {mode: Passthrough}}\n" + extra_listener);
  }
};

TEST_F(GatewayApiStatusTest, ClassGatewayListenersAndRouteParentsAreWritten) {
  install_crds();
  const std::string backends = "backends-" + test_namespace().substr(test_namespace().size() - 8);  // at most 63 bytes
  kubectl("create namespace " + backends);
  delete_after_test("namespace/" + backends);
  watch_all_namespaces_ = true;  // the backend and its ReferenceGrant live in another namespace
  start_gateway_controller();

  apply_gateway_class();
  apply_gateway();
  apply_backend(backends);
  apply("apiVersion: gateway.networking.k8s.io/v1\nkind: TLSRoute\nmetadata:\n  name: app\n  namespace: " + test_namespace() +
        "\nspec:\n  parentRefs: [{name: edge, sectionName: tls}]\n  hostnames: [app.example.com]\n"
        "  rules:\n  - backendRefs: [{name: web, namespace: " + backends + ", port: 443}]");

  json gateway_class;
  EXPECT_TRUE(eventually([&] {
    gateway_class = object("gatewayclass/" + test_namespace());
    return condition(at(gateway_class, "/status/conditions"_json_pointer), "Accepted") == "True/Accepted";
  })) << gateway_class.dump(2);
  EXPECT_EQ(at(gateway_class, "/status/supportedFeatures"_json_pointer),
            json::parse(R"([{"name":"Gateway"},{"name":"ReferenceGrant"},{"name":"TLSRoute"}])"));

  // Without a ReferenceGrant the route is accepted, its name held without backends.
  json route;
  EXPECT_TRUE(eventually([&] {
    route = object("tlsroute/app", test_namespace());
    const json parents = at(route, "/status/parents"_json_pointer);
    return parents.size() == 1 && condition(parents[0]["conditions"], "Accepted") == "True/Accepted" &&
           condition(parents[0]["conditions"], "ResolvedRefs") == "False/RefNotPermitted";
  })) << route.dump(2);
  EXPECT_EQ(at(route, "/status/parents/0/controllerName"_json_pointer), gateway_controller());
  EXPECT_EQ(at(route, "/status/parents/0/parentRef/sectionName"_json_pointer), "tls");
  EXPECT_TRUE(wait_until([&] { return dataplane_routes().count("app.example.com") == 1; }, 10s));
  EXPECT_EQ(dataplane_routes()["app.example.com"], "");

  json gateway;
  EXPECT_TRUE(eventually([&] {
    gateway = object("gateway/edge", test_namespace());
    return condition(at(gateway, "/status/conditions"_json_pointer), "Programmed") == "True/Programmed";
  })) << gateway.dump(2);
  const json conditions = at(gateway, "/status/conditions"_json_pointer);
  EXPECT_EQ(condition(conditions, "Accepted"), "True/ListenersNotValid");
  EXPECT_EQ(observed_generation(conditions, "Accepted"), at(gateway, "/metadata/generation"_json_pointer).get<std::int64_t>());
  EXPECT_EQ(at(gateway, "/status/addresses"_json_pointer), json::parse(R"([{"type":"IPAddress","value":"192.0.2.100"}])"));
  const json listeners = at(gateway, "/status/listeners"_json_pointer);
  ASSERT_EQ(listeners.size(), 3u) << gateway.dump(2);
  struct Expected {
    std::string name;
    int attached_routes;
    std::string accepted, programmed;
  };
  const std::vector<Expected> table = {{"tls", 1, "True/Accepted", "True/Programmed"},
                                       {"terminate", 0, "False/UnsupportedValue", "False/Invalid"},
                                       {"elsewhere", 0, "False/PortUnavailable", "False/Invalid"}};
  for (std::size_t i = 0; i < table.size(); ++i) {
    SCOPED_TRACE(table[i].name);
    EXPECT_EQ(listeners[i]["name"], table[i].name);
    EXPECT_EQ(listeners[i]["attachedRoutes"], table[i].attached_routes);
    EXPECT_EQ(condition(listeners[i]["conditions"], "Accepted"), table[i].accepted);
    EXPECT_EQ(condition(listeners[i]["conditions"], "Programmed"), table[i].programmed);
    EXPECT_EQ(condition(listeners[i]["conditions"], "Conflicted"), "False/NoConflicts");
    EXPECT_EQ(condition(listeners[i]["conditions"], "ResolvedRefs"), "True/ResolvedRefs");
  }
  EXPECT_EQ(listeners[0]["supportedKinds"], json::parse(R"([{"group":"gateway.networking.k8s.io","kind":"TLSRoute"}])"));
  EXPECT_EQ(listeners[1]["supportedKinds"], json::array());  // Terminate takes no route kind

  // The grant resolves the ref: the route gets its backend.
  apply("apiVersion: gateway.networking.k8s.io/v1\nkind: ReferenceGrant\nmetadata:\n  name: routes\n  namespace: " + backends +
        "\nspec:\n  from: [{group: gateway.networking.k8s.io, kind: TLSRoute, namespace: " + test_namespace() +
        "}]\n  to: [{group: \"\", kind: Service}]");
  EXPECT_TRUE(wait_until([&] { return dataplane_routes()["app.example.com"] == "192.0.2.1:8443"; }, 10s));
  EXPECT_TRUE(eventually([&] {
    route = object("tlsroute/app", test_namespace());
    return condition(at(route, "/status/parents/0/conditions"_json_pointer), "ResolvedRefs") == "True/ResolvedRefs";
  })) << route.dump(2);
  const std::string accepted_since = at(route, "/status/parents/0/conditions/0/lastTransitionTime"_json_pointer).get<std::string>();

  // A spec change: observedGeneration follows metadata.generation; Accepted's transition time stays.
  kubectl("patch tlsroute app -n " + test_namespace() +
          " --type=merge -p '{\"spec\":{\"hostnames\":[\"app.example.com\",\"www.example.com\"]}}'");
  EXPECT_TRUE(eventually([&] {
    route = object("tlsroute/app", test_namespace());
    return observed_generation(at(route, "/status/parents/0/conditions"_json_pointer), "Accepted") == 2;
  })) << route.dump(2);
  EXPECT_EQ(at(route, "/metadata/generation"_json_pointer), 2);
  EXPECT_EQ(at(route, "/status/parents/0/conditions/0/lastTransitionTime"_json_pointer), accepted_since);
  EXPECT_TRUE(wait_until([&] { return dataplane_routes()["www.example.com"] == "192.0.2.1:8443"; }, 10s));

  apply_gateway("  - {name: more, port: 443, protocol: TLS, hostname: more.example.com, tls: {mode: Passthrough}}\n");
  EXPECT_TRUE(eventually([&] {
    gateway = object("gateway/edge", test_namespace());
    return observed_generation(at(gateway, "/status/conditions"_json_pointer), "Programmed") == 2 &&
           at(gateway, "/status/listeners"_json_pointer).size() == 4;
  })) << gateway.dump(2);
}

TEST_F(GatewayApiStatusTest, ParentEntriesOfOtherControllersAreKept) {
  install_crds();
  start_gateway_controller();
  apply_gateway_class();
  apply_gateway();
  apply_backend(test_namespace());
  apply("apiVersion: gateway.networking.k8s.io/v1\nkind: TLSRoute\nmetadata:\n  name: app\n  namespace: " + test_namespace() +
        "\nspec:\n  parentRefs: [{name: edge}, {name: theirs}]\n  hostnames: [app.example.com]\n"
        "  rules:\n  - backendRefs: [{name: web, port: 443}]");
  // Another controller's entry, written before ours.
  kubectl("patch tlsroute app -n " + test_namespace() + " --subresource=status --type=merge -p " +
          shell_quote(R"({"status":{"parents":[{"parentRef":{"name":"theirs"},"controllerName":"example.com/other",)"
                      R"("conditions":[{"type":"Accepted","status":"True","reason":"Accepted","message":"",)"
                      R"("lastTransitionTime":"2020-01-01T00:00:00Z"}]}]}})"));
  json route;
  EXPECT_TRUE(eventually([&] {
    route = object("tlsroute/app", test_namespace());
    return at(route, "/status/parents"_json_pointer).size() == 2;
  })) << route.dump(2);
  EXPECT_EQ(at(route, "/status/parents/0/controllerName"_json_pointer), "example.com/other");
  EXPECT_EQ(at(route, "/status/parents/1/controllerName"_json_pointer), gateway_controller());
  EXPECT_EQ(condition(at(route, "/status/parents/1/conditions"_json_pointer), "ResolvedRefs"), "True/ResolvedRefs");
}

// The Gateway API asks that a controller remove its entries for parentRefs no longer referenced;
// other controllers' entries stay.
TEST_F(GatewayApiStatusTest, OurParentEntriesGoWhenTheRouteNoLongerNamesOurGateway) {
  install_crds();
  start_gateway_controller();
  apply_gateway_class();
  apply_gateway();
  apply_backend(test_namespace());
  const auto route_with_parents = [&](const std::string& parents) {
    apply("apiVersion: gateway.networking.k8s.io/v1\nkind: TLSRoute\nmetadata:\n  name: app\n  namespace: " + test_namespace() +
          "\nspec:\n  parentRefs: " + parents + "\n  hostnames: [app.example.com]\n  rules:\n  - backendRefs: [{name: web, port: 443}]");
  };
  route_with_parents("[{name: edge}, {name: theirs}]");
  const std::string theirs = R"({"parentRef":{"name":"theirs"},"controllerName":"example.com/other",)"
                             R"("conditions":[{"type":"Accepted","status":"True","reason":"Accepted","message":"",)"
                             R"("lastTransitionTime":"2020-01-01T00:00:00Z"}]})";
  json route;
  const auto controllers = [&] {
    route = object("tlsroute/app", test_namespace());
    std::vector<std::string> names;
    for (const auto& parent : at(route, "/status/parents"_json_pointer)) names.push_back(parent.value("controllerName", ""));
    return names;
  };
  const std::vector<std::string> both = {"example.com/other", gateway_controller()};
  const std::vector<std::string> only_theirs = {"example.com/other"};
  // Another controller replaces the list (a merge patch replaces it whole): ours comes back.
  EXPECT_TRUE(eventually([&] { return controllers() == std::vector<std::string>{gateway_controller()}; })) << route.dump(2);
  kubectl("patch tlsroute app -n " + test_namespace() + " --subresource=status --type=merge -p " +
          shell_quote(R"({"status":{"parents":[)" + theirs + "]}}"));
  EXPECT_TRUE(eventually([&] { return controllers() == both; })) << route.dump(2);

  // The parentRef to our Gateway is removed.
  route_with_parents("[{name: theirs}]");
  EXPECT_TRUE(eventually([&] { return controllers() == only_theirs; })) << route.dump(2);
  EXPECT_EQ(at(route, "/status/parents/0/conditions"_json_pointer), json::parse(theirs)["conditions"]) << "theirs untouched";

  // It names our Gateway again, and the Gateway is deleted.
  route_with_parents("[{name: edge}, {name: theirs}]");
  EXPECT_TRUE(eventually([&] { return controllers() == both; })) << route.dump(2);
  kubectl("delete gateway edge -n " + test_namespace());
  EXPECT_TRUE(eventually([&] { return controllers() == only_theirs; })) << route.dump(2);
}

TEST_F(GatewayApiStatusTest, CrdsInstalledAfterTheControllerStartedArePickedUp) {
  for (const auto& crd : kCrds) kubectl("delete --ignore-not-found --wait crd/" + crd + ".gateway.networking.k8s.io");
  Controller& controller = start_gateway_controller({"--absent-kind-retry", "1s"});
  ASSERT_TRUE(wait_until([&] { return http_status(controller, "/readyz") == 200; }, 15s)) << "ready without the CRDs";

  install_crds();
  apply_gateway_class();
  apply_gateway();
  json gateway;
  EXPECT_TRUE(eventually([&] {
    gateway = object("gateway/edge", test_namespace());
    return condition(at(gateway, "/status/conditions"_json_pointer), "Programmed") == "True/Programmed";
  }, 30s)) << gateway.dump(2);
}

// --gateway-dataplane-ports: each Gateway gets a Service of its own (server-side applied by the
// controller with the chart's RBAC for Services in its namespace), its routes scoped to the
// dataplane port that Service maps, its addresses from that Service; a Gateway beyond the range is
// NoResources until a port is free again; a Gateway's deletion deletes its Service.
TEST_F(GatewayApiStatusTest, EachGatewayGetsItsOwnServiceAndAddress) {
  install_crds();
  const std::string ns = test_namespace();
  // What the chart's Role grants the controller in the release's namespace.
  kubectl("create role gateway-services -n " + ns + " --verb=create,patch,update,delete --resource=services");
  kubectl("create rolebinding gateway-services -n " + ns + " --role=gateway-services --serviceaccount=" + ns + ":snigate-controller");
  const int scoped_port = free_loopback_port();
  dataplane_->restart_with({"--scoped-listen", "127.0.0.1:" + std::to_string(scoped_port)});
  const std::string range = std::to_string(scoped_port) + "-" + std::to_string(scoped_port);
  start_gateway_controller({"--gateway-dataplane-ports", range, "--gateway-service-namespace", ns, "--gateway-service-selector",
                            "app.kubernetes.io/name=snigate-test"});
  apply_gateway_class();
  apply_backend(ns);
  const auto apply_gateway_named = [&](const std::string& name) {
    apply("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
          "\nspec:\n  gatewayClassName: " + ns + "\n  listeners:\n  - {name: tls, port: 443, protocol: TLS, tls: {mode: Passthrough}}\n");
  };
  apply_gateway_named("edge");
  apply("apiVersion: gateway.networking.k8s.io/v1\nkind: TLSRoute\nmetadata:\n  name: app\n  namespace: " + ns +
        "\nspec:\n  parentRefs: [{name: edge}, {name: late}]\n  hostnames: [app.example.com]\n"
        "  rules:\n  - backendRefs: [{name: web, port: 443}]");

  const auto our_services = [&] {
    return json::parse(kubectl("get services -n " + ns + " -l snigate.io/gateway-service=true -o json"), nullptr, false)["items"];
  };
  json services;
  ASSERT_TRUE(eventually([&] { return (services = our_services()).size() == 1; })) << services.dump(2);
  const std::string service_name = services[0]["metadata"]["name"];
  EXPECT_EQ(services[0]["metadata"]["annotations"]["snigate.io/gateway"], ns + "/edge");
  EXPECT_EQ(services[0]["spec"]["type"], "LoadBalancer");
  EXPECT_EQ(services[0]["spec"]["selector"], json::parse(R"({"app.kubernetes.io/name": "snigate-test"})"));
  ASSERT_EQ(services[0]["spec"]["ports"].size(), 1u);
  EXPECT_EQ(services[0]["spec"]["ports"][0]["port"], 443);
  EXPECT_EQ(services[0]["spec"]["ports"][0]["targetPort"], scoped_port);

  // The route is served on the Gateway's own dataplane port only.
  const std::string scoped_name = "app.example.com@" + std::to_string(scoped_port);
  EXPECT_TRUE(wait_for_routes({{scoped_name, "192.0.2.1:8443"}}, 10s));

  // No load-balancer address yet: not Programmed, and no address shown.
  json gateway;
  EXPECT_TRUE(eventually([&] {
    gateway = object("gateway/edge", ns);
    return condition(at(gateway, "/status/conditions"_json_pointer), "Programmed") == "False/AddressNotAssigned";
  })) << gateway.dump(2);
  EXPECT_FALSE(gateway["status"].contains("addresses")) << gateway.dump(2);

  // A load balancer gives the Service an address: the Gateway shows it and is Programmed.
  kubectl("patch service " + service_name + " -n " + ns + " --subresource=status --type=merge -p " +
          shell_quote(R"({"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.50"}]}}})"));
  EXPECT_TRUE(eventually([&] {
    gateway = object("gateway/edge", ns);
    return condition(at(gateway, "/status/conditions"_json_pointer), "Programmed") == "True/Programmed";
  })) << gateway.dump(2);
  EXPECT_EQ(at(gateway, "/status/addresses"_json_pointer), json::parse(R"([{"type":"IPAddress","value":"192.0.2.50"}])"));

  // A second Gateway finds the range taken.
  apply_gateway_named("late");
  json late;
  EXPECT_TRUE(eventually([&] {
    late = object("gateway/late", ns);
    return condition(at(late, "/status/conditions"_json_pointer), "Programmed") == "False/NoResources";
  })) << late.dump(2);
  EXPECT_EQ(our_services().size(), 1u);

  // The first goes: its Service and its routes go, and the port passes to the second, whose
  // Service is made only once the first's is gone.
  kubectl("delete gateway edge -n " + ns);
  EXPECT_TRUE(eventually([&] {
    services = our_services();
    return services.size() == 1 && services[0]["metadata"]["annotations"]["snigate.io/gateway"] == ns + "/late";
  })) << services.dump(2);
  EXPECT_EQ(services[0]["spec"]["ports"][0]["targetPort"], scoped_port);
  EXPECT_TRUE(wait_for_routes({{scoped_name, "192.0.2.1:8443"}}, 10s));  // now through Gateway late
  EXPECT_TRUE(eventually([&] {
    late = object("gateway/late", ns);
    return condition(at(late, "/status/conditions"_json_pointer), "Programmed") == "False/AddressNotAssigned";
  })) << late.dump(2);
}

}  // namespace
}  // namespace snigate::test
