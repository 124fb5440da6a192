// RouteStore's generation ordering, and SnapshotServer::handle, the control socket's answers.
#include "control/route_store.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "control/snapshot_server.h"
#include "log/log.h"

namespace snigate::control {
namespace {

using nlohmann::json;

snapshot::Snapshot snapshot_with(std::uint64_t generation, const std::string& hostname) {
  snapshot::Snapshot snapshot;
  snapshot.generation = generation;
  snapshot::Route route;
  route.hostname = hostname;
  route.backends = {snapshot::Backend{"127.0.0.1", 8443, 1}};
  snapshot.routes.push_back(route);
  return snapshot;
}

// The route name a new connection for `server_name` would reach, or "(none)".
std::string reached(const RouteStore& store, std::string_view server_name) {
  auto table = store.current();
  if (!table) return "(none)";
  auto target = table->lookup(server_name);
  return target ? target->name() : "(none)";
}

TEST(RouteStore, HasNoTableUntilTheFirstSnapshot) {
  RouteStore store(2);
  EXPECT_EQ(store.current(), nullptr);
  EXPECT_FALSE(store.stats().ready);
}

TEST(RouteStore, AppliedSnapshotServesNewConnections) {
  RouteStore store(2);
  EXPECT_EQ(store.apply(snapshot_with(5, "a.example.com"), RouteStore::Ordering::strict), std::nullopt);
  EXPECT_EQ(reached(store, "a.example.com"), "a.example.com");
  auto stats = store.stats();
  EXPECT_TRUE(stats.ready);
  EXPECT_EQ(stats.generation, 5u);
  EXPECT_EQ(stats.routes, 1u);
  EXPECT_EQ(stats.applied, 1u);
  EXPECT_EQ(stats.rejected, 0u);
  EXPECT_GT(stats.last_applied_at.time_since_epoch().count(), 0);
}

TEST(RouteStore, NewerGenerationReplacesTheTable) {
  RouteStore store(1);
  store.apply(snapshot_with(5, "a.example.com"), RouteStore::Ordering::strict);
  EXPECT_EQ(store.apply(snapshot_with(6, "b.example.com"), RouteStore::Ordering::strict), std::nullopt);
  EXPECT_EQ(reached(store, "a.example.com"), "(none)");
  EXPECT_EQ(reached(store, "b.example.com"), "b.example.com");
  EXPECT_EQ(store.stats().generation, 6u);
}

TEST(RouteStore, ReplacedTableIsFreedWhenReleasedNotWhileApplying) {
  RouteStore store(1);
  store.apply(snapshot_with(5, "a.example.com"), RouteStore::Ordering::strict);
  const std::weak_ptr<const routing::RouteTable> first = store.current();
  store.apply(snapshot_with(6, "b.example.com"), RouteStore::Ordering::strict);
  EXPECT_FALSE(first.expired()) << "freed before the control socket could answer";
  store.release_replaced();
  EXPECT_TRUE(first.expired());
}

TEST(RouteStore, StaleGenerationIsRejectedAndTheOldTableKeepsServing) {
  RouteStore store(1);
  store.apply(snapshot_with(5, "a.example.com"), RouteStore::Ordering::strict);
  auto refusal = store.apply(snapshot_with(4, "b.example.com"), RouteStore::Ordering::strict);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(*refusal, "generation 4 is not newer than the current generation 5");
  EXPECT_EQ(reached(store, "a.example.com"), "a.example.com");
  EXPECT_EQ(reached(store, "b.example.com"), "(none)");
  auto stats = store.stats();
  EXPECT_EQ(stats.generation, 5u);
  EXPECT_EQ(stats.rejected, 1u);
  EXPECT_EQ(stats.applied, 1u);
}

// A route for a Gateway listener this dataplane does not listen for would be silently unreachable.
TEST(RouteStore, ARouteOnAListenPortNoScopedListenerServesIsRejected) {
  for (auto ordering : {RouteStore::Ordering::strict, RouteStore::Ordering::any}) {
    RouteStore store(1, {10001});
    store.apply(snapshot_with(5, "a.example.com"), ordering);
    auto scoped = snapshot_with(6, "b.example.com");
    scoped.routes[0].listen_port = 10001;
    EXPECT_EQ(store.apply(scoped, ordering), std::nullopt);
    EXPECT_NE(store.current()->lookup(10001, "b.example.com"), nullptr);
    auto unserved = snapshot_with(7, "c.example.com");
    unserved.routes[0].listen_port = 9;
    EXPECT_EQ(store.apply(unserved, ordering),
              R"(route 0 ("c.example.com"): listen_port 9 is served by no --scoped-listen)");
    EXPECT_NE(store.current()->lookup(10001, "b.example.com"), nullptr) << "the old table keeps serving";
    EXPECT_EQ(store.stats().generation, 6u);
    EXPECT_EQ(store.stats().rejected, 1u);
  }
}

TEST(RouteStore, SameGenerationWithSameContentIsAccepted) {
  RouteStore store(1);
  store.apply(snapshot_with(5, "a.example.com"), RouteStore::Ordering::strict);
  EXPECT_EQ(store.apply(snapshot_with(5, "a.example.com"), RouteStore::Ordering::strict), std::nullopt);
  EXPECT_EQ(store.stats().rejected, 0u);
}

// A controller that reconnects pushes the same snapshot again, and a SIGHUP may re-read an
// unchanged file: neither builds a table (nor moves any balancer back to its start).
TEST(RouteStore, AnIdenticalSnapshotIsAcknowledgedWithoutBuildingATable) {
  for (auto ordering : {RouteStore::Ordering::strict, RouteStore::Ordering::any}) {
    RouteStore store(1);
    store.apply(snapshot_with(5, "a.example.com"), ordering);
    auto before = store.current();
    EXPECT_EQ(store.apply(snapshot_with(5, "a.example.com"), ordering), std::nullopt);
    EXPECT_EQ(store.current(), before);
    auto stats = store.stats();
    EXPECT_EQ(stats.applied, 1u);
    EXPECT_EQ(stats.unchanged, 1u);
    EXPECT_EQ(stats.rejected, 0u);
    EXPECT_EQ(store.apply(snapshot_with(6, "a.example.com"), ordering), std::nullopt);
    EXPECT_NE(store.current(), before) << "a new generation is a new table (whose targets are the old ones)";
    EXPECT_EQ(store.current()->lookup("a.example.com"), before->lookup("a.example.com"));
  }
}

TEST(RouteStore, SameGenerationWithDifferentContentIsRejected) {
  RouteStore store(1);
  store.apply(snapshot_with(5, "a.example.com"), RouteStore::Ordering::strict);
  EXPECT_TRUE(store.apply(snapshot_with(5, "b.example.com"), RouteStore::Ordering::strict));
  EXPECT_EQ(reached(store, "a.example.com"), "a.example.com");
}

TEST(RouteStore, AnyOrderingAcceptsALowerGeneration) {
  RouteStore store(1);
  store.apply(snapshot_with(5, "a.example.com"), RouteStore::Ordering::strict);
  EXPECT_EQ(store.apply(snapshot_with(1, "b.example.com"), RouteStore::Ordering::any), std::nullopt);
  EXPECT_EQ(reached(store, "b.example.com"), "b.example.com");
  EXPECT_EQ(store.stats().generation, 1u);
}

TEST(RouteStore, ConnectionKeepsTheTableItStartedWith) {
  RouteStore store(1);
  store.apply(snapshot_with(1, "a.example.com"), RouteStore::Ordering::strict);
  auto in_flight = store.current();
  store.apply(snapshot_with(2, "b.example.com"), RouteStore::Ordering::strict);
  ASSERT_NE(in_flight->lookup("a.example.com"), nullptr);
  EXPECT_EQ(in_flight->snapshot().generation, 1u);
}

TEST(RouteStore, CountsDocumentsRefusedBeforeDecoding) {
  RouteStore store(1);
  store.count_rejection();
  EXPECT_EQ(store.stats().rejected, 1u);
  EXPECT_FALSE(store.stats().ready);
}

class SnapshotServerHandle : public testing::Test {
 protected:
  void SetUp() override { log::set_level(log::Level::error); }
  void TearDown() override { log::set_level(log::Level::info); }

