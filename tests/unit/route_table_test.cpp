// RouteTable: which target a server name reaches, from exact names through wildcards to the default.
#include "routing/route_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace snigate::routing {
namespace {

using snapshot::Backend;
using snapshot::Route;
using snapshot::Snapshot;
using snapshot::Wildcard;

Route route(std::string hostname, Wildcard wildcard = Wildcard::single_label, std::uint16_t listen_port = 0) {
  static int next_port = 10000;
  Route route;
  route.hostname = std::move(hostname);
  route.wildcard = wildcard;
  route.listen_port = listen_port;
  route.backends = {Backend{"127.0.0.1", static_cast<std::uint16_t>(next_port++), 1}};
  return route;
}

Snapshot snapshot_of(std::vector<Route> routes, bool with_default = false) {
  Snapshot snapshot;
  snapshot.generation = 1;
  snapshot.routes = std::move(routes);
  if (with_default) snapshot.default_backend = snapshot::DefaultBackend{{Backend{"::1", 8443, 1}}, {}};
  return snapshot;
}

// The route name a server name reaches, or "(refused)".
std::string reached(const RouteTable& table, std::string_view server_name) {
  const RouteTarget* target = table.lookup(server_name);
  return target ? target->name() : "(refused)";
}

// The name a connection on a listener of `scope` reaches, or "(refused)".
std::string reached(const RouteTable& table, ListenScope scope, std::string_view server_name) {
  const RouteTarget* target = table.lookup(scope, server_name);
  return target ? target->name() : "(refused)";
}

TEST(RouteTable, ExactNameMatchesOnlyItself) {
  RouteTable table(snapshot_of({route("www.example.com")}), 1);
  EXPECT_EQ(reached(table, "www.example.com"), "www.example.com");
  EXPECT_EQ(reached(table, "example.com"), "(refused)");
  EXPECT_EQ(reached(table, "a.www.example.com"), "(refused)");
  EXPECT_EQ(reached(table, "www.example.co"), "(refused)");
}

TEST(RouteTable, WildcardMatchesExactlyOneLabel) {
  RouteTable table(snapshot_of({route("*.example.com")}), 1);
  EXPECT_EQ(reached(table, "a.example.com"), "*.example.com");
  EXPECT_EQ(reached(table, "a.b.example.com"), "(refused)");
  EXPECT_EQ(reached(table, "example.com"), "(refused)");
  EXPECT_EQ(reached(table, "aexample.com"), "(refused)");
}

TEST(RouteTable, SuffixWildcardMatchesAnyDepthBelowIt) {
  RouteTable table(snapshot_of({route("*.example.com", Wildcard::suffix)}), 1);
  EXPECT_EQ(reached(table, "a.example.com"), "*.example.com");
  EXPECT_EQ(reached(table, "a.b.c.example.com"), "*.example.com");
  EXPECT_EQ(reached(table, "example.com"), "(refused)");
  EXPECT_EQ(reached(table, "notexample.com"), "(refused)");
}

TEST(RouteTable, ExactNameWinsOverWildcard) {
  RouteTable table(snapshot_of({route("*.example.com", Wildcard::suffix), route("www.example.com")}), 1);
  EXPECT_EQ(reached(table, "www.example.com"), "www.example.com");
  EXPECT_EQ(reached(table, "api.example.com"), "*.example.com");
}

TEST(RouteTable, LongerWildcardWinsOverShorter) {
  RouteTable table(snapshot_of({route("*.example.com", Wildcard::suffix), route("*.eu.example.com", Wildcard::suffix)}),
                   1);
  EXPECT_EQ(reached(table, "a.eu.example.com"), "*.eu.example.com");
  EXPECT_EQ(reached(table, "a.b.eu.example.com"), "*.eu.example.com");
  EXPECT_EQ(reached(table, "a.us.example.com"), "*.example.com");
}

TEST(RouteTable, SingleLabelWildcardTooShallowFallsThroughToASuffixWildcard) {
  RouteTable table(snapshot_of({route("*.example.com", Wildcard::suffix), route("*.eu.example.com")}), 1);
  EXPECT_EQ(reached(table, "a.eu.example.com"), "*.eu.example.com");
  EXPECT_EQ(reached(table, "a.b.eu.example.com"), "*.example.com");
}

TEST(RouteTable, LookupIgnoresCase) {
  RouteTable table(snapshot_of({route("www.example.com"), route("*.example.org")}), 1);
  EXPECT_EQ(reached(table, "WWW.Example.COM"), "www.example.com");
  EXPECT_EQ(reached(table, "Shop.EXAMPLE.org"), "*.example.org");
}

TEST(RouteTable, LookupIgnoresOneTrailingDot) {
  RouteTable table(snapshot_of({route("www.example.com"), route("*.example.org")}), 1);
  EXPECT_EQ(reached(table, "www.example.com."), "www.example.com");
  EXPECT_EQ(reached(table, "a.example.org."), "*.example.org");
  EXPECT_EQ(reached(table, "www.example.com.."), "(refused)");
}

TEST(RouteTable, NoServerNameGoesToTheDefaultBackend) {
  RouteTable table(snapshot_of({route("www.example.com")}, /*with_default=*/true), 1);
  EXPECT_EQ(reached(table, ""), "default");
}

TEST(RouteTable, UnmatchedNameGoesToTheDefaultBackend) {
  RouteTable table(snapshot_of({route("www.example.com"), route("*.example.org")}, /*with_default=*/true), 1);
  EXPECT_EQ(reached(table, "other.example.net"), "default");
  EXPECT_EQ(reached(table, "a.b.example.org"), "default");
  const RouteTarget* fallback = table.lookup("other.example.net");
  ASSERT_NE(fallback, nullptr);
  ASSERT_EQ(fallback->backends().size(), 1u);
  EXPECT_EQ(fallback->backends()[0],
            boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("::1"), 8443));
}

