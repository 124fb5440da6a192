// From the API server's JSON to the model: defaults the API documents, and errors that name the
// field, never an exception from deep inside translation.
#include "model/decode.h"

#include <gtest/gtest.h>

#include "model/cluster_state.h"

namespace snigate::controller::model {
namespace {

using nlohmann::json;

TEST(Decode, EndpointConditionsTakeTheApisDefaults) {
  const EndpointSlice slice = decode_endpoint_slice(json::parse(R"({
      "metadata": {"name": "web-1", "namespace": "shop", "labels": {"kubernetes.io/service-name": "web"}},
      "addressType": "IPv4",
      "ports": [{"name": "https", "port": 8443}],
      "endpoints": [{"addresses": ["10.0.0.1"]},
                    {"addresses": ["10.0.0.2"], "conditions": {"ready": false}},
                    {"addresses": ["10.0.0.3"], "conditions": {"ready": false, "serving": true, "terminating": true}}]})"));
  EXPECT_EQ(slice.service_name, "web");
  ASSERT_EQ(slice.endpoints.size(), 3u);
  EXPECT_EQ(slice.endpoints[0].conditions, (EndpointConditions{.ready = true, .serving = true, .terminating = false}));
  EXPECT_EQ(slice.endpoints[1].conditions, (EndpointConditions{.ready = false, .serving = false, .terminating = false}));
  EXPECT_EQ(slice.endpoints[2].conditions, (EndpointConditions{.ready = false, .serving = true, .terminating = true}));
  EXPECT_EQ(slice.ports[0].protocol, "TCP");
}

TEST(Decode, AFieldOfTheWrongTypeIsAnErrorNamingIt) {
  const json service = json::parse(R"({"metadata": {"name": "web"}, "spec": {"ports": [{"port": 443}, {"port": "https"}]}})");
  try {
    decode_service(service);
    FAIL() << "decoded";
  } catch (const DecodeError& error) {
    EXPECT_STREQ(error.what(), "spec.ports[1].port: expected an integer");
  }
  EXPECT_THROW(decode_ingress(json::parse(R"({"metadata": {"annotations": {"a": 1}}})")), DecodeError);
  EXPECT_THROW(decode_ingress(json::parse(R"({"spec": {"rules": {"host": "a"}}})")), DecodeError);
  EXPECT_THROW(decode_ingress_class(json::array()), DecodeError);
}

TEST(Decode, MetadataOfAnUndecodableObjectIsReadLeniently) {
  const ObjectMeta meta = decode_metadata_leniently(json::parse(R"({"metadata": {"name": "web", "namespace": "shop", "uid": 7}})"));
  EXPECT_EQ(meta.qualified_name(), "shop/web");
  EXPECT_EQ(meta.uid, "");
  EXPECT_EQ(decode_metadata_leniently(json("text")).name, "");
}

TEST(Decode, IngressBackendsKeepTheirOrderAndResourceBackendsAreMarked) {
  const Ingress ingress = decode_ingress(json::parse(R"({
      "metadata": {"name": "shop", "namespace": "shop"},
      "spec": {"ingressClassName": "snigate",
               "defaultBackend": {"service": {"name": "web", "port": {"name": "https"}}},
               "rules": [{"host": "a.example.com", "http": {"paths": [
                   {"path": "/", "backend": {"resource": {"kind": "Bucket", "name": "b"}}},
                   {"path": "/api", "backend": {"service": {"name": "api", "port": {"number": 8443}}}}]}}]}})"));
  EXPECT_EQ(ingress.class_name, "snigate");
  EXPECT_EQ(ingress.default_backend, (IngressBackend{"web", {"https", std::nullopt}}));
  ASSERT_EQ(ingress.rules.size(), 1u);
  EXPECT_EQ(ingress.rules[0].path_backends,
            (std::vector<IngressBackend>{{std::nullopt, {}}, {"api", {std::nullopt, 8443}}}));
}

TEST(ClusterState, AnEqualObjectIsNoChangeAndASliceFollowsItsServiceLabel) {
  ClusterState state;
  const json slice = json::parse(R"({"metadata": {"name": "s", "namespace": "shop",
      "labels": {"kubernetes.io/service-name": "web"}}, "addressType": "IPv4"})");
  EXPECT_TRUE(state.upsert(decode_endpoint_slice(slice)));
  EXPECT_FALSE(state.upsert(decode_endpoint_slice(slice)));
  json moved = slice;
  moved["metadata"]["labels"]["kubernetes.io/service-name"] = "api";
  EXPECT_TRUE(state.upsert(decode_endpoint_slice(moved)));
  EXPECT_EQ(state.endpoint_slices_of("shop", "web"), nullptr);
  ASSERT_NE(state.endpoint_slices_of("shop", "api"), nullptr);
  EXPECT_TRUE(state.remove("EndpointSlice", "shop", "s"));
  EXPECT_EQ(state.endpoint_slices_of("shop", "api"), nullptr);
  EXPECT_EQ(state.endpoint_slice_count(), 0u);
}

