// Several controllers with --leader-elect: every one routes, exactly one writes Ingress status;
// when the leader stops (and releases the Lease) or dies (and its Lease runs out), another takes
// over; a leader that cannot renew steps down at its renew deadline, and one that was frozen
// writes nothing once it resumes.
#include <gtest/gtest.h>

#include <fstream>

#include "controller_fixture.h"
#include "wait_until.h"

namespace snigate::test {
namespace {

using namespace std::chrono_literals;

using Clock = std::chrono::steady_clock;

// Freezes kube-apiserver with SIGSTOP while it exists: connections stay open, requests go
// unanswered, as with an overloaded or partitioned apiserver.
class FrozenApiserver {
 public:
  FrozenApiserver() {
    std::ifstream(LocalClusterEnvironment::admin_kubeconfig().parent_path() / "kube-apiserver.pid") >> pid_;
    if (pid_ > 0) ::kill(pid_, SIGSTOP);
  }
  ~FrozenApiserver() {
    if (pid_ > 0) ::kill(pid_, SIGCONT);
  }
  FrozenApiserver(const FrozenApiserver&) = delete;
  FrozenApiserver& operator=(const FrozenApiserver&) = delete;

  bool frozen() const { return pid_ > 0; }

 private:
  pid_t pid_ = 0;
};

class LeaderElectionTest : public ControllerTest {
 protected:
  Controller& start_candidate(const std::string& identity, const std::string& publish_address = "192.0.2.77") {
    return start_controller({"--leader-elect", "--leader-election-namespace", test_namespace(), "--identity", identity,
                             "--publish-status-address", publish_address});
  }
  // Ingress "shop" of this test's class, for the Service "web".
  void apply_shop() {
    const std::string class_name = "snigate-" + test_namespace();
    delete_after_test("ingressclass " + class_name);
    apply("apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: " + class_name + "\nspec:\n  controller: " +
          controller_name());
    apply_routed_service("web", "", {"192.0.2.1"});
    apply("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\n  namespace: " + test_namespace() +
          "\nspec:\n  ingressClassName: " + class_name +
          "\n  rules:\n  - host: shop.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n"
          "        backend:\n          service: {name: web, port: {number: 443}}\n");
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
  apply_shop();

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

// The Lease is 15 s and the renew deadline 10 s: a renew that hangs (here: a frozen apiserver)
// must not keep a replica leading past its deadline, or two may lead at once.
TEST_F(LeaderElectionTest, ALeaderStepsDownAtItsRenewDeadlineWhileItsRenewHangs) {
  Controller& only = start_candidate("only");
  ASSERT_TRUE(wait_until([&] { return metric(only, "snigate_controller_leader") == 1; }, 10s));
  // Just after a renew, so that the full renew deadline lies ahead.
  const std::string renewed = kubectl("get lease snigate-controller -n " + test_namespace() + " -o jsonpath={.spec.renewTime}");
  ASSERT_TRUE(wait_until([&] {
    return kubectl("get lease snigate-controller -n " + test_namespace() + " -o jsonpath={.spec.renewTime}") != renewed;
  }, 5s, 50ms));

  const auto frozen_at = Clock::now();
  std::chrono::milliseconds stepped_down_after{0};
  {
    FrozenApiserver apiserver;
    ASSERT_TRUE(apiserver.frozen());
    EXPECT_TRUE(wait_until([&] { return metric(only, "snigate_controller_leader") == 0; }, 14s, 50ms))
        << "still the leader " << std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - frozen_at).count()
        << " s after its last renew";
    stepped_down_after = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - frozen_at);
  }
  std::cout << "[ measured ] renew hanging since " << stepped_down_after.count() << " ms: stepped down\n";
  EXPECT_GE(stepped_down_after, 7s) << "stepped down long before its renew deadline";
  EXPECT_TRUE(wait_until([&] { return metric(only, "snigate_controller_leader") == 1; }, 10s)) << "leads again once the apiserver answers";
}

// A leader frozen (SIGSTOP) past its Lease loses it to another replica; resumed, it must not write
// the status it still wants (here each replica publishes its own address, so a write would show),
// nor Events for a problem that appeared while it was frozen: it only logs that.
TEST_F(LeaderElectionTest, AResumedFrozenLeaderWritesNothingAfterAnotherTookTheLease) {
  apply_shop();
  Controller& first = start_candidate("first", "192.0.2.77");
  ASSERT_TRUE(wait_until([&] { return metric(first, "snigate_controller_leader") == 1; }, 10s));
  ASSERT_TRUE(wait_until([&] { return published_ip() == "192.0.2.77"; }, 10s));
  Controller& second = start_candidate("second", "192.0.2.88");
  ASSERT_TRUE(wait_until([&] { return http_status(second, "/readyz") == 200; }, 10s));
  const double first_writes = metric(first, "snigate_controller_ingress_status_updates_total");
  ASSERT_EQ(first_writes, 1);
  const double first_events = metric(first, "snigate_controller_events_recorded_total");
  EXPECT_EQ(metric(second, "snigate_controller_events_recorded_total"), 0) << "a follower wrote Events";

  first.process->signal(SIGSTOP);
  const auto frozen_at = Clock::now();
  EXPECT_TRUE(wait_until([&] { return holder() == "second"; }, 25s)) << "holder: " << holder();
  std::cout << "[ measured ] frozen leader replaced after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - frozen_at).count() << " ms\n";
  EXPECT_TRUE(wait_until([&] { return published_ip() == "192.0.2.88"; }, 5s)) << "the new leader writes its address";
  apply_routed_service("bad", "bad.example.com", {"192.0.2.5"});
  kubectl("annotate service bad -n " + test_namespace() + " snigate.io/port=9999");
  EXPECT_TRUE(wait_until([&] { return metric(second, "snigate_controller_events_recorded_total") >= 1; }, 5s))
      << "the new leader records the problem";

  first.process->signal(SIGCONT);
  // The resumed replica sees the status it disagrees with at once (its watch has it buffered);
  // give it several translation rounds and a renew attempt.
  std::this_thread::sleep_for(5s);
  EXPECT_EQ(published_ip(), "192.0.2.88") << "the old leader overwrote the new leader's status";
  EXPECT_EQ(metric(first, "snigate_controller_ingress_status_updates_total"), first_writes);
  EXPECT_EQ(metric(first, "snigate_controller_events_recorded_total"), first_events) << "the old leader wrote Events";
  EXPECT_NE(first.process->log().find("\"UnknownPort\""), std::string::npos) << "the old leader does not log the problem";
  EXPECT_EQ(metric(first, "snigate_controller_leader"), 0);
  EXPECT_EQ(holder(), "second");
}

}  // namespace
}  // namespace snigate::test