  json handle(const std::string& request) { return json::parse(SnapshotServer::handle(request, store)); }

  RouteStore store{1};
};

TEST_F(SnapshotServerHandle, AcknowledgesAnAppliedSnapshotWithItsGeneration) {
  EXPECT_EQ(handle(snapshot::encode(snapshot_with(7, "a.example.com"))), (json{{"ok", true}, {"generation", 7}}));
  EXPECT_EQ(reached(store, "a.example.com"), "a.example.com");
}

TEST_F(SnapshotServerHandle, AnswersAnInvalidDocumentWithTheReason) {
  auto answer = handle(R"({"version": 1, "generation": 3, "routes": [{"hostname": "a.example.com", "backends": {}}]})");
  EXPECT_EQ(answer, (json{{"ok", false}, {"error", R"(snapshot rejected: route 0: "backends" must be an array)"}}));
  EXPECT_EQ(handle("not json")["error"], "snapshot rejected: not valid JSON");
  EXPECT_EQ(store.stats().rejected, 2u);
  EXPECT_EQ(store.current(), nullptr);
}

TEST_F(SnapshotServerHandle, AnswersAStaleGenerationWithTheReason) {
  handle(snapshot::encode(snapshot_with(7, "a.example.com")));
  auto answer = handle(snapshot::encode(snapshot_with(6, "b.example.com")));
  EXPECT_EQ(answer, (json{{"ok", false},
                          {"generation", 6},
                          {"error", "snapshot rejected: generation 6 is not newer than the current generation 7"}}));
  EXPECT_EQ(reached(store, "a.example.com"), "a.example.com");
}

TEST_F(SnapshotServerHandle, ReturnsTheSnapshotInUse) {
  EXPECT_EQ(handle(R"({"get": "snapshot"})"), (json{{"ok", false}, {"error", "no snapshot applied yet"}}));
  auto applied = snapshot_with(9, "a.example.com");
  handle(snapshot::encode(applied));
  EXPECT_EQ(snapshot::decode(SnapshotServer::handle(R"({"get": "snapshot"})", store)), applied);
}

// The get request is told apart by its first key, so that a snapshot is parsed once (by
// snapshot::decode), not first as general JSON too.
TEST_F(SnapshotServerHandle, TellsAGetRequestByItsFirstKey) {
  auto applied = snapshot_with(9, "a.example.com");
  handle(snapshot::encode(applied));
  EXPECT_EQ(snapshot::decode(SnapshotServer::handle(" \n\t{ \"get\" : \"snapshot\" }\n", store)), applied);
  EXPECT_EQ(handle(R"({"get": "snapshot", "generation": 3})"), (json{{"ok", false}, {"error", "unknown request"}}));
  EXPECT_EQ(handle(R"({"generation": 3, "get": "snapshot"})")["error"], R"(snapshot rejected: unknown field "get")");
}

TEST_F(SnapshotServerHandle, RefusesAnUnknownGet) {
  EXPECT_EQ(handle(R"({"get": "routes"})"), (json{{"ok", false}, {"error", "unknown request"}}));
}

}  // namespace
}  // namespace snigate::control