TEST(Decode, GatewayListenersTakeTheApisDefaults) {
  const Gateway gateway = decode_gateway(json::parse(R"({
      "metadata": {"name": "edge", "namespace": "edge", "generation": 4},
      "spec": {"gatewayClassName": "snigate", "listeners": [
          {"name": "tls", "port": 443, "protocol": "TLS", "hostname": "*.example.com", "tls": {"mode": "Passthrough"},
           "allowedRoutes": {"namespaces": {"from": "Selector", "selector": {"matchLabels": {"tenant": "shop"},
                                                                             "matchExpressions": [{"key": "a", "operator": "Exists"}]}},
                             "kinds": [{"kind": "TLSRoute"}]}},
          {"name": "bare", "port": 8443, "protocol": "TLS"}]}})"));
  EXPECT_EQ(gateway.meta.generation, 4);
  EXPECT_EQ(gateway.class_name, "snigate");
  ASSERT_EQ(gateway.listeners.size(), 2u);
  const GatewayListener& tls = gateway.listeners[0];
  EXPECT_EQ(tls.hostname, "*.example.com");
  EXPECT_EQ(tls.tls_mode, "Passthrough");
  EXPECT_EQ(tls.namespaces_from, "Selector");
  ASSERT_TRUE(tls.namespace_selector);
  EXPECT_EQ(tls.namespace_selector->match_labels.at("tenant"), "shop");
  EXPECT_EQ(tls.namespace_selector->match_expressions, (std::vector<LabelSelectorRequirement>{{"a", "Exists", {}}}));
  EXPECT_EQ(tls.allowed_kinds, (std::vector<RouteGroupKind>{{"gateway.networking.k8s.io", "TLSRoute"}}));
  const GatewayListener& bare = gateway.listeners[1];
  EXPECT_EQ(bare.hostname, std::nullopt);
  EXPECT_EQ(bare.tls_mode, "Terminate");
  EXPECT_EQ(bare.namespaces_from, "Same");
  EXPECT_FALSE(bare.namespace_selector);
  EXPECT_TRUE(bare.allowed_kinds.empty());
}

TEST(Decode, TLSRouteRefsTakeTheApisDefaults) {
  const TLSRoute route = decode_tls_route(json::parse(R"({
      "metadata": {"name": "r", "namespace": "shop", "generation": 2},
      "spec": {"parentRefs": [{"name": "edge", "namespace": "edge", "sectionName": "tls", "port": 443}, {"name": "own"}],
               "hostnames": ["a.example.com"],
               "rules": [{"backendRefs": [{"name": "web", "port": 443}, {"group": "", "kind": "Service", "name": "api",
                                          "namespace": "bank", "port": 8443, "weight": 0}]}]}})"));
  EXPECT_EQ(route.meta.generation, 2);
  EXPECT_EQ(route.hostnames, std::vector<std::string>{"a.example.com"});
  ASSERT_EQ(route.parent_refs.size(), 2u);
  EXPECT_EQ(route.parent_refs[0], (ParentReference{"gateway.networking.k8s.io", "Gateway", "edge", "edge", "tls", 443}));
  EXPECT_EQ(route.parent_refs[1], (ParentReference{"gateway.networking.k8s.io", "Gateway", std::nullopt, "own", std::nullopt, std::nullopt}));
  ASSERT_EQ(route.backend_refs.size(), 2u);
  EXPECT_EQ(route.backend_refs[0], (BackendReference{"", "Service", "web", std::nullopt, 443, 1}));
  EXPECT_EQ(route.backend_refs[1], (BackendReference{"", "Service", "api", "bank", 8443, 0}));
}

