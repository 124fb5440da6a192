// Ingresses, as a table: which ones are ours, and the routes and problems they give.
#include <gtest/gtest.h>

#include "translation_fixtures.h"

namespace snigate::controller::translate {
namespace {

using namespace fixtures;

struct Row {
  std::string name;
  Objects state;
  std::vector<std::string> routes;
  std::vector<std::string> problems;
  std::vector<std::string> ours;  // names of the Ingresses whose status is ours
};

void PrintTo(const Row& row, std::ostream* out) { *out << row.name; }

// Two Services with one ready endpoint each: web (10.0.0.1:8443) and api (10.0.0.2:9443).
Objects with_backends(Objects state) {
  state.services.push_back(service("web", json::object()));
  state.services.push_back(service("api", json::object(), json::array({{{"name", "tls"}, {"port", 8443}}})));
  state.endpoint_slices.push_back(endpoint_slice("web", https_slice_port(8443), json::array({endpoint("10.0.0.1")})));
  state.endpoint_slices.push_back(
      endpoint_slice("api", json::array({{{"name", "tls"}, {"port", 9443}}}), json::array({endpoint("10.0.0.2")})));
  return state;
}

std::vector<Row> rows() {
  const Object ours = ingress_class("snigate", "snigate.io/ingress-controller");
  const Object ours_default = ingress_class("snigate", "snigate.io/ingress-controller", true);
  const Object theirs = ingress_class("nginx", "k8s.io/ingress-nginx");
  const Object theirs_default = ingress_class("nginx", "k8s.io/ingress-nginx", true);
  const json web_rule = rule("a.example.com", {service_backend("web")});
  return {
      {"ClassNameOfOurController",
       with_backends({.ingresses = {ingress("shop", {.class_name = "snigate", .rules = {web_rule}})}, .ingress_classes = {ours}}),
       {"a.example.com -> 10.0.0.1:8443"},
       {},
       {"shop"}},
      {"ClassNameOfAnotherController",
       with_backends({.ingresses = {ingress("shop", {.class_name = "nginx", .rules = {web_rule}})}, .ingress_classes = {ours, theirs}}),
       {},
       {},
       {}},
      {"ClassNameThatDoesNotExist",
       with_backends({.ingresses = {ingress("shop", {.class_name = "ghost", .rules = {web_rule}})}, .ingress_classes = {ours}}),
       {},
       {},
       {}},
      {"NoClassWhileOurClassIsDefault",
       with_backends({.ingresses = {ingress("shop", {.rules = {web_rule}})}, .ingress_classes = {ours_default}}),
       {"a.example.com -> 10.0.0.1:8443"},
       {},
       {"shop"}},
      {"NoClassWhileAnotherClassIsDefault",
       with_backends({.ingresses = {ingress("shop", {.rules = {web_rule}})}, .ingress_classes = {ours, theirs_default}}),
       {},
       {},
       {}},
      {"DeprecatedAnnotationEqualToOurs",
       with_backends({.ingresses = {ingress("shop", {.annotations = {{"kubernetes.io/ingress.class", "snigate"}}, .rules = {web_rule}})}}),
       {"a.example.com -> 10.0.0.1:8443"},
       {},
       {"shop"}},
      {"DeprecatedAnnotationOfAnotherClassBeatsOurDefault",
       with_backends({.ingresses = {ingress("shop", {.annotations = {{"kubernetes.io/ingress.class", "nginx"}}, .rules = {web_rule}})},
                      .ingress_classes = {ours_default}}),
       {},
       {},
       {}},
      {"SourceRangesAnnotationLimitsEveryRuleOfTheIngress",
       with_backends({.ingresses = {ingress("shop", {.class_name = "snigate",
                                                     .annotations = {{"snigate.io/allow-source-ranges", "10.0.0.0/8"}},
                                                     .rules = {web_rule}})},
                      .ingress_classes = {ours}}),
       {"a.example.com -> 10.0.0.1:8443 from 10.0.0.0/8"},
       {},
       {"shop"}},
      {"InvalidSourceRangesRefuseTheIngressNames",
       with_backends({.ingresses = {ingress("shop", {.class_name = "snigate",
                                                     .annotations = {{"snigate.io/allow-source-ranges", "10.0.0.0/33"}},
                                                     .rules = {web_rule}})},
                      .ingress_classes = {ours}}),
       {"a.example.com -> refused"},
       {"Ingress shop/shop InvalidAnnotation"},
       {"shop"}},
      {"SourceConnectionRateAnnotationsLimitEveryRuleOfTheIngress",
       with_backends({.ingresses = {ingress("shop", {.class_name = "snigate",
                                                     .annotations = {{"snigate.io/source-connection-rate", "30/m"},
                                                                     {"snigate.io/source-connection-burst", "3"}},
                                                     .rules = {web_rule}})},
                      .ingress_classes = {ours}}),
       {"a.example.com -> 10.0.0.1:8443 rate 30/60000ms burst 3"},
       {},
       {"shop"}},
      {"InvalidSourceConnectionRateRefusesTheIngressNames",
       with_backends({.ingresses = {ingress("shop", {.class_name = "snigate",
                                                     .annotations = {{"snigate.io/source-connection-rate", "often"}},
                                                     .rules = {web_rule}})},
                      .ingress_classes = {ours}}),
       {"a.example.com -> refused"},
       {"Ingress shop/shop InvalidAnnotation"},
       {"shop"}},
      {"WildcardHostAndNamedPort",
       with_backends({.ingresses = {ingress("shop", {.class_name = "snigate",
                                                     .rules = {rule("*.Shop.example.com", {service_backend("api", {{"name", "tls"}})})}})},
                      .ingress_classes = {ours}}),
       {"*.shop.example.com -> 10.0.0.2:9443"},
       {},
       {"shop"}},
      {"PathsWithDifferentBackendsFirstWinsWithAWarning",
       with_backends({.ingresses = {ingress("shop", {.class_name = "snigate",
                                                     .rules = {rule("a.example.com", {service_backend("web"),
                                                                                      service_backend("api", {{"number", 8443}})})}})},
                      .ingress_classes = {ours}}),
       {"a.example.com -> 10.0.0.1:8443"},
       {"Ingress shop/shop PathsIgnored"},
       {"shop"}},
      {"PathsWithTheSameBackendAreFine",
       with_backends({.ingresses = {ingress("shop", {.class_name = "snigate",
                                                     .rules = {rule("a.example.com", {service_backend("web"), service_backend("web")})}})},
                      .ingress_classes = {ours}}),
       {"a.example.com -> 10.0.0.1:8443"},
       {},
       {"shop"}},
      {"DefaultBackendIsNeverTheCatchAllForOtherNames",
       with_backends({.ingresses = {ingress("young", {.class_name = "snigate", .default_backend = service_backend("api", {{"number", 8443}}),
                                                      .created = "2025-03-01T00:00:00Z"}),
                                    ingress("old", {.class_name = "snigate", .default_backend = service_backend("web"),
                                                    .created = "2025-02-01T00:00:00Z"})},
                      .ingress_classes = {ours}}),
       {},
       {"Ingress shop/old DefaultBackendIgnored", "Ingress shop/young DefaultBackendIgnored"},
       {"old", "young"}},
      {"RuleWithoutPathsUsesTheDefaultBackend",
       with_backends({.ingresses = {ingress("shop", {.class_name = "snigate",
                                                     .rules = {{{"host", "b.example.com"}}},
                                                     .default_backend = service_backend("web")})},
                      .ingress_classes = {ours}}),
       {"b.example.com -> 10.0.0.1:8443"},
       {},
       {"shop"}},
      {"ResourceBackendInTheFirstPathDoesNotDropTheHost",
       with_backends({.ingresses = {ingress("shop", {.class_name = "snigate",
                                                     .rules = {rule("a.example.com", {resource_backend(), service_backend("web")})}})},
                      .ingress_classes = {ours}}),
       {"a.example.com -> 10.0.0.1:8443"},
       {"Ingress shop/shop UnsupportedBackend"},
       {"shop"}},
      {"OnlyResourceBackendsKeepTheHostAndRefuseItsClients",
       with_backends({.ingresses = {ingress("shop", {.class_name = "snigate", .rules = {rule("a.example.com", {resource_backend()})}})},
                      .ingress_classes = {ours}}),
       {"a.example.com -> refused"},
       {"Ingress shop/shop UnsupportedBackend"},
       {"shop"}},
      {"BadRulesAreReportedAndTheGoodOnesRoute",
       with_backends({.ingresses = {ingress("shop", {.class_name = "snigate",
                                                     .rules = {rule("", {service_backend("web")}),
                                                               rule("missing.example.com", {service_backend("ghost")}),
                                                               rule("port.example.com", {service_backend("web", {{"number", 1}})}),
                                                               {{"host", "empty.example.com"}},
                                                               web_rule}})},
                      .ingress_classes = {ours}}),
       {"a.example.com -> 10.0.0.1:8443", "empty.example.com -> refused", "missing.example.com -> refused",
        "port.example.com -> refused"},
       {"Ingress shop/shop NoBackend", "Ingress shop/shop RuleWithoutHost", "Ingress shop/shop UnknownPort",
        "Ingress shop/shop UnknownService"},
       {"shop"}},
      {"IngressAndServiceConflictOlderWins",
       with_backends({.services = {service("legacy", {{"snigate.io/hostnames", "a.example.com"}}, json::array({{{"port", 443}}}),
                                           "2024-01-01T00:00:00Z")},
                      .endpoint_slices = {endpoint_slice("legacy", json::array({{{"port", 443}}}), json::array({endpoint("10.0.0.9")}))},
                      .ingresses = {ingress("shop", {.class_name = "snigate", .rules = {web_rule}})},
                      .ingress_classes = {ours}}),
       {"a.example.com -> 10.0.0.9:443"},
       {"Ingress shop/shop HostnameConflict"},
       {"shop"}},
  };
}

class IngressTranslation : public ::testing::TestWithParam<Row> {};

TEST_P(IngressTranslation, ObjectsInRoutesOut) {
  const Row& row = GetParam();
  const Translation translation = translate_objects(row.state);
  EXPECT_EQ(rendered_routes(translation.snapshot), row.routes);
  EXPECT_EQ(rendered_problems(translation.problems), row.problems);
  std::vector<std::string> ours;
  for (const auto& ingress : translation.our_ingresses) ours.push_back(ingress.object.name);
  EXPECT_EQ(ours, row.ours);
  EXPECT_NO_THROW(snapshot::decode(snapshot::encode(translation.snapshot)));
}

INSTANTIATE_TEST_SUITE_P(Table, IngressTranslation, ::testing::ValuesIn(rows()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace snigate::controller::translate
