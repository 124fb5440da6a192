// Our own status writes must cost the translation nothing. Each TLSRoute status we write comes back
// as a watch event; if that counted as a change of the route, the first status pass over N routes
// would translate every route about N times (coalesced only by chance of timing).
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>

#include "gateway_fixtures.h"
#include "kube/object_store.h"

namespace snigate::controller::translate {
namespace {

using namespace fixtures;

json showing_our_parent_entry(json route) {
  route["status"] = {{"parents", json::array({{{"parentRef", {{"name", "edge"}, {"namespace", "edge"}}},
                                               {"controllerName", "snigate.io/gateway-controller"},
                                               {"conditions", json::array()}}})}};
  return route;
}

TEST(TLSRouteStatusScale, TheFirstStatusPassOverTwoThousandRoutesTranslatesNothing) {
  constexpr int kRoutes = 2000;
  kube::ObjectStore store;
  store.change("GatewayClass", [](model::ClusterState& state) { return state.upsert(model::decode_gateway_class(gateway_class("snigate"))); });
  store.change("Gateway", [](model::ClusterState& state) {
    const json shared = with(listener("tls", "*.example.com"), "/allowedRoutes", {{"namespaces", {{"from", "All"}}}});
    return state.upsert(model::decode_gateway(gateway("edge", "edge", json::array({shared}))));
  });
  std::vector<json> routes;
  for (int i = 0; i < kRoutes; ++i) {
    const std::string name = "r-" + std::to_string(i);
    routes.push_back(tls_route(name, {.hostnames = json::array({name + ".example.com"})}));
  }
  store.change("TLSRoute", [&](model::ClusterState& state) {
    std::vector<model::TLSRoute> decoded;
    for (const auto& route : routes) decoded.push_back(model::decode_tls_route(route));
    state.replace(std::move(decoded));
    return true;
  }, /*relist=*/true);

  Translator translator({.ingress_classes = kSelection});
  const auto translate_now = [&] { return store.read([&](const model::ClusterState& state) { return translator.translate(state); }); };
  std::uint64_t translated = store.version();
  ASSERT_EQ(translate_now().gateway_api.routes.size(), static_cast<std::size_t>(kRoutes));

  // The status writer writes each route's entry; its watch event follows. The translation loop
  // translates whenever the store's version moved: here after every event, as it does when the
  // events come slower than a translation takes (the worst case; faster ones coalesce).
  int translations = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const auto& route : routes) {
    store.change("TLSRoute", [&](model::ClusterState& state) { return state.upsert(model::decode_tls_route(showing_our_parent_entry(route))); });
    if (store.version() == translated) continue;
    translated = store.version();
    translate_now();
    ++translations;
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  std::cout << "status pass over " << kRoutes << " TLSRoutes: " << translations << " translations, " << elapsed.count() << " ms\n";
  EXPECT_EQ(translations, 0);
}

}  // namespace
}  // namespace snigate::controller::translate