TEST(RouteTable, WithoutDefaultBackendUnmatchedAndNamelessClientsAreRefused) {
  RouteTable table(snapshot_of({route("www.example.com")}), 1);
  EXPECT_EQ(table.lookup("other.example.com"), nullptr);
  EXPECT_EQ(table.lookup(""), nullptr);
}

TEST(RouteTable, EmptySnapshotRefusesEveryone) {
  RouteTable table(snapshot_of({}), 1);
  EXPECT_EQ(table.lookup("www.example.com"), nullptr);
  EXPECT_EQ(table.lookup(""), nullptr);
}

TEST(RouteTable, TargetCarriesTheRoutesBackendsInOrderAndItsProxyProtocol) {
  Route tls_route = route("db.example.com");
  tls_route.backends = {Backend{"10.0.0.1", 5432, 3}, Backend{"2001:db8::7", 5433, 1}};
  tls_route.proxy_protocol = snapshot::ProxyProtocol::v2;
  RouteTable table(snapshot_of({tls_route}), 1);
  const RouteTarget* target = table.lookup("db.example.com");
  ASSERT_NE(target, nullptr);
  using boost::asio::ip::make_address;
  using boost::asio::ip::tcp;
  EXPECT_EQ(target->backends(), (std::vector<tcp::endpoint>{{make_address("10.0.0.1"), 5432},
                                                            {make_address("2001:db8::7"), 5433}}));
  EXPECT_EQ(target->proxy_protocol(), snapshot::ProxyProtocol::v2);
}

TEST(RouteTable, KeepsTheSnapshotItWasBuiltFrom) {
  auto snapshot = snapshot_of({route("www.example.com")}, true);
  RouteTable table(snapshot, 1);
  EXPECT_EQ(table.snapshot(), snapshot);
}

// A new snapshot that leaves a route as it was keeps that route's target, balancer state and
// all: with a snapshot before every connection, clients still go round the backends.
TEST(RouteTable, AnUnchangedRouteKeepsItsTargetAndItsPlaceInTheRotation) {
  Route shop = route("shop.example.com");
  shop.backends = {Backend{"10.0.0.1", 443, 1}, Backend{"10.0.0.2", 443, 1}, Backend{"10.0.0.3", 443, 1}};
  Route wild = route("*.example.org");
  auto first = std::make_shared<RouteTable>(snapshot_of({shop, wild}, true), 1);
  std::vector<std::size_t> picks = {first->lookup("shop.example.com")->first_backend(0)};
  for (int generation = 2; generation <= 3; ++generation) {
    Snapshot next = snapshot_of({shop, wild}, true);
    next.generation = generation;
    auto table = std::make_shared<RouteTable>(next, 1, first.get());
    EXPECT_EQ(table->lookup("shop.example.com"), first->lookup("shop.example.com"));
    EXPECT_EQ(table->lookup("x.example.org"), first->lookup("x.example.org"));
    EXPECT_EQ(table->lookup("other.example.net"), first->lookup("other.example.net")) << "the default backend";
    picks.push_back(table->lookup("shop.example.com")->first_backend(0));
    first = table;
  }
  EXPECT_EQ(picks, (std::vector<std::size_t>{picks[0], (picks[0] + 1) % 3, (picks[0] + 2) % 3}));
}

