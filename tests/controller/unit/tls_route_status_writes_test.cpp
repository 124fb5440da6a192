// Which TLSRoute statuses the leader writes: only what changed, what another controller took away,
// and our entries on routes that no longer name a Gateway of ours.
#include <gtest/gtest.h>

#include "gateway_fixtures.h"
#include "kube/gateway_api_status_json.h"
#include "kube/gateway_api_status_writer.h"

namespace snigate::controller::kube {
namespace {

using nlohmann::json;
using translate::fixtures::tls_route;

const std::string kOurs = "snigate.io/gateway-controller";

translate::TLSRouteStatus wanted(const std::string& uid, std::size_t parents = 1) {
  model::ParentReference parent;
  parent.name = "edge";
  translate::TLSRouteStatus status{{.kind = "TLSRoute", .namespace_name = "shop", .name = uid, .uid = uid}, 1, {}};
  for (std::size_t i = 0; i < parents; ++i) status.parents.push_back({parent, {true, "Accepted", ""}, {true, "ResolvedRefs", ""}});
  return status;
}

ShownTLSRouteParents showing(const std::string& uid, std::size_t ours) {
  return {{.kind = "TLSRoute", .namespace_name = "shop", .name = uid, .uid = uid}, ours};
}

std::vector<std::string> uids(const std::vector<translate::TLSRouteStatus>& writes) {
  std::vector<std::string> result;
  for (const auto& write : writes) result.push_back(write.route.uid + (write.parents.empty() ? " without ours" : ""));
  return result;
}

TEST(TLSRouteStatusWrites, OnlyWhatChangedWhatWasTakenAwayAndStaleEntriesOfOurs) {
  const std::map<std::string, translate::TLSRouteStatus> written = {
      {"same", wanted("same")}, {"changed", wanted("changed")}, {"replaced", wanted("replaced")}};
  const std::vector<translate::TLSRouteStatus> wants = {wanted("same"), wanted("changed", 2), wanted("replaced"), wanted("new")};
  const ShownTLSRoutes shown = {{"same", showing("same", 1)},
                                {"changed", showing("changed", 1)},
                                // "replaced": another controller wrote the list without our entry
                                {"stale", showing("stale", 2)}};
  EXPECT_EQ(uids(tls_route_writes(wants, written, shown)),
            (std::vector<std::string>{"changed", "replaced", "new", "stale without ours"}));
  // Once the watch shows what was written, nothing is.
  const std::map<std::string, translate::TLSRouteStatus> now_written = {
      {"same", wanted("same")}, {"changed", wanted("changed", 2)}, {"replaced", wanted("replaced")}, {"new", wanted("new")}};
  const ShownTLSRoutes now_shown = {
      {"same", showing("same", 1)}, {"changed", showing("changed", 2)}, {"replaced", showing("replaced", 1)}, {"new", showing("new", 1)}};
  EXPECT_TRUE(tls_route_writes(wants, now_written, now_shown).empty());
}

TEST(TLSRouteStatusWrites, RoutesShowingOurEntriesAreFoundByControllerName) {
  model::ClusterState state;
  json route = tls_route("app", {});
  route["status"] = {{"parents", json::array({{{"controllerName", "example.com/other"}}, {{"controllerName", kOurs}}})}};
  state.upsert(model::decode_tls_route(route));
  state.upsert(model::decode_tls_route(tls_route("quiet", {})));
  const ShownTLSRoutes shown = tls_routes_showing_our_parents(state, kOurs);
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown.at("uid-app").ours, 1u);
  EXPECT_EQ(shown.at("uid-app").route.qualified_name(), "shop/app");
  EXPECT_TRUE(tls_routes_showing_our_parents(state, "example.com/nobody").empty());
}

TEST(TLSRouteStatusWrites, AStatusWithoutParentsRemovesOursAndKeepsTheirs) {
  const json theirs = {{"parentRef", {{"name", "other"}}}, {"controllerName", "example.com/other"}, {"conditions", json::array()}};
  const json ours = {{"parentRef", {{"name", "edge"}}}, {"controllerName", kOurs}, {"conditions", json::array()}};
  const json status = tls_route_status({{"parents", json::array({ours, theirs})}}, wanted("app", 0), kOurs, "2030-01-01T00:00:00Z");
  EXPECT_EQ(status["parents"], json::array({theirs}));
}

}  // namespace
}  // namespace snigate::controller::kube
