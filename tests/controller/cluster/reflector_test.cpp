// Reflector<Resource> against the real kube-apiserver: the store follows adds, changes and
// deletes, and a relist drops what was deleted while the reflector was not watching. Through a
// TcpRelay that freezes its connections: a half-open watch is given up and opened again, and a
// stop ends a list that gets no answer.
#include "kube/reflector.h"

#include <gtest/gtest.h>

#include <iostream>
#include <thread>

#include "local_cluster_fixture.h"
#include "tcp_relay.h"
#include "wait_until.h"

namespace snigate::controller::kube {
namespace {

using namespace std::chrono_literals;
using test::LocalClusterEnvironment;

// How these tests read the store: the "mark" label of one Service, nullopt when it is not there.
std::optional<std::string> label_of(const ObjectStore& store, const std::string& name) {
  return store.read([&](const model::ClusterState& state) -> std::optional<std::string> {
    for (const auto& [key, service] : state.services) {
      if (service.meta.name != name) continue;
      const auto mark = service.meta.labels.find("mark");
      return mark == service.meta.labels.end() ? "" : mark->second;
    }
    return std::nullopt;
  });
}

// The admin kubeconfig, with the server reached through `relay`.
ClusterConfig config_through(const test::TcpRelay& relay) {
  ClusterConfig config = load_kubeconfig(LocalClusterEnvironment::admin_kubeconfig());
  config.server = "https://127.0.0.1:" + std::to_string(relay.port());
  return config;
}

std::uint16_t apiserver_port() {
  const std::string server = load_kubeconfig(LocalClusterEnvironment::admin_kubeconfig()).server;
  return static_cast<std::uint16_t>(std::stoi(server.substr(server.rfind(':') + 1)));
}

class ReflectorTest : public test::LocalClusterTest {
 protected:
  std::string service_manifest(const std::string& name, const std::string& label) {
    return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\n  namespace: " + test_namespace() +
           "\n  labels:\n    mark: " + label + "\nspec:\n  ports:\n  - port: 443\n";
  }