// The Gateway API's invalid backendRef: its weight's share of the clients is refused, the rest go
// to the route's backends in their proportions.
TEST(RouteTable, ARoutesRefusedWeightTakesItsShareOfThePicks) {
  Route shop = route("shop.example.com");
  shop.backends = {Backend{"10.0.0.1", 443, 2}, Backend{"10.0.0.2", 443, 1}};
  shop.refused_weight = 1;
  const RouteTable table(snapshot_of({shop}), 1);
  const RouteTarget* target = table.lookup("shop.example.com");
  ASSERT_NE(target, nullptr);
  EXPECT_EQ(target->backends().size(), 2u);
  std::vector<int> picked(3, 0);
  for (int i = 0; i < 400; ++i) ++picked.at(target->first_backend(0));
  EXPECT_EQ(picked, (std::vector<int>{200, 100, 100}));  // index 2: refused

  // Changing only the refused share makes a new target: the old one's rotation would not know it.
  Route halved = shop;
  halved.refused_weight = 3;
  const RouteTable next(snapshot_of({halved}), 1, &table);
  EXPECT_NE(next.lookup("shop.example.com"), target);
}

TEST(RouteTable, AChangedRouteGetsANewTarget) {
  const Route shop = route("shop.example.com");
  const RouteTable first(snapshot_of({shop}), 1);
  Route moved = shop;
  moved.backends[0].port = 9443;
  const RouteTable second(snapshot_of({moved}), 1, &first);
  EXPECT_NE(second.lookup("shop.example.com"), first.lookup("shop.example.com"));
  EXPECT_EQ(second.lookup("shop.example.com")->backends()[0].port(), 9443);
  Route proxied = shop;
  proxied.proxy_protocol = snapshot::ProxyProtocol::v2;
  const RouteTable third(snapshot_of({proxied}), 1, &first);
  EXPECT_NE(third.lookup("shop.example.com"), first.lookup("shop.example.com"));
  const RouteTable suffix(snapshot_of({route("*.example.org", Wildcard::suffix)}), 1,
                          std::make_unique<RouteTable>(snapshot_of({route("*.example.org")}), 1).get());
  EXPECT_EQ(reached(suffix, "a.b.example.org"), "*.example.org") << "the wildcard mode is part of the route";
  Route restricted = shop;
  std::string problem;
  restricted.allow_source_ranges = {*snapshot::SourceRange::parse("10.0.0.0/8", problem)};
  const RouteTable fourth(snapshot_of({restricted}), 1, &first);
  EXPECT_NE(fourth.lookup("shop.example.com"), first.lookup("shop.example.com")) << "source ranges are part of it";
}

TEST(RouteTable, AClientOfferingAnAlpnRoutesProtocolGoesToItsTargetCountedWithTheRoute) {
  Route shop = route("shop.example.com");
  std::string problem;
  shop.allow_source_ranges = {*snapshot::SourceRange::parse("192.0.2.0/24", problem)};
  shop.alpn_routes = {{{"acme-tls/1"}, {Backend{"10.0.0.9", 8443, 1}}, snapshot::ProxyProtocol::none},
                      {{"x-legacy", "h2"}, {}, snapshot::ProxyProtocol::v2}};
  const RouteTable table(snapshot_of({shop}), 1);
  const auto target = table.find("shop.example.com");
  EXPECT_EQ(target->for_alpn({}), nullptr);
  EXPECT_EQ(target->for_alpn({"http/1.1"}), nullptr);
  const auto solver = target->for_alpn({"acme-tls/1"});
  ASSERT_NE(solver, nullptr);
  EXPECT_EQ(solver->backends()[0].port(), 8443);
  EXPECT_TRUE(solver->admits(boost::asio::ip::make_address("203.0.113.1"))) << "not limited by the route's ranges";
  EXPECT_EQ(solver->metrics(), target->metrics());
  EXPECT_EQ(target->for_alpn({"http/1.1", "h2"})->proxy_protocol(), snapshot::ProxyProtocol::v2)
      << "any protocol the client offers, whatever its preference";
  EXPECT_EQ(target->for_alpn({"h2", "acme-tls/1"}), solver) << "the first ALPN route that matches wins";
  std::vector<std::string> many(RouteTarget::kAlpnProtocolsConsidered, "x");
  many.push_back("acme-tls/1");
  EXPECT_EQ(target->for_alpn(many), nullptr) << "only the first protocols a client offers are considered";
}

