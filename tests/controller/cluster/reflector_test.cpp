// Reflector<Resource> against the real kube-apiserver: the store follows adds, changes and
// deletes, and a relist drops what was deleted while the reflector was not watching.
#include "kube/reflector.h"

#include <gtest/gtest.h>

#include <thread>

#include "local_cluster_fixture.h"
#include "wait_until.h"

namespace snigate::controller::kube {
namespace {

using test::LocalClusterEnvironment;

class ReflectorTest : public test::LocalClusterTest {
 protected:
  std::string service_manifest(const std::string& name, const std::string& label) {
    return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\n  namespace: " + test_namespace() +
           "\n  labels:\n    mark: " + label + "\nspec:\n  ports:\n  - port: 443\n";
  }

  std::optional<std::string> label_of(const ObjectStore& store, const std::string& name) {
    for (const auto& object : store.list(Services::kind)) {
      if ((*object)["metadata"]["name"] == name) return (*object)["metadata"]["labels"].value("mark", "");
    }
    return std::nullopt;
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
  EXPECT_EQ(store.list(Services::kind).size(), 7u);
  stop.trigger();
  running.join();
}

}  // namespace
}  // namespace snigate::controller::kube
