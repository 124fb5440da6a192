// What keeps one tenant's clients away from another tenant's backends: the operator's catch-all,
// hostname delegation to namespaces, and names that stay held while their backends are down.
#include <gtest/gtest.h>

#include "translation_fixtures.h"

namespace snigate::controller::translate {
namespace {

using namespace fixtures;

// A Service in `namespace_name` routing `hostnames` to one ready endpoint.
Objects& add_service(Objects& objects, const std::string& namespace_name, const std::string& name, const std::string& hostnames,
                     const std::string& address, const std::string& created = "2025-01-01T00:00:00Z") {
  json annotations = json::object();
  if (!hostnames.empty()) annotations["snigate.io/hostnames"] = hostnames;
  objects.services.push_back(in_namespace(service(name, annotations, json::array({{{"name", "https"}, {"port", 443}}}), created),
                                          namespace_name));
  objects.endpoint_slices.push_back(
      in_namespace(endpoint_slice(name, https_slice_port(), json::array({endpoint(address)})), namespace_name));
  return objects;
}

// A Service that takes the clients of `hostnames` offering one of `alpn` (snigate.io/alpn).
Objects& add_alpn_service(Objects& objects, const std::string& namespace_name, const std::string& name,
                          const std::string& hostnames, const std::string& alpn, const std::string& address,
                          const std::string& created = "2025-01-01T00:00:00Z") {
  add_service(objects, namespace_name, name, hostnames, address, created);
  objects.services.back() = with(objects.services.back(), "/metadata/annotations/snigate.io~1alpn", alpn);
  return objects;
}

TEST(AlpnRoutes, AnAcmeSolverInTheNamesNamespaceTakesOnlyItsAlpnClients) {
  Objects objects;
  add_service(objects, "shop", "web", "a.example.com", "10.0.0.1");
  add_alpn_service(objects, "shop", "solver", "a.example.com", "acme-tls/1", "10.0.0.9", "2026-01-01T00:00:00Z");
  const Translation translation = translate_objects(objects);
  EXPECT_EQ(rendered_routes(translation.snapshot),
            std::vector<std::string>{"a.example.com -> 10.0.0.1:8443, alpn acme-tls/1 -> 10.0.0.9:8443"});
  EXPECT_TRUE(translation.problems.empty());
}

TEST(AlpnRoutes, AnotherTenantCannotTakeTheAcmeClientsOfANameItDoesNotOwn) {
  Objects objects;
  add_service(objects, "bank", "login", "login.bank.example", "10.0.0.1", "2026-01-01T00:00:00Z");
  // Older than the bank's Service, and still refused: the name is the bank's.
  add_alpn_service(objects, "mallory", "solver", "login.bank.example", "acme-tls/1", "10.6.6.6", "2020-01-01T00:00:00Z");
  const Translation translation = translate_objects(objects);
  EXPECT_EQ(rendered_routes(translation.snapshot), std::vector<std::string>{"login.bank.example -> 10.0.0.1:8443"});
  EXPECT_EQ(rendered_problems(translation.problems), std::vector<std::string>{"Service mallory/solver HostnameConflict"});
}

TEST(AlpnRoutes, AnAlpnClaimAloneHoldsTheNameAndRefusesEveryOtherClient) {
  Objects objects;
  add_alpn_service(objects, "shop", "solver", "new.example.com", "acme-tls/1", "10.0.0.9");
  add_service(objects, "other", "wild", "*.example.com", "10.0.0.5");
  const Translation translation = translate_objects(objects);
  EXPECT_EQ(rendered_routes(translation.snapshot),
            (std::vector<std::string>{"*.example.com -> 10.0.0.5:8443", "new.example.com -> refused, alpn acme-tls/1 -> 10.0.0.9:8443"}));
}

TEST(AlpnRoutes, OfTwoClaimsOnOneProtocolTheOlderWinsAndInvalidListsClaimNothing) {
  Objects objects;
  add_service(objects, "shop", "web", "a.example.com", "10.0.0.1");
  add_alpn_service(objects, "shop", "old-solver", "a.example.com", "acme-tls/1", "10.0.0.8", "2025-06-01T00:00:00Z");
  add_alpn_service(objects, "shop", "new-solver", "a.example.com", "acme-tls/1, x-probe", "10.0.0.9", "2026-01-01T00:00:00Z");
  add_alpn_service(objects, "shop", "typo", "a.example.com", "acme tls", "10.0.0.7");
  const Translation translation = translate_objects(objects);
  EXPECT_EQ(rendered_routes(translation.snapshot),
            std::vector<std::string>{"a.example.com -> 10.0.0.1:8443, alpn acme-tls/1 -> 10.0.0.8:8443, alpn x-probe -> 10.0.0.9:8443"});
  EXPECT_EQ(rendered_problems(translation.problems),
            (std::vector<std::string>{"Service shop/new-solver HostnameConflict", "Service shop/typo InvalidAnnotation"}));
}

HostnameDelegation delegation(std::vector<std::string> rules) {
  HostnameDelegation result;
  for (const auto& rule : rules) EXPECT_EQ(result.add_rule(rule), std::nullopt) << rule;
  return result;
}

TEST(DefaultBackend, ComesFromTheOperatorFlagOnly) {
  Objects objects;
  add_service(objects, "edge", "fallback", "", "10.0.0.9");
  add_service(objects, "shop", "web", "a.example.com", "10.0.0.1");
  const Translation translation =
      translate_objects(objects, {.ingress_classes = kSelection, .default_backend = DefaultBackendService{"edge", "fallback", "https"}});
  EXPECT_EQ(rendered_routes(translation.snapshot), (std::vector<std::string>{"a.example.com -> 10.0.0.1:8443", "default -> 10.0.0.9:8443"}));
}

TEST(DefaultBackend, WithoutEndpointsThereIsNoCatchAllAndUnmatchedNamesAreRefused) {
  Objects objects;
  objects.services.push_back(in_namespace(service("fallback", json::object()), "edge"));
  const Translation translation =
      translate_objects(objects, {.ingress_classes = kSelection, .default_backend = DefaultBackendService{"edge", "fallback", std::nullopt}});
  EXPECT_FALSE(translation.snapshot.default_backend);
  EXPECT_EQ(rendered_problems(translation.problems), std::vector<std::string>{"Service edge/fallback NoReadyEndpoints"});
}

struct DelegationRow {
  std::string name;
  std::vector<std::string> rules;
  std::string claimant_namespace;
  std::string hostname;
  bool allowed;
};

void PrintTo(const DelegationRow& row, std::ostream* out) { *out << row.name; }

class Delegation : public ::testing::TestWithParam<DelegationRow> {};

TEST_P(Delegation, DecidesWhoMayClaimAName) {
  const DelegationRow& row = GetParam();
  EXPECT_EQ(delegation(row.rules).allows(row.claimant_namespace, row.hostname), row.allowed);
}

INSTANTIATE_TEST_SUITE_P(
    Table, Delegation,
    ::testing::ValuesIn(std::vector<DelegationRow>{
        {"NoRulesAllowEverything", {}, "shop", "a.example.com", true},
        {"ExactNameToItsNamespace", {"bank=login.bank.example"}, "bank", "login.bank.example", true},
        {"ExactNameNotToAnother", {"bank=login.bank.example"}, "shop", "login.bank.example", false},
        {"NamesNoRuleCoversStayOpen", {"bank=*.bank.example"}, "shop", "shop.example.com", true},
        {"SuffixCoversEveryDepth", {"bank=*.bank.example"}, "shop", "a.b.bank.example", false},
        {"SuffixCoversWildcardClaims", {"bank=*.bank.example"}, "shop", "*.bank.example", false},
        {"SuffixDoesNotCoverItsApex", {"bank=*.bank.example"}, "shop", "bank.example", true},
        {"StarMakesEveryNameOptIn", {"platform=*"}, "shop", "shop.example.com", false},
        {"MoreSpecificPatternDecides", {"platform=*", "bank=*.bank.example"}, "bank", "www.bank.example", true},
        {"MoreSpecificPatternExcludesTheBroader", {"platform=*", "bank=*.bank.example"}, "platform", "www.bank.example", false},
        {"ExactBeatsSuffix", {"bank=*.bank.example", "ops=status.bank.example"}, "ops", "status.bank.example", true},
        {"SeveralNamespacesShareAPattern", {"blue=*.app.example", "green=*.app.example"}, "green", "x.app.example", true},
    }),
    [](const auto& info) { return info.param.name; });

TEST(Delegation, RulesThatDoNotParseSayWhy) {
  HostnameDelegation rules;
  EXPECT_EQ(rules.add_rule("bank"), "\"bank\" is not NAMESPACE=PATTERN[,PATTERN...]");
  EXPECT_EQ(rules.add_rule("Bank.x=a.example"), "\"Bank.x\" is not a namespace name");
  EXPECT_EQ(rules.add_rule("bank="), "rule for namespace bank names no hostname pattern");
  EXPECT_EQ(rules.add_rule("bank=*.*.example"), "\"*.*.example\" is not a hostname pattern (a.example.com, *.a.example.com or *)");
  EXPECT_TRUE(rules.empty());
}

TEST(Delegation, ATenantCannotCaptureADelegatedNameEvenWhenOlder) {
  Objects objects;
  add_service(objects, "intruder", "grab", "login.bank.example, *.bank.example", "10.6.6.6", "2020-01-01T00:00:00Z");
  add_service(objects, "bank", "login", "login.bank.example", "10.0.0.1", "2025-01-01T00:00:00Z");
  const Translation translation =
      translate_objects(objects, {.ingress_classes = kSelection, .delegation = delegation({"bank=*.bank.example"})});
  EXPECT_EQ(rendered_routes(translation.snapshot), std::vector<std::string>{"login.bank.example -> 10.0.0.1:8443"});
  EXPECT_EQ(rendered_problems(translation.problems),
            (std::vector<std::string>{"Service intruder/grab HostnameNotDelegated", "Service intruder/grab HostnameNotDelegated"}));
}

TEST(Tenancy, ANameWhoseBackendsAreDownNeverFallsThroughToAnotherTenantsWildcard) {
  Objects objects;
  add_service(objects, "other", "catchall", "*.example.com", "10.6.6.6");
  objects.services.push_back(service("web", {{"snigate.io/hostnames", "shop.example.com"}}));
  objects.endpoint_slices.push_back(endpoint_slice("web", https_slice_port(), json::array({endpoint("10.0.0.1", false)})));
  const Translation translation = translate_objects(objects);
  EXPECT_EQ(rendered_routes(translation.snapshot),
            (std::vector<std::string>{"*.example.com -> 10.6.6.6:8443", "shop.example.com -> refused"}));
}

TEST(UndecodableObjects, AreReportedAndTheRestRoute) {
  model::ClusterState state = cluster_state([] {
    Objects objects;
    add_service(objects, "shop", "web", "a.example.com", "10.0.0.1");
    return objects;
  }());
  state.mark_undecodable({"Service", {.namespace_name = "shop", .name = "broken", .uid = "uid-broken"}, "spec.ports[0].port: expected an integer"});
  const Translation translation = translate(state, {.ingress_classes = kSelection});
  EXPECT_EQ(rendered_routes(translation.snapshot), std::vector<std::string>{"a.example.com -> 10.0.0.1:8443"});
  ASSERT_EQ(translation.problems.size(), 1u);
  EXPECT_EQ(translation.problems[0].reason, "InvalidObject");
  EXPECT_EQ(translation.problems[0].object.api_version, "v1") << "an Event names the object's apiVersion";
  EXPECT_EQ(translation.problems[0].message, "Service shop/broken cannot be read: spec.ports[0].port: expected an integer");
}

}  // namespace
}  // namespace snigate::controller::translate