TEST(RouteTable, ATargetAdmitsOnlyClientsInsideItsSourceRanges) {
  using boost::asio::ip::make_address;
  Route open = route("open.example.com");
  Route office = route("office.example.com");
  std::string problem;
  office.allow_source_ranges = {*snapshot::SourceRange::parse("192.0.2.0/24", problem),
                                *snapshot::SourceRange::parse("2001:db8::/32", problem)};
  const RouteTable table(snapshot_of({open, office}), 1);
  const RouteTarget& restricted = *table.lookup("office.example.com");
  EXPECT_TRUE(restricted.admits(make_address("192.0.2.200")));
  EXPECT_TRUE(restricted.admits(make_address("::ffff:192.0.2.200"))) << "an IPv4 client of a dual-stack socket";
  EXPECT_TRUE(restricted.admits(make_address("2001:db8::7")));
  EXPECT_FALSE(restricted.admits(make_address("198.51.100.1")));
  EXPECT_FALSE(restricted.admits(make_address("2001:db9::7")));
  EXPECT_TRUE(table.lookup("open.example.com")->admits(make_address("198.51.100.1")));
}

}  // namespace
}  // namespace snigate::routing

namespace snigate::routing {
namespace {

// Per-route counters were kept per worker in a map that never forgot a route.
TEST(RouteTable, ARoutesCountersOutliveAChangeOfItsBackendsAndLeaveWithTheRoute) {
  Route shop = route("shop.example.com");
  auto first = std::make_shared<RouteTable>(snapshot_of({shop, route("*.example.org")}, true), 2);
  first->lookup("shop.example.com")->counters(1).bytes_to_client += 7;
  Route moved = shop;
  moved.backends[0].port = 9443;
  auto second = std::make_shared<RouteTable>(snapshot_of({moved, route("*.example.org")}, true), 2, first.get());
  ASSERT_NE(second->lookup("shop.example.com"), first->lookup("shop.example.com"));
  EXPECT_EQ(second->lookup("shop.example.com")->metrics(), first->lookup("shop.example.com")->metrics());
  metrics::RouteTotals totals;
  second->lookup("shop.example.com")->metrics()->add_to(totals);
  EXPECT_EQ(totals.bytes_to_client, 7u);

  std::weak_ptr<metrics::RouteMetrics> counters = first->lookup("shop.example.com")->metrics();
  auto third = std::make_shared<RouteTable>(snapshot_of({route("*.example.org")}, true), 2, second.get());
  std::vector<std::string> names;
  third->for_each_target([&](const RouteTarget& target) { names.push_back(target.name()); });
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"*.example.org", "default"}));
  first.reset();
  second.reset();
  EXPECT_TRUE(counters.expired()) << "freed with the last table (or connection) that used the route";
}

// A Gateway's routes are served on its own listener only, and nobody else's there.
TEST(RouteTable, AScopedRouteIsFoundOnlyInItsScope) {
  const RouteTable table(snapshot_of({route("gw.example.com", Wildcard::single_label, 10001),
                                      route("plain.example.com")}),
                         1);
  EXPECT_EQ(reached(table, 10001, "gw.example.com"), "gw.example.com@10001");
  EXPECT_EQ(reached(table, kUnscoped, "gw.example.com"), "(refused)");
  EXPECT_EQ(reached(table, "gw.example.com"), "(refused)");
  EXPECT_EQ(reached(table, 10002, "gw.example.com"), "(refused)") << "another scope";
  EXPECT_EQ(reached(table, 10001, "plain.example.com"), "(refused)");
  EXPECT_EQ(reached(table, kUnscoped, "plain.example.com"), "plain.example.com");
}

TEST(RouteTable, OneHostnameInTwoScopesReachesTwoTargets) {
  Route plain = route("abc.example.com");
  Route scoped = route("abc.example.com", Wildcard::single_label, 10001);
  const RouteTable table(snapshot_of({plain, scoped}), 1);
  ASSERT_NE(table.lookup(kUnscoped, "abc.example.com"), nullptr);
  ASSERT_NE(table.lookup(10001, "abc.example.com"), nullptr);
  EXPECT_EQ(table.lookup(kUnscoped, "abc.example.com")->backends()[0].port(), plain.backends[0].port);
  EXPECT_EQ(table.lookup(10001, "ABC.example.com.")->backends()[0].port(), scoped.backends[0].port);
  EXPECT_NE(table.lookup(10001, "abc.example.com")->metrics(), table.lookup(kUnscoped, "abc.example.com")->metrics())
      << "counted apart";
}

