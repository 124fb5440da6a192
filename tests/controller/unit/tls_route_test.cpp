// TLSRoutes, as a table: which Gateways and listeners they attach to, the names they get through
// them, their backends' weights, and what is refused and why.
#include <gtest/gtest.h>

#include "gateway_fixtures.h"

namespace snigate::controller::translate {
namespace {

using namespace fixtures;

struct Row {
  std::string name;
  Objects state;
  std::vector<std::string> routes;
  std::vector<std::string> problems;
};

void PrintTo(const Row& row, std::ostream* out) { *out << row.name; }

json shared(json listener) { return with(std::move(listener), "/allowedRoutes", {{"namespaces", {{"from", "All"}}}}); }

// GatewayClass snigate (ours), Gateway edge/edge with `listeners`, Service shop/web (10.0.0.1)
// and shop/api (10.0.0.2, 10.0.0.3), and these routes.
Objects with_gateway(json listeners, std::vector<Object> routes, Objects extra = {}) {
  Objects state = std::move(extra);
  state.gateway_classes.push_back(gateway_class("snigate"));
  state.gateways.push_back(gateway("edge", "edge", std::move(listeners)));
  for (auto& object : service_with_endpoints("shop", "web", {"10.0.0.1"})) {
    (object.contains("addressType") ? state.endpoint_slices : state.services).push_back(object);
  }
  for (auto& object : service_with_endpoints("shop", "api", {"10.0.0.2", "10.0.0.3"})) {
    (object.contains("addressType") ? state.endpoint_slices : state.services).push_back(object);
  }
  state.tls_routes = std::move(routes);
  return state;
}

Objects one_listener(std::optional<std::string> listener_hostname, json route_hostnames) {
  return with_gateway(json::array({shared(listener("tls", listener_hostname))}),
                      {tls_route("r", {.hostnames = std::move(route_hostnames)})});
}

std::vector<Row> hostname_rows() {
  return {
      {"ExactRouteUnderWildcardListener", one_listener("*.example.com", {"a.example.com"}), {"a.example.com -> 10.0.0.1:8443 w1"}, {}},
      {"DeepNameUnderWildcardListener", one_listener("*.example.com", {"a.b.example.com"}), {"a.b.example.com -> 10.0.0.1:8443 w1"}, {}},
      {"ExactRouteUnderEqualListener", one_listener("a.example.com", {"a.example.com"}), {"a.example.com -> 10.0.0.1:8443 w1"}, {}},
      {"ExactRouteUnderOtherListener", one_listener("b.example.com", {"a.example.com"}), {}, {"TLSRoute shop/r NoMatchingListenerHostname"}},
      {"WildcardListenerDoesNotMatchItsParent", one_listener("*.example.com", {"example.com"}), {}, {"TLSRoute shop/r NoMatchingListenerHostname"}},
      {"WildcardRouteTakesTheExactListenerName", one_listener("a.example.com", {"*.example.com"}), {"a.example.com -> 10.0.0.1:8443 w1"}, {}},
      {"NarrowerWildcardRouteKeepsItsName", one_listener("*.example.com", {"*.eu.example.com"}), {"*.eu.example.com suffix -> 10.0.0.1:8443 w1"}, {}},
      {"BroaderWildcardRouteTakesTheListenerWildcard", one_listener("*.eu.example.com", {"*.example.com"}), {"*.eu.example.com suffix -> 10.0.0.1:8443 w1"}, {}},
      {"EqualWildcards", one_listener("*.example.com", {"*.example.com"}), {"*.example.com suffix -> 10.0.0.1:8443 w1"}, {}},
      {"RouteWithoutHostnamesTakesTheListenerName", one_listener("*.example.com", json::array()), {"*.example.com suffix -> 10.0.0.1:8443 w1"}, {}},
      {"ListenerWithoutHostnameAdmitsEveryName", one_listener(std::nullopt, {"a.example.com", "b.example.org"}),
       {"a.example.com -> 10.0.0.1:8443 w1", "b.example.org -> 10.0.0.1:8443 w1"}, {}},
      {"NeitherNamesAHostnameTakesNothing", one_listener(std::nullopt, json::array()), {}, {"TLSRoute shop/r UnsupportedValue"}},
      {"SomeNamesMatch", one_listener("*.example.com", {"a.example.com", "a.example.org"}), {"a.example.com -> 10.0.0.1:8443 w1"}, {}},
  };
}

std::vector<Row> attachment_rows() {
  const json same = listener("tls");  // allowedRoutes default: Same
  const auto selector = [](json selector) {
    return with(listener("tls"), "/allowedRoutes", {{"namespaces", {{"from", "Selector"}, {"selector", std::move(selector)}}}});
  };
  const Objects labelled = {.namespaces = {namespace_object("shop", {{"tenant", "shop"}}), namespace_object("edge")}};
  return {
      {"SameNamespaceListenerRefusesAnotherNamespace", with_gateway(json::array({same}), {tls_route("r", {})}), {},
       {"TLSRoute shop/r NotAllowedByListeners"}},
      {"SameNamespaceListenerAdmitsItsOwnNamespace",
       with_gateway(json::array({same}), {tls_route("r", {.namespace_name = "edge", .backends = json::array({{{"name", "web"}, {"namespace", "shop"}, {"port", 443}}})})},
                    {.reference_grants = {reference_grant("shop", "edge")}}),
       {"a.example.com -> 10.0.0.1:8443 w1"}, {}},
      {"SelectorMatchingTheNamespaceLabels", with_gateway(json::array({selector({{"matchLabels", {{"tenant", "shop"}}}})}), {tls_route("r", {})}, labelled),
       {"a.example.com -> 10.0.0.1:8443 w1"}, {}},
      {"SelectorNotMatching", with_gateway(json::array({selector({{"matchLabels", {{"tenant", "bank"}}}})}), {tls_route("r", {})}, labelled), {},
       {"TLSRoute shop/r NotAllowedByListeners"}},
      {"SelectorOfAnUnknownNamespace", with_gateway(json::array({selector({{"matchLabels", {{"tenant", "shop"}}}})}), {tls_route("r", {})}), {},
       {"TLSRoute shop/r NotAllowedByListeners"}},
      {"SelectorWithMatchExpressionsThatHold",
       with_gateway(json::array({selector({{"matchLabels", {{"tenant", "shop"}}},
                                           {"matchExpressions", json::array({{{"key", "tenant"}, {"operator", "Exists"}},
                                                                             {{"key", "tenant"}, {"operator", "In"}, {"values", {"bank", "shop"}}},
                                                                             {{"key", "tier"}, {"operator", "NotIn"}, {"values", {"free"}}},
                                                                             {{"key", "frozen"}, {"operator", "DoesNotExist"}}})}})}),
                    {tls_route("r", {})}, labelled),
       {"a.example.com -> 10.0.0.1:8443 w1"}, {}},
      {"SelectorWithAMatchExpressionThatFails",
       with_gateway(json::array({selector({{"matchExpressions", json::array({{{"key", "tenant"}, {"operator", "NotIn"}, {"values", {"shop"}}}})}})}),
                    {tls_route("r", {})}, labelled),
       {}, {"TLSRoute shop/r NotAllowedByListeners"}},
      {"SelectorWithAnInvalidMatchExpressionAdmitsNone",
       with_gateway(json::array({selector({{"matchExpressions", json::array({{{"key", "tenant"}, {"operator", "Exists"}, {"values", {"shop"}}}})}})}),
                    {tls_route("r", {})}, labelled),
       {}, {"Gateway edge/edge InvalidSelector", "TLSRoute shop/r NotAllowedByListeners"}},
      {"SectionNameSelectsTheListener",
       with_gateway(json::array({shared(listener("a", "a.example.com")), shared(listener("b", "b.example.com"))}),
                    {tls_route("r", {.parents = json::array({with(parent("edge", "edge"), "/sectionName", "b")}),
                                     .hostnames = json::array({"a.example.com", "b.example.com"})})}),
       {"b.example.com -> 10.0.0.1:8443 w1"}, {}},
      {"SectionNameOfNoListener", with_gateway(json::array({shared(listener("tls"))}),
                                               {tls_route("r", {.parents = json::array({with(parent("edge", "edge"), "/sectionName", "ghost")})})}),
       {}, {"TLSRoute shop/r NoMatchingParent"}},
      {"PortOfNoListener", with_gateway(json::array({shared(listener("tls"))}),
                                        {tls_route("r", {.parents = json::array({with(parent("edge", "edge"), "/port", 8443)})})}),
       {}, {"TLSRoute shop/r NoMatchingParent"}},
      {"PortOfTheListener", with_gateway(json::array({shared(listener("tls"))}),
                                         {tls_route("r", {.parents = json::array({with(parent("edge", "edge"), "/port", 443)})})}),
       {"a.example.com -> 10.0.0.1:8443 w1"}, {}},
      {"TerminateListenerIsNotServed", with_gateway(json::array({with(shared(listener("tls")), "/tls/mode", "Terminate")}), {tls_route("r", {})}),
       {}, {"Gateway edge/edge UnsupportedValue", "TLSRoute shop/r UnsupportedValue"}},
      {"ListenerOnAPortNotServed", with_gateway(json::array({with(shared(listener("tls")), "/port", 8443)}), {tls_route("r", {})}), {},
       {"Gateway edge/edge PortUnavailable", "TLSRoute shop/r PortUnavailable"}},
      {"HttpsListenerDoesNotTakeTLSRoutes", with_gateway(json::array({with(shared(listener("tls")), "/protocol", "HTTPS")}), {tls_route("r", {})}),
       {}, {"Gateway edge/edge UnsupportedProtocol", "TLSRoute shop/r NotAllowedByListeners"}},
      {"ListenerAllowingOnlyHTTPRoutes",
       with_gateway(json::array({with(shared(listener("tls")), "/allowedRoutes/kinds", json::array({{{"kind", "HTTPRoute"}}}))}), {tls_route("r", {})}),
       {}, {"Gateway edge/edge InvalidRouteKinds", "TLSRoute shop/r NotAllowedByListeners"}},
      {"GatewayOfAnotherControllerIsIgnored",
       with_gateway(json::array(), {tls_route("r", {.parents = json::array({parent("other", "edge")})})},
                    {.gateway_classes = {gateway_class("istio", "istio.io/gateway-controller")},
                     .gateways = {gateway("edge", "other", json::array({shared(listener("tls"))}), "istio")}}),
       {}, {}},
      {"GatewayOfAnUnknownClassIsIgnored",
       with_gateway(json::array(), {tls_route("r", {.parents = json::array({parent("other", "edge")})})},
                    {.gateways = {gateway("edge", "other", json::array({shared(listener("tls"))}), "ghost")}}),
       {}, {}},
      {"ParentOfAnotherKindIsIgnored",
       with_gateway(json::array({shared(listener("tls"))}),
                    {tls_route("r", {.parents = json::array({with(parent("edge", "edge"), "/kind", "ListenerSet")})})}),
       {}, {}},
      {"TwoParentsOneAdmits",
       with_gateway(json::array({shared(listener("open")), with(listener("closed"), "/hostname", "b.example.com")}),
                    {tls_route("r", {.parents = json::array({with(parent("edge", "edge"), "/sectionName", "closed"),
                                                             with(parent("edge", "edge"), "/sectionName", "open")})})}),
       {"a.example.com -> 10.0.0.1:8443 w1"}, {"TLSRoute shop/r NotAllowedByListeners"}},
  };
}

std::vector<Row> backend_rows() {
  const json open = json::array({shared(listener("tls"))});
  const auto routed = [&](json backends, Objects extra = {}) {
    return with_gateway(open, {tls_route("r", {.backends = std::move(backends)})}, std::move(extra));
  };
  const auto bank_web = [] { return service_with_endpoints("bank", "vault", {"10.1.0.1"}); };
  const json cross = json::array({{{"name", "vault"}, {"namespace", "bank"}, {"port", 443}}});
  return {
      {"CrossNamespaceWithoutReferenceGrantIsRefused", routed(cross, {.services = {bank_web()[0]}, .endpoint_slices = {bank_web()[1]}}),
       {"a.example.com -> refused"}, {"TLSRoute shop/r RefNotPermitted"}},
      {"CrossNamespaceWithReferenceGrant",
       routed(cross, {.services = {bank_web()[0]}, .endpoint_slices = {bank_web()[1]}, .reference_grants = {reference_grant("bank", "shop")}}),
       {"a.example.com -> 10.1.0.1:8443 w1"}, {}},
      {"ReferenceGrantForAnotherService",
       routed(cross, {.services = {bank_web()[0]}, .endpoint_slices = {bank_web()[1]}, .reference_grants = {reference_grant("bank", "shop", "other")}}),
       {"a.example.com -> refused"}, {"TLSRoute shop/r RefNotPermitted"}},
      {"ReferenceGrantForAnotherNamespace",
       routed(cross, {.services = {bank_web()[0]}, .endpoint_slices = {bank_web()[1]}, .reference_grants = {reference_grant("bank", "attacker")}}),
       {"a.example.com -> refused"}, {"TLSRoute shop/r RefNotPermitted"}},
      {"MissingServiceIsRefused", routed(json::array({backend_ref("ghost")})), {"a.example.com -> refused"}, {"TLSRoute shop/r BackendNotFound"}},
      {"UnknownPortIsRefused", routed(json::array({backend_ref("web", 8443)})), {"a.example.com -> refused"}, {"TLSRoute shop/r BackendNotFound"}},
      {"WrongKindIsRefused", routed(json::array({with(backend_ref("web"), "/kind", "Pod")})), {"a.example.com -> refused"},
       {"TLSRoute shop/r InvalidKind"}},
      {"ServiceWithoutReadyEndpointsIsRefused",
       routed(json::array({backend_ref("idle")}), {.services = {service("idle", json::object())}}), {"a.example.com -> refused"},
       {"TLSRoute shop/r NoReadyEndpoints"}},
      {"WeightsAreSharedAmongEndpoints", routed(json::array({backend_ref("web", 443, 80), backend_ref("api", 443, 20)})),
       {"a.example.com -> 10.0.0.1:8443 w8 10.0.0.2:8443 w1 10.0.0.3:8443 w1"}, {}},
      {"EqualWeightsPerEndpoint", routed(json::array({backend_ref("web", 443, 1), backend_ref("api", 443, 2)})),
       {"a.example.com -> 10.0.0.1:8443 w1 10.0.0.2:8443 w1 10.0.0.3:8443 w1"}, {}},
      {"WeightZeroGetsNoTraffic", routed(json::array({backend_ref("web", 443, 0), backend_ref("api", 443, 5)})),
       {"a.example.com -> 10.0.0.2:8443 w1 10.0.0.3:8443 w1"}, {}},
      {"OnlyWeightZeroIsRefused", routed(json::array({backend_ref("web", 443, 0)})), {"a.example.com -> refused"}, {}},
      // The Gateway API: an invalid ref's share of the connections is refused, never sent elsewhere.
      {"InvalidRefsShareIsRefused", routed(json::array({backend_ref("web", 443, 50), backend_ref("ghost", 443, 50)})),
       {"a.example.com -> 10.0.0.1:8443 w1 refused w1"}, {"TLSRoute shop/r BackendNotFound"}},
      // 30 + 30 (api's 60 over two endpoints) against 20, on the 1/10,000 scale of the heaviest.
      {"InvalidRefsShareIsOnTheEndpointsScale", routed(json::array({backend_ref("api", 443, 60), backend_ref("ghost", 443, 20)})),
       {"a.example.com -> 10.0.0.2:8443 w10000 10.0.0.3:8443 w10000 refused w6667"}, {"TLSRoute shop/r BackendNotFound"}},
      {"AServiceWithoutReadyEndpointsHasItsShareRefused",
       routed(json::array({backend_ref("web", 443, 1), backend_ref("idle", 443, 3)}), {.services = {service("idle", json::object())}}),
       {"a.example.com -> 10.0.0.1:8443 w3333 refused w10000"}, {"TLSRoute shop/r NoReadyEndpoints"}},
      {"TwoRefsToOneServiceAddUp", routed(json::array({backend_ref("web", 443, 1), backend_ref("web", 443, 1), backend_ref("api", 443, 1)})),
       {"a.example.com -> 10.0.0.1:8443 w4 10.0.0.2:8443 w1 10.0.0.3:8443 w1"}, {}},
  };
}

std::vector<Row> conflict_rows() {
  const json open = json::array({shared(listener("tls"))});
  const auto legacy = [](const std::string& created) {
    Objects extra;
    extra.services.push_back(service("legacy", {{"snigate.io/hostnames", "a.example.com"}}, json::array({{{"name", "https"}, {"port", 443}}}), created));
    extra.endpoint_slices.push_back(endpoint_slice("legacy", https_slice_port(8443), json::array({endpoint("10.0.0.9")})));
    return extra;
  };
  return {
      {"OlderAnnotatedServiceKeepsTheName", with_gateway(open, {tls_route("r", {.created = "2025-06-01T00:00:00Z"})}, legacy("2024-01-01T00:00:00Z")),
       {"a.example.com -> 10.0.0.9:8443 w1"}, {"TLSRoute shop/r HostnameConflict"}},
      {"OlderTLSRouteKeepsTheName", with_gateway(open, {tls_route("r", {.created = "2024-01-01T00:00:00Z"})}, legacy("2025-06-01T00:00:00Z")),
       {"a.example.com -> 10.0.0.1:8443 w1"}, {"Service shop/legacy HostnameConflict"}},
      {"OlderTLSRouteOfTwo",
       with_gateway(open, {tls_route("new", {.backends = json::array({backend_ref("api")}), .created = "2025-06-01T00:00:00Z"}),
                           tls_route("old", {.created = "2024-01-01T00:00:00Z"})}),
       {"a.example.com -> 10.0.0.1:8443 w1"}, {"TLSRoute shop/new HostnameConflict"}},
  };
}

class TLSRouteTable : public testing::TestWithParam<Row> {};

TEST_P(TLSRouteTable, GivesTheseRoutesAndProblems) {
  const Row& row = GetParam();
  const Translation translation = translate_objects(row.state);
  EXPECT_EQ(rendered_weighted_routes(translation.snapshot), row.routes);
  EXPECT_EQ(rendered_problems(translation.problems), row.problems);
}

std::string row_name(const testing::TestParamInfo<Row>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Hostnames, TLSRouteTable, testing::ValuesIn(hostname_rows()), row_name);
INSTANTIATE_TEST_SUITE_P(Attachment, TLSRouteTable, testing::ValuesIn(attachment_rows()), row_name);
INSTANTIATE_TEST_SUITE_P(Backends, TLSRouteTable, testing::ValuesIn(backend_rows()), row_name);
INSTANTIATE_TEST_SUITE_P(Conflicts, TLSRouteTable, testing::ValuesIn(conflict_rows()), row_name);

// The snigate.io route annotations mean on a TLSRoute what they mean on a Service or an Ingress.
TEST(TLSRoute, RouteAnnotationsLimitItsNamesAndAnInvalidOneRefusesThem) {
  const json open = json::array({shared(listener("tls"))});
  const Object limited = with(tls_route("r", {}), "/metadata/annotations",
                              {{"snigate.io/max-connections", "50"}, {"snigate.io/source-connection-rate", "10/s"},
                               {"snigate.io/idle-timeout", "10m"}, {"snigate.io/allow-source-ranges", "10.0.0.0/8"}});
  Translation translation = translate_objects(with_gateway(open, {limited}));
  ASSERT_EQ(translation.snapshot.routes.size(), 1u);
  const snapshot::Route& route = translation.snapshot.routes[0];
  EXPECT_EQ(route.max_connections, 50u);
  EXPECT_EQ(route.source_connection_rate, (snapshot::SourceConnectionRate{10, 1000, 10}));
  EXPECT_EQ(route.idle_timeout_ms, 600000u);
  ASSERT_EQ(route.allow_source_ranges.size(), 1u);
  EXPECT_EQ(route.backends.size(), 1u);
  EXPECT_EQ(route.refusal, snapshot::Refusal::close);  // the Gateway API rejects without an alert

  const Object invalid = with(tls_route("r", {}), "/metadata/annotations", {{"snigate.io/max-connections", "lots"}});
  translation = translate_objects(with_gateway(open, {invalid}));
  EXPECT_EQ(rendered_weighted_routes(translation.snapshot), std::vector<std::string>{"a.example.com -> refused"});
  EXPECT_EQ(rendered_problems(translation.problems), std::vector<std::string>{"TLSRoute shop/r InvalidAnnotation"});
}

TEST(TLSRoute, HostnameDelegationAppliesToTLSRoutes) {
  TranslationSettings settings{.ingress_classes = kSelection};
  ASSERT_FALSE(settings.delegation.add_rule("bank=*.example.com"));
  const Translation translation = translate(cluster_state(one_listener("*.example.com", {"a.example.com"})), settings);
  EXPECT_EQ(rendered_weighted_routes(translation.snapshot), std::vector<std::string>{});
  EXPECT_EQ(rendered_problems(translation.problems), std::vector<std::string>{"TLSRoute shop/r HostnameNotDelegated"});
}

TEST(TLSRoute, StatusOfRoutesGatewaysAndListeners) {
  const Objects state = with_gateway(
      json::array({shared(listener("a", "a.example.com")), shared(listener("b", "b.example.com")),
                   with(listener("https"), "/protocol", "HTTPS"), with(shared(listener("terminate")), "/tls/mode", "Terminate")}),
      {tls_route("one", {.hostnames = json::array({"a.example.com", "b.example.com"}),
                         .backends = json::array({backend_ref("web"), backend_ref("ghost")})}),
       tls_route("two", {.parents = json::array({parent("edge", "edge"), parent("missing", "edge")}), .hostnames = json::array({"b.example.com"})}),
       tls_route("lost", {.hostnames = json::array({"c.example.com"})}),
       tls_route("foreign", {.parents = json::array({parent("nobody", "edge")})})});
  const GatewayApiStatus status = translate_objects(state).gateway_api;

  ASSERT_EQ(status.gateway_classes.size(), 1u);
  EXPECT_EQ(status.gateway_classes[0].gateway_class.name, "snigate");
  ASSERT_EQ(status.gateways.size(), 1u);
  const GatewayStatus& gateway = status.gateways[0];
  EXPECT_EQ(gateway.gateway.qualified_name(), "edge/edge");
  EXPECT_EQ(gateway.generation, 3);
  ASSERT_EQ(gateway.listeners.size(), 4u);
  EXPECT_EQ(gateway.listeners[0].attached_routes, 1);
  EXPECT_EQ(gateway.listeners[1].attached_routes, 2);
  EXPECT_EQ(gateway.listeners[0].supported_kinds, (std::vector<model::RouteGroupKind>{{"gateway.networking.k8s.io", "TLSRoute"}}));
  EXPECT_EQ(gateway.listeners[2].accepted.reason, "UnsupportedProtocol");
  EXPECT_EQ(gateway.listeners[2].attached_routes, 0);
  EXPECT_TRUE(gateway.listeners[2].supported_kinds.empty());
  EXPECT_EQ(gateway.listeners[3].accepted.reason, "UnsupportedValue");
  EXPECT_TRUE(gateway.listeners[3].supported_kinds.empty());

  ASSERT_EQ(status.routes.size(), 3u);  // by namespace/name: lost, one, two; "foreign" has no parent of ours
  EXPECT_EQ(status.routes[0].route.name, "lost");
  EXPECT_EQ(status.routes[0].parents[0].accepted.reason, "NoMatchingListenerHostname");
  EXPECT_FALSE(status.routes[0].parents[0].accepted.status);
  EXPECT_EQ(status.routes[1].route.name, "one");
  EXPECT_EQ(status.routes[1].generation, 3);
  EXPECT_EQ(status.routes[1].parents[0].accepted, (Condition{true, "Accepted", ""}));
  EXPECT_EQ(status.routes[1].parents[0].resolved_refs.reason, "BackendNotFound");
  EXPECT_FALSE(status.routes[1].parents[0].resolved_refs.status);
  ASSERT_EQ(status.routes[2].parents.size(), 1u);  // the missing Gateway is nobody's to report
  EXPECT_EQ(status.routes[2].parents[0].resolved_refs, (Condition{true, "ResolvedRefs", ""}));
}

// Two TLS passthrough listeners of one Gateway on the same port and hostname: the later one is
// Conflicted (HostnameConflict) and attaches no route; the earlier one serves.
TEST(TLSRoute, ALaterListenerOnTheSamePortAndHostnameIsConflicted) {
  const Objects state = with_gateway(
      json::array({shared(listener("first", "a.example.com")), shared(listener("second", "a.example.com")),
                   shared(listener("other", "b.example.com"))}),
      {tls_route("r", {}), tls_route("pinned", {.parents = json::array({with(parent("edge", "edge"), "/sectionName", "second")})})});
  const Translation translation = translate_objects(state);
  const GatewayStatus& gateway = translation.gateway_api.gateways.at(0);
  EXPECT_FALSE(gateway.listeners[0].conflicted.status);
  EXPECT_EQ(gateway.listeners[1].conflicted, (Condition{true, "HostnameConflict", gateway.listeners[1].conflicted.message}));
  EXPECT_FALSE(gateway.listeners[2].conflicted.status);
  EXPECT_EQ(gateway.listeners[0].attached_routes, 1);
  EXPECT_EQ(gateway.listeners[1].attached_routes, 0);
  const auto& routes = translation.gateway_api.routes;
  ASSERT_EQ(routes.size(), 2u);  // by name: pinned, r
  EXPECT_EQ(routes[0].parents.at(0).accepted.reason, "NotAllowedByListeners");
  EXPECT_TRUE(routes[1].parents.at(0).accepted.status);
  const auto problems = rendered_problems(translation.problems);
  EXPECT_NE(std::find(problems.begin(), problems.end(), "Gateway edge/edge HostnameConflict"), problems.end());
}

TEST(TLSRoute, HostnameIntersection) {
  EXPECT_EQ(hostname_intersection("a.example.com", "a.example.com"), "a.example.com");
  EXPECT_EQ(hostname_intersection("*.example.com", "a.b.example.com"), "a.b.example.com");
  EXPECT_EQ(hostname_intersection("a.example.com", "*.example.com"), "a.example.com");
  EXPECT_EQ(hostname_intersection("*.example.com", "*.a.example.com"), "*.a.example.com");
  EXPECT_EQ(hostname_intersection("*.a.example.com", "*.example.com"), "*.a.example.com");
  EXPECT_EQ(hostname_intersection("*.example.com", "example.com"), std::nullopt);
  EXPECT_EQ(hostname_intersection("*.example.com", "a.example.org"), std::nullopt);
  EXPECT_EQ(hostname_intersection("*.example.com", "aexample.com"), std::nullopt);
}

}  // namespace
}  // namespace snigate::controller::translate