TEST(Decode, GatewayApiErrorsNameTheField) {
  try {
    decode_tls_route(json::parse(R"({"spec": {"rules": [{"backendRefs": [{"name": "web", "weight": 2000000}]}]}})"));
    FAIL() << "decoded";
  } catch (const DecodeError& error) {
    EXPECT_STREQ(error.what(), "spec.rules[0].backendRefs[0].weight: out of range 0-1000000");
  }
  EXPECT_THROW(decode_gateway(json::parse(R"({"spec": {"listeners": [{"name": "tls", "port": "443"}]}})")), DecodeError);
  EXPECT_THROW(decode_gateway_class(json::parse(R"({"spec": {"controllerName": 7}})")), DecodeError);
  EXPECT_THROW(decode_reference_grant(json::parse(R"({"spec": {"from": {"kind": "TLSRoute"}}})")), DecodeError);
}

TEST(Decode, ReferenceGrantsAndNamespaces) {
  const ReferenceGrant grant = decode_reference_grant(json::parse(R"({
      "metadata": {"name": "g", "namespace": "bank"},
      "spec": {"from": [{"group": "gateway.networking.k8s.io", "kind": "TLSRoute", "namespace": "shop"}],
               "to": [{"group": "", "kind": "Service"}, {"group": "", "kind": "Service", "name": "vault"}]}})"));
  EXPECT_EQ(grant.from, (std::vector<ReferenceGrantFrom>{{"gateway.networking.k8s.io", "TLSRoute", "shop"}}));
  EXPECT_EQ(grant.to, (std::vector<ReferenceGrantTo>{{"", "Service", std::nullopt}, {"", "Service", "vault"}}));
  const Namespace shop = decode_namespace(json::parse(R"({"metadata": {"name": "shop", "labels": {"tenant": "shop"}}})"));
  EXPECT_EQ(shop.meta.labels.at("tenant"), "shop");
  EXPECT_EQ(decode_gateway_class(json::parse(R"({"metadata": {"name": "c"}, "spec": {"controllerName": "x/y"}})")).controller_name, "x/y");
}

TEST(ClusterState, GatewayApiObjectsAreOneInput) {
  ClusterState state;
  const std::uint64_t before = state.revision();
  EXPECT_TRUE(state.upsert(decode_namespace(json::parse(R"({"metadata": {"name": "shop"}})"))));
  EXPECT_FALSE(state.upsert(decode_namespace(json::parse(R"({"metadata": {"name": "shop"}})"))));
  EXPECT_TRUE(state.changed_since(before).gateway_api);
  const std::uint64_t after = state.revision();
  EXPECT_FALSE(state.changed_since(after).gateway_api);
  EXPECT_TRUE(state.upsert(decode_tls_route(json::parse(R"({"metadata": {"name": "r", "namespace": "shop"}})"))));
  EXPECT_EQ(state.tls_routes.count("shop/r"), 1u);
  EXPECT_TRUE(state.remove("TLSRoute", "shop", "r"));
  EXPECT_TRUE(state.tls_routes.empty());
  EXPECT_TRUE(state.remove("Namespace", "", "shop"));
  EXPECT_TRUE(state.changed_since(after).gateway_api);
}

TEST(ClusterState, AStatusOnlyChangeOfATLSRouteIsNoChangeButIsKept) {
  ClusterState state;
  const auto route = [](const std::string& status) {
    return decode_tls_route(json::parse(R"({"metadata": {"name": "r", "namespace": "shop", "generation": 1},
                                            "spec": {"parentRefs": [{"name": "edge"}]}, "status": )" + status + "}"));
  };
  EXPECT_TRUE(state.upsert(route(R"({"parents": []})")));
  const std::uint64_t before = state.revision();
  EXPECT_FALSE(state.upsert(route(R"({"parents": [{"controllerName": "snigate.io/gateway-controller"}]})")));
  EXPECT_EQ(state.revision(), before) << "our own status write must not make the routes translated again";
  EXPECT_EQ(state.tls_routes.at("shop/r").status_controllers, std::vector<std::string>{"snigate.io/gateway-controller"})
      << "what the route shows is kept for the status writer";
}

}  // namespace
}  // namespace snigate::controller::model