TEST(RouteTable, TheDefaultBackendServesOnlyTheUnscopedListeners) {
  const RouteTable table(snapshot_of({route("gw.example.com", Wildcard::single_label, 10001)}, true), 1);
  EXPECT_EQ(reached(table, kUnscoped, "unknown.example.com"), "default");
  EXPECT_EQ(reached(table, kUnscoped, ""), "default");
  EXPECT_EQ(reached(table, 10001, "unknown.example.com"), "(refused)");
  EXPECT_EQ(reached(table, 10001, ""), "(refused)") << "no SNI on a scoped listener";
}

TEST(RouteTable, WildcardsMatchWithinTheirScopeAndExactNamesStillWinThere) {
  const RouteTable table(snapshot_of({route("*.com", Wildcard::suffix, 10002),
                                      route("www.example.com", Wildcard::single_label, 10002),
                                      route("*.example.org", Wildcard::single_label, 10002), route("*.net")},
                                     true),
                         1);
  EXPECT_EQ(reached(table, 10002, "x.com"), "*.com@10002");
  EXPECT_EQ(reached(table, 10002, "abc.example.com"), "*.com@10002");
  EXPECT_EQ(reached(table, 10002, "www.example.com"), "www.example.com@10002");
  EXPECT_EQ(reached(table, 10002, "a.example.org"), "*.example.org@10002");
  EXPECT_EQ(reached(table, 10002, "a.b.example.org"), "(refused)") << "single-label wildcard, no default";
  EXPECT_EQ(reached(table, 10002, "a.net"), "(refused)");
  EXPECT_EQ(reached(table, kUnscoped, "x.com"), "default");
  EXPECT_EQ(reached(table, kUnscoped, "a.net"), "*.net");
}

TEST(RouteTable, ScopedTargetsAreReusedAcrossSnapshotsByScopeAndName) {
  Route plain = route("abc.example.com");
  Route scoped = route("abc.example.com", Wildcard::single_label, 10001);
  Route wild = route("*.com", Wildcard::suffix, 10002);
  const RouteTable first(snapshot_of({plain, scoped, wild}), 1);
  const RouteTable second(snapshot_of({plain, scoped, wild}), 1, &first);
  EXPECT_EQ(second.lookup(10001, "abc.example.com"), first.lookup(10001, "abc.example.com"));
  EXPECT_EQ(second.lookup(10002, "x.com"), first.lookup(10002, "x.com"));
  EXPECT_EQ(second.lookup(kUnscoped, "abc.example.com"), first.lookup(kUnscoped, "abc.example.com"));

  // The same hostname and backends on another port is another route: no target, no counters shared.
  Route moved = scoped;
  moved.listen_port = 10003;
  const RouteTable third(snapshot_of({plain, moved}), 1, &first);
  EXPECT_NE(third.lookup(10003, "abc.example.com"), first.lookup(10001, "abc.example.com"));
  EXPECT_NE(third.lookup(10003, "abc.example.com")->metrics(), first.lookup(10001, "abc.example.com")->metrics());
  EXPECT_EQ(third.lookup(kUnscoped, "abc.example.com"), first.lookup(kUnscoped, "abc.example.com"));

  // A changed scoped route gets a new target that keeps its counters.
  Route changed = scoped;
  changed.backends[0].port = 9443;
  const RouteTable fourth(snapshot_of({plain, changed}), 1, &first);
  EXPECT_NE(fourth.lookup(10001, "abc.example.com"), first.lookup(10001, "abc.example.com"));
  EXPECT_EQ(fourth.lookup(10001, "abc.example.com")->metrics(), first.lookup(10001, "abc.example.com")->metrics());
}

TEST(RouteTable, VisitsTheTargetsOfEveryScope) {
  const RouteTable table(snapshot_of({route("abc.example.com"), route("abc.example.com", Wildcard::single_label, 10001),
                                      route("*.com", Wildcard::suffix, 10002)},
                                     true),
                         1);
  std::vector<std::string> names;
  table.for_each_target([&names](const RouteTarget& target) { names.push_back(target.name()); });
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"*.com@10002", "abc.example.com", "abc.example.com@10001", "default"}));
}

}  // namespace
}  // namespace snigate::routing