  static std::size_t service_count(const ObjectStore& store) {
    return store.read([](const model::ClusterState& state) { return state.services.size(); });
  }
};

TEST_F(ReflectorTest, StoreFollowsAddsChangesAndDeletes) {
  apply(service_manifest("first", "one"));
  ApiClient api(load_kubeconfig(LocalClusterEnvironment::admin_kubeconfig()), std::chrono::seconds(20));
  ObjectStore store;
  telemetry::ControllerMetrics metrics;
  StopSignal stop;
  Reflector<Services> reflector(api, store, metrics, stop, {.watch_namespace = test_namespace(), .min_watch_timeout = std::chrono::seconds(5)});
  std::thread running([&] { reflector.run(); });

  EXPECT_TRUE(test::wait_until([&] { return store.synced(Services::kind); }, std::chrono::seconds(5)));
  EXPECT_EQ(label_of(store, "first"), "one");

  apply(service_manifest("second", "two"));
  EXPECT_TRUE(test::wait_until([&] { return label_of(store, "second") == "two"; }, std::chrono::seconds(2)));
  kubectl("label service first -n " + test_namespace() + " mark=changed --overwrite");
  EXPECT_TRUE(test::wait_until([&] { return label_of(store, "first") == "changed"; }, std::chrono::seconds(2)));
  kubectl("delete service second -n " + test_namespace());
  EXPECT_TRUE(test::wait_until([&] { return !label_of(store, "second"); }, std::chrono::seconds(2)));

  // Watches of 5-10 s end normally and are opened again without a list.
  EXPECT_TRUE(test::wait_until([&] { return metrics.kind(Services::kind).watch_restarts >= 1; }, std::chrono::seconds(15)));
  EXPECT_EQ(metrics.kind(Services::kind).lists, 1u);
  kubectl("label service first -n " + test_namespace() + " mark=after-rewatch --overwrite");
  EXPECT_TRUE(test::wait_until([&] { return label_of(store, "first") == "after-rewatch"; }, std::chrono::seconds(2)));

  const auto stop_started = std::chrono::steady_clock::now();
  stop.trigger();
  running.join();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, std::chrono::seconds(2)) << "stop waits for the open watch";
}

// With resourceVersion=0 the watch cache answers and ignores `limit` (as for client-go), so the
// first list is whole; `continue` pages come only with quorum lists, or from an apiserver without
// a watch cache (controller_apiserver_restart_tests).
TEST_F(ReflectorTest, FirstListIsWholeEvenWithSmallPages) {
  for (int i = 0; i < 7; ++i) apply(service_manifest("paged-" + std::to_string(i), "p"));
  ApiClient api(load_kubeconfig(LocalClusterEnvironment::admin_kubeconfig()), std::chrono::seconds(20));
  ObjectStore store;
  telemetry::ControllerMetrics metrics;
  StopSignal stop;
  Reflector<Services> reflector(api, store, metrics, stop, {.watch_namespace = test_namespace(), .page_size = 2});
  std::thread running([&] { reflector.run(); });
  EXPECT_TRUE(test::wait_until([&] { return store.synced(Services::kind); }, std::chrono::seconds(5)));
  EXPECT_EQ(service_count(store), 7u);
  stop.trigger();
  running.join();
}

// The relay freezes the watch's connection: no FIN, no RST, no bytes, as when the apiserver's host
// vanishes. A change made then must still reach the store within about a minute: the watch is
// given up after ApiClient::kWatchInactivityTimeout without a byte (bookmarks come every minute)
// and opened again on a new connection, from the last resourceVersion.
TEST_F(ReflectorTest, HalfOpenWatchIsGivenUpAndOpenedAgain) {
  apply(service_manifest("first", "one"));
  test::TcpRelay relay(apiserver_port());
  ApiClient api(config_through(relay), 600s);  // --min-watch-timeout's default: watches of 5-10 min
  ObjectStore store;
  telemetry::ControllerMetrics metrics;
  StopSignal stop;
  Reflector<Services> reflector(api, store, metrics, stop, {.watch_namespace = test_namespace()});
  std::thread running([&] { reflector.run(); });
  ASSERT_TRUE(test::wait_until([&] { return label_of(store, "first") == "one"; }, 5s));
  std::this_thread::sleep_for(500ms);  // the watch is open

  relay.freeze();
  const auto frozen = std::chrono::steady_clock::now();
  kubectl("label service first -n " + test_namespace() + " mark=after-freeze --overwrite");
  EXPECT_TRUE(test::wait_until([&] { return label_of(store, "first") == "after-freeze"; },
                               ApiClient::kWatchInactivityTimeout + 20s, 100ms))
      << "the half-open watch was not given up";
  std::cout << "change after the freeze reached the store in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - frozen).count() << " ms\n";
  EXPECT_EQ(metrics.kind(Services::kind).lists, 1u) << "a broken connection needs no list, only a new watch";
  stop.trigger();
  running.join();
}

// A list that gets no answer (the relay holds every connection) must not hold up the stop: the
// stop signal cancels the request instead of waiting for its 30 s timeout.
TEST_F(ReflectorTest, StopCancelsAListInFlight) {
  test::TcpRelay relay(apiserver_port());
  relay.freeze_all();
  ApiClient api(config_through(relay), 20s);
  ObjectStore store;
  telemetry::ControllerMetrics metrics;
  StopSignal stop;
  Reflector<Services> reflector(api, store, metrics, stop, {.watch_namespace = test_namespace()});
  std::thread running([&] { reflector.run(); });
  std::this_thread::sleep_for(1s);
  ASSERT_EQ(metrics.kind(Services::kind).lists, 0u);

  const auto stop_started = std::chrono::steady_clock::now();
  stop.trigger();
  running.join();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, 2s) << "stop waited for the list";
}

}  // namespace
}  // namespace snigate::controller::kube
