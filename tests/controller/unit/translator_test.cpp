// The translator's memory must never show: after any sequence of changes it gives exactly what a
// fresh translation of the same objects gives.
#include <gtest/gtest.h>

#include "gateway_fixtures.h"
#include "translation_fixtures.h"

namespace snigate::controller::translate {
namespace {

using namespace fixtures;

json routed_service(const std::string& name, const std::string& hostnames) {
  return service(name, {{"snigate.io/hostnames", hostnames}});
}

json slice_of(const std::string& service_name, const std::string& address, bool ready = true, const std::string& suffix = "a") {
  return endpoint_slice(service_name, https_slice_port(), json::array({endpoint(address, ready)}), suffix);
}

json shared_listener(const std::string& name, const std::string& hostname) {
  return with(listener(name, hostname), "/allowedRoutes", {{"namespaces", {{"from", "All"}}}});
}

TEST(Translator, RemembersNothingThatAFreshTranslationWouldNotSay) {
  model::ClusterState state;
  const TranslationSettings settings{.ingress_classes = kSelection};
  Translator translator(settings);
  const std::vector<std::pair<std::string, std::function<void()>>> steps = {
      {"two Services", [&] {
         state.upsert(model::decode_service(routed_service("web", "a.example.com")));
         state.upsert(model::decode_service(routed_service("api", "api.example.com")));
         state.upsert(model::decode_endpoint_slice(slice_of("web", "10.0.0.1")));
         state.upsert(model::decode_endpoint_slice(slice_of("api", "10.0.0.2")));
       }},
      {"an endpoint changes", [&] { state.upsert(model::decode_endpoint_slice(slice_of("web", "10.0.0.3"))); }},
      {"an endpoint goes unready", [&] { state.upsert(model::decode_endpoint_slice(slice_of("web", "10.0.0.3", false))); }},
      {"a second slice", [&] { state.upsert(model::decode_endpoint_slice(slice_of("web", "10.0.0.4", true, "b"))); }},
      {"a slice goes", [&] { state.remove("EndpointSlice", "shop", "web-b"); }},
      {"a slice moves to another Service", [&] {
         state.upsert(model::decode_endpoint_slice(with(slice_of("web", "10.0.0.3"), "/metadata/labels/kubernetes.io~1service-name", "api")));
       }},
      {"an annotation changes", [&] { state.upsert(model::decode_service(routed_service("web", "b.example.com"))); }},
      {"a conflicting younger Service", [&] {
         state.upsert(model::decode_service(
             service("late", {{"snigate.io/hostnames", "api.example.com"}}, json::array({{{"name", "https"}, {"port", 443}}}), "2026-01-01T00:00:00Z")));
       }},
      {"the older one goes", [&] { state.remove("Service", "shop", "api"); }},
      {"it comes back", [&] { state.upsert(model::decode_service(routed_service("api", "api.example.com"))); }},
      {"an Ingress of our class to a Service", [&] {
         state.upsert(model::decode_ingress_class(ingress_class("snigate", kSelection.controller_name)));
         state.upsert(model::decode_ingress(ingress("front", {.class_name = "snigate", .rules = json::array({rule("in.example.com", {service_backend("web")})})})));
       }},
      {"the Ingress's Service gets another endpoint", [&] { state.upsert(model::decode_endpoint_slice(slice_of("web", "10.0.0.5", true, "c"))); }},
      {"the Ingress's Service changes its ports", [&] {
         state.upsert(model::decode_service(service("web", {{"snigate.io/hostnames", "b.example.com"}}, json::array({{{"name", "tls"}, {"port", 443}}}))));
       }},
      {"an Ingress names a Service not there yet", [&] {
         state.upsert(model::decode_ingress(ingress("later", {.class_name = "snigate", .rules = json::array({rule("later.example.com", {service_backend("later")})})})));
       }},
      {"that Service and its slice come", [&] {
         state.upsert(model::decode_service(service("later", json::object())));
         state.upsert(model::decode_endpoint_slice(slice_of("later", "10.0.0.6")));
       }},
      {"an Ingress takes a name a Service holds", [&] {
         state.upsert(model::decode_ingress(ingress("front", {.class_name = "snigate", .rules = json::array({rule("b.example.com", {service_backend("api")})})})));
       }},
      {"our IngressClass goes", [&] { state.remove("IngressClass", "", "snigate"); }},
      {"it comes back", [&] { state.upsert(model::decode_ingress_class(ingress_class("snigate", kSelection.controller_name))); }},
      {"an Ingress goes", [&] { state.remove("Ingress", "shop", "later"); }},
      {"many Services come and go (gone ones are forgotten)", [&] {
         for (int i = 0; i < 1500; ++i) {
           state.upsert(model::decode_service(routed_service("churn-" + std::to_string(i), "churn.example.com")));
           state.remove("Service", "shop", "churn-" + std::to_string(i));
         }
         state.upsert(model::decode_service(routed_service("api", "api2.example.com")));
       }},
      {"a TLSRoute on our Gateway to a Service", [&] {
         state.upsert(model::decode_gateway_class(gateway_class("snigate")));
         state.upsert(model::decode_gateway(gateway("edge", "edge", json::array({with(listener("tls", "*.example.com"), "/allowedRoutes",
                                                                                     {{"namespaces", {{"from", "Selector"}, {"selector", {{"matchLabels", {{"tenant", "shop"}}}}}}}})}))));
         state.upsert(model::decode_namespace(namespace_object("shop", {{"tenant", "shop"}})));
         state.upsert(model::decode_tls_route(tls_route("tls", {.hostnames = json::array({"tls.example.com"}), .backends = json::array({backend_ref("web")})})));
       }},
      {"the TLSRoute's Service gets another endpoint", [&] { state.upsert(model::decode_endpoint_slice(slice_of("web", "10.0.0.7", true, "d"))); }},
      {"the TLSRoute's Service goes", [&] { state.remove("Service", "shop", "web"); }},
      {"it comes back", [&] { state.upsert(model::decode_service(service("web", {{"snigate.io/hostnames", "b.example.com"}}))); }},
      {"the Namespace loses the label the listener selects", [&] { state.upsert(model::decode_namespace(namespace_object("shop"))); }},
      {"it gets it back", [&] { state.upsert(model::decode_namespace(namespace_object("shop", {{"tenant", "shop"}}))); }},
      {"the listener's hostname changes", [&] {
         state.upsert(model::decode_gateway(gateway("edge", "edge", json::array({shared_listener("tls", "*.example.org")}))));
       }},
      {"the GatewayClass goes", [&] { state.remove("GatewayClass", "", "snigate"); }},
      {"a relist", [&] {
         state.replace(std::vector<model::Service>{model::decode_service(routed_service("web", "c.example.com"))});
         state.replace(std::vector<model::EndpointSlice>{model::decode_endpoint_slice(slice_of("web", "10.0.0.9"))});
         state.replace(std::vector<model::Ingress>{});
       }},
  };
  for (const auto& [name, apply] : steps) {
    apply();
    const Translation remembered = translator.translate(state);
    const Translation fresh = translate(state, settings);
    EXPECT_EQ(remembered.snapshot, fresh.snapshot) << name;
    EXPECT_EQ(remembered.problems, fresh.problems) << name;
    EXPECT_EQ(remembered.gateway_api, fresh.gateway_api) << name;
  }
  EXPECT_EQ(rendered_routes(translator.translate(state).snapshot), std::vector<std::string>{"c.example.com -> 10.0.0.9:8443"});
}

std::vector<std::string> services_changed(const model::ClusterState& state, std::uint64_t since) {
  const auto changes = state.changed_since(since);
  return {changes.services.begin(), changes.services.end()};
}

TEST(ClusterStateChanges, NameEachChangedInputOnceAndNothingUnchanged) {
  model::ClusterState state;
  state.upsert(model::decode_service(routed_service("web", "a.example.com")));
  state.upsert(model::decode_service(routed_service("api", "api.example.com")));
  auto seen = state.revision();
  state.upsert(model::decode_endpoint_slice(slice_of("web", "10.0.0.1")));
  state.upsert(model::decode_endpoint_slice(slice_of("web", "10.0.0.2")));
  EXPECT_EQ(services_changed(state, seen), std::vector<std::string>{"shop/web"}) << "a slice names its Service, once";
  seen = state.revision();
  state.upsert(model::decode_endpoint_slice(slice_of("web", "10.0.0.2")));
  state.upsert(model::decode_service(routed_service("api", "api.example.com")));
  EXPECT_EQ(state.revision(), seen) << "equal objects change nothing";

  const auto front = [] { return model::decode_ingress(ingress("front", {.rules = json::array({rule("a.example.com", {service_backend("web")})})})); };
  state.upsert(front());
  state.upsert(model::decode_ingress(ingress("back", {})));
  seen = state.revision();
  state.remove("Ingress", "shop", "front");
  state.upsert(model::decode_ingress_class(ingress_class("snigate", kSelection.controller_name)));
  const auto changes = state.changed_since(seen);
  EXPECT_EQ(std::vector<std::string>(changes.ingresses.begin(), changes.ingresses.end()), std::vector<std::string>{"shop/front"});
  EXPECT_TRUE(changes.ingress_classes);
  EXPECT_TRUE(changes.services.empty());
  EXPECT_FALSE(changes.everything);
}

TEST(ClusterStateChanges, GoneObjectsAreForgottenOnceTheyOutnumberTheLiveOnesAndOldRevisionsSeeEverything) {
  model::ClusterState state;
  state.upsert(model::decode_service(routed_service("web", "a.example.com")));
  const auto start = state.revision();
  for (int i = 0; i < 3000; ++i) {
    state.upsert(model::decode_service(routed_service("churn-" + std::to_string(i), "c.example.com")));
    state.remove("Service", "shop", "churn-" + std::to_string(i));
  }
  EXPECT_TRUE(state.changed_since(start).everything) << "what changed before the forgetting cannot be told";
  const auto after = state.revision();
  state.upsert(model::decode_service(routed_service("web", "b.example.com")));
  EXPECT_EQ(services_changed(state, after), std::vector<std::string>{"shop/web"});
  Translator translator({.ingress_classes = kSelection});
  EXPECT_EQ(rendered_routes(translator.translate(state).snapshot), rendered_routes(translate(state, {.ingress_classes = kSelection}).snapshot));
}

}  // namespace
}  // namespace snigate::controller::translate
