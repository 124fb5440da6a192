// Several controllers with --leader-elect: every one routes, exactly one writes Ingress status;
// when the leader stops (and releases the Lease) or dies (and its Lease runs out), another takes over.
#include <gtest/gtest.h>

#include "controller_fixture.h"
#include "wait_until.h"

namespace snigate::test {
namespace {

using namespace std::chrono_literals;

class LeaderElectionTest : public ControllerTest {
 protected:
  Controller& start_candidate(const std::string& identity) {
    return start_controller({"--leader-elect", "--leader-election-namespace", test_namespace(), "--identity", identity,
                             "--publish-status-address", "192.0.2.77"});
  }
  std::string holder() {
    return kubectl("get lease snigate-controller -n " + test_namespace() + " -o jsonpath={.spec.holderIdentity}");
  }
  std::string published_ip() {
    return kubectl("get ingress shop -n " + test_namespace() + " -o jsonpath={.status.loadBalancer.ingress[0].ip}");
  }
  void clear_status() {
    kubectl("patch ingress shop -n " + test_namespace() +
            " --subresource=status --type=merge -p '{\"status\":{\"loadBalancer\":{\"ingress\":null}}}'");
  }
  double status_writes() {
    double total = 0;
    for (const auto& controller : controllers_) {
      if (controller.process->running()) total += metric(controller, "snigate_controller_ingress_status_updates_total");
    }
    return total;
  }
};

TEST_F(LeaderElectionTest, OneLeaderWritesStatusAndAnotherTakesOverWhenItGoes) {
  const std::string class_name = "snigate-" + test_namespace();
  delete_after_test("ingressclass " + class_name);
  apply("apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: " + class_name + "\nspec:\n  controller: " +
        controller_name());
  apply_routed_service("web", "", {"192.0.2.1"});
  apply("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\n  namespace: " + test_namespace() +
        "\nspec:\n  ingressClassName: " + class_name +
        "\n  rules:\n  - host: shop.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n"
        "        backend:\n          service: {name: web, port: {number: 443}}\n");

  Controller& first = start_candidate("first");
  Controller& second = start_candidate("second");
  ASSERT_TRUE(wait_for_routes({{"shop.example.com", "192.0.2.1:8443"}}, 10s));
  ASSERT_TRUE(wait_until([&] { return published_ip() == "192.0.2.77"; }, 10s));
  ASSERT_TRUE(wait_until([&] { return metric(first, "snigate_controller_leader") + metric(second, "snigate_controller_leader") == 1; }, 5s));
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(status_writes(), 1) << "exactly one replica writes, and only once";

  Controller& leader = metric(first, "snigate_controller_leader") == 1 ? first : second;
  const std::string leader_name = holder();
  ASSERT_TRUE(leader_name == "first" || leader_name == "second") << leader_name;
  const std::string follower_name = leader_name == "first" ? "second" : "first";

  // A clean stop releases the Lease: the follower takes over within a retry period or two.
  EXPECT_EQ(leader.process->stop(SIGTERM), 0);
  EXPECT_TRUE(wait_until([&] { return holder() == follower_name; }, 6s)) << "holder: " << holder();
  clear_status();
  EXPECT_TRUE(wait_until([&] { return published_ip() == "192.0.2.77"; }, 5s)) << "the new leader writes the status";

  // A dead leader keeps the Lease until it runs out (15 s), then a third replica takes it.
  Controller& third = start_candidate("third");
  ASSERT_TRUE(wait_until([&] { return http_status(third, "/readyz") == 200; }, 10s));
  Controller& current = follower_name == "first" ? first : second;
  current.process->stop(SIGKILL);
  EXPECT_TRUE(wait_until([&] { return holder() == "third"; }, 25s)) << "holder: " << holder();
  clear_status();
  EXPECT_TRUE(wait_until([&] { return published_ip() == "192.0.2.77"; }, 5s));
  EXPECT_EQ(dataplane_routes(), (std::map<std::string, std::string>{{"shop.example.com", "192.0.2.1:8443"}}));
}

}  // namespace
}  // namespace snigate::test
