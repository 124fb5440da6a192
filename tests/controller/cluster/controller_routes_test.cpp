// snigate-controller and snigate-dataplane as processes against the real kube-apiserver: routes
// follow Services, EndpointSlices and Ingresses; bad objects get Warning Events and hurt nothing
// else; restarts of either process lose nothing.
#include <gtest/gtest.h>

#include "controller_fixture.h"
#include "wait_until.h"

namespace snigate::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST_F(ControllerTest, AnnotatedServiceRoutesWithinASecondAndFollowsTheAnnotation) {
  start_controller();
  ASSERT_TRUE(wait_for_routes({}, 10s)) << "the first (empty) snapshot never arrived";

  const auto created = Clock::now();
  apply_routed_service("web", "a.example.com", {"192.0.2.1", "192.0.2.2"});
  ASSERT_TRUE(wait_for_routes({{"a.example.com", "192.0.2.1:8443 192.0.2.2:8443"}}, 1s));
  std::cout << "[ measured ] annotated Service to dataplane route: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - created).count() << " ms (kubectl included)\n";

  const auto changed = Clock::now();
  kubectl("annotate service web -n " + test_namespace() + " --overwrite snigate.io/hostnames=b.example.com,*.c.example.com");
  ASSERT_TRUE(wait_for_routes({{"b.example.com", "192.0.2.1:8443 192.0.2.2:8443"}, {"*.c.example.com", "192.0.2.1:8443 192.0.2.2:8443"}}, 2s));
  std::cout << "[ measured ] annotation change to dataplane route: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - changed).count() << " ms (kubectl included)\n";

  kubectl("delete service web -n " + test_namespace());
  EXPECT_TRUE(wait_for_routes({}, 2s));
}

TEST_F(ControllerTest, EndpointSliceChurnIsFollowed) {
  start_controller();
  apply_routed_service("web", "a.example.com", {"192.0.2.1"});
  ASSERT_TRUE(wait_for_routes({{"a.example.com", "192.0.2.1:8443"}}, 10s));

  apply_routed_service("web", "a.example.com", {"192.0.2.1", "192.0.2.2"});
  ASSERT_TRUE(wait_for_routes({{"a.example.com", "192.0.2.1:8443 192.0.2.2:8443"}}, 2s)) << "added endpoint";

  kubectl("patch endpointslice web-1 -n " + test_namespace() +
          " --type=json -p '[{\"op\":\"replace\",\"path\":\"/endpoints/0/conditions/ready\",\"value\":false}]'");
  ASSERT_TRUE(wait_for_routes({{"a.example.com", "192.0.2.2:8443"}}, 2s)) << "endpoint made not ready";

  apply_routed_service("web", "a.example.com", {"192.0.2.3"});
  ASSERT_TRUE(wait_for_routes({{"a.example.com", "192.0.2.3:8443"}}, 2s)) << "endpoints replaced";

  apply_routed_service("web", "a.example.com", {});
  ASSERT_TRUE(wait_for_routes({{"a.example.com", ""}}, 2s)) << "no endpoint left: the name stays, without backends";
  // The recorder waits out a 2 s grace period and reports on its next tick (at most 1 s later);
  // the rest of the window is for a loaded machine (CI once took over 5 s here).
  EXPECT_TRUE(wait_until([&] { return warning_reasons("Service", "web") == std::vector<std::string>{"NoReadyEndpoints"}; }, 15s))
      << testing::PrintToString(warning_reasons("Service", "web"));
}

TEST_F(ControllerTest, BadObjectsGetWarningEventsAndEverythingElseKeepsRouting) {
  start_controller();
  apply_routed_service("good", "good.example.com", {"192.0.2.1"});
  apply_routed_service("badname", "-bad-.example, fine.example.com", {"192.0.2.2"});
  apply_routed_service("badport", "port.example.com", {"192.0.2.3"});
  kubectl("annotate service badport -n " + test_namespace() + " snigate.io/port=9999");
  apply_routed_service("late", "good.example.com", {"192.0.2.4"});

  ASSERT_TRUE(wait_for_routes(
      {{"good.example.com", "192.0.2.1:8443"}, {"fine.example.com", "192.0.2.2:8443"}, {"port.example.com", ""}}, 10s));
  using Reasons = std::vector<std::string>;
  EXPECT_TRUE(wait_until([&] { return warning_reasons("Service", "badname") == Reasons{"InvalidHostname"}; }, 15s))
      << testing::PrintToString(warning_reasons("Service", "badname"));
  EXPECT_TRUE(wait_until([&] { return warning_reasons("Service", "badport") == Reasons{"UnknownPort"}; }, 15s))
      << testing::PrintToString(warning_reasons("Service", "badport"));
  EXPECT_TRUE(wait_until([&] { return warning_reasons("Service", "late") == Reasons{"HostnameConflict"}; }, 15s))
      << testing::PrintToString(warning_reasons("Service", "late"));
  EXPECT_EQ(warning_reasons("Service", "good"), Reasons{});

  // Fixing the port brings its route in; the others stay.
  kubectl("annotate service badport -n " + test_namespace() + " --overwrite snigate.io/port=https");
  EXPECT_TRUE(wait_for_routes({{"good.example.com", "192.0.2.1:8443"}, {"fine.example.com", "192.0.2.2:8443"},
                               {"port.example.com", "192.0.2.3:8443"}}, 2s));
}

TEST_F(ControllerTest, IngressesOfOurClassOnly) {
  const std::string ours = "snigate-" + test_namespace();
  const std::string theirs = "other-" + test_namespace();
  delete_after_test("ingressclass " + ours);
  delete_after_test("ingressclass " + theirs);
  apply("apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: " + ours +
        "\nspec:\n  controller: " + controller_name() +
        "\n---\napiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: " + theirs +
        "\nspec:\n  controller: example.com/other");
  apply_routed_service("web", "", {"192.0.2.1"});
  kubectl("annotate service web -n " + test_namespace() + " snigate.io/hostnames-");
  auto ingress = [&](const std::string& name, const std::string& class_line, const std::string& host) {
    apply("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: " + name + "\n  namespace: " + test_namespace() +
          "\nspec:\n" + class_line + "  rules:\n  - host: \"" + host +
          "\"\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n"
          "            name: web\n            port: {name: https}\n");
  };
  start_controller({"--publish-status-address", "192.0.2.200"});
  ingress("ours", "  ingressClassName: " + ours + "\n", "ours.example.com");
  ingress("theirs", "  ingressClassName: " + theirs + "\n", "theirs.example.com");
  ingress("unclassed", "", "unclassed.example.com");
  ingress("wildcard", "  ingressClassName: " + ours + "\n", "*.wild.example.com");
  ASSERT_TRUE(wait_for_routes({{"ours.example.com", "192.0.2.1:8443"}, {"*.wild.example.com", "192.0.2.1:8443"}}, 10s));

  kubectl("annotate ingressclass " + ours + " ingressclass.kubernetes.io/is-default-class=true");
  ASSERT_TRUE(wait_for_routes({{"ours.example.com", "192.0.2.1:8443"}, {"*.wild.example.com", "192.0.2.1:8443"},
                               {"unclassed.example.com", "192.0.2.1:8443"}}, 2s))
      << "an Ingress without class is ours once our class is the default";

  // Status is written on ours, never on theirs.
  EXPECT_TRUE(wait_until([&] {
    return kubectl("get ingress ours -n " + test_namespace() + " -o jsonpath={.status.loadBalancer.ingress[0].ip}") == "192.0.2.200";
  }, 5s));
  EXPECT_EQ(kubectl("get ingress theirs -n " + test_namespace() + " -o jsonpath={.status.loadBalancer.ingress}"), "");
}

TEST_F(ControllerTest, DataplaneRestartGetsTheCurrentSnapshotAndAKilledControllerLeavesRoutesInPlace) {
  auto& controller = start_controller();
  apply_routed_service("web", "a.example.com", {"192.0.2.1"});
  ASSERT_TRUE(wait_for_routes({{"a.example.com", "192.0.2.1:8443"}}, 10s));
  EXPECT_TRUE(wait_until([&] { return http_status(controller, "/readyz") == 200; }, 5s));

  dataplane_->stop(SIGKILL);
  dataplane_->start();
  EXPECT_TRUE(wait_for_routes({{"a.example.com", "192.0.2.1:8443"}}, 3s)) << "no re-push after the dataplane restarted";

  controller.process->stop(SIGKILL);
  apply_routed_service("web", "changed.example.com", {"192.0.2.1"});
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(dataplane_routes(), (std::map<std::string, std::string>{{"a.example.com", "192.0.2.1:8443"}}))
      << "the dataplane keeps the last snapshot while no controller runs";

  start_controller();
  EXPECT_TRUE(wait_for_routes({{"changed.example.com", "192.0.2.1:8443"}}, 10s)) << "a new controller catches up";
}

TEST_F(ControllerTest, ReadyzFollowsTheDataplaneConnection) {
  auto& controller = start_controller();
  apply_routed_service("web", "a.example.com", {"192.0.2.1"});
  ASSERT_TRUE(wait_for_routes({{"a.example.com", "192.0.2.1:8443"}}, 10s));
  ASSERT_TRUE(wait_until([&] { return http_status(controller, "/readyz") == 200; }, 5s));

  dataplane_->stop(SIGKILL);
  const auto killed = Clock::now();
  EXPECT_TRUE(wait_until([&] { return http_status(controller, "/readyz") == 503; }, 2s)) << "ready without a dataplane";
  std::cout << "[ measured ] dataplane killed to /readyz 503: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - killed).count() << " ms\n";

  dataplane_->start();
  const auto restarted = Clock::now();
  EXPECT_TRUE(wait_until([&] { return http_status(controller, "/readyz") == 200; }, 6s)) << "not ready again after the restart";
  std::cout << "[ measured ] dataplane restarted to /readyz 200: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - restarted).count() << " ms\n";
  EXPECT_EQ(dataplane_routes(), (std::map<std::string, std::string>{{"a.example.com", "192.0.2.1:8443"}}));
}

TEST_F(ControllerTest, MetricsHealthAndCleanShutdown) {
  auto& controller = start_controller();
  apply_routed_service("web", "a.example.com", {"192.0.2.1"});
  ASSERT_TRUE(wait_for_routes({{"a.example.com", "192.0.2.1:8443"}}, 10s));
  EXPECT_EQ(http_status(controller, "/healthz"), 200);
  EXPECT_TRUE(wait_until([&] { return http_status(controller, "/readyz") == 200; }, 5s));
  EXPECT_GE(metric(controller, "snigate_controller_pushes_total"), 1);
  EXPECT_EQ(metric(controller, "snigate_controller_lists_total{kind=\"Service\"}"), 1);
  // A change after the list arrives as a watch event (the Service itself may have been listed).
  kubectl("annotate service web -n " + test_namespace() + " example.com/touched=yes");
  EXPECT_TRUE(wait_until([&] { return metric(controller, "snigate_controller_watch_events_total{kind=\"Service\"}") >= 1; }, 5s));
  EXPECT_EQ(metric(controller, "snigate_controller_leader"), 1);
  EXPECT_EQ(controller.process->stop(SIGTERM), 0);
}

TEST_F(ControllerTest, DumpSnapshotPrintsTheRoutesAndExits) {
  apply_routed_service("web", "a.example.com", {"192.0.2.1"});
  const CommandResult dumped = run_command(std::string(SNIGATE_CONTROLLER_BINARY) + " --dump-snapshot --kubeconfig " +
                                           shell_quote(service_account_kubeconfig_) + " --watch-namespace " + test_namespace() +
                                           " 2>/dev/null");
  ASSERT_EQ(dumped.exit_status, 0);
  const auto document = nlohmann::json::parse(dumped.standard_output);
  ASSERT_EQ(document["routes"].size(), 1u);
  EXPECT_EQ(document["routes"][0]["hostname"], "a.example.com");
  EXPECT_EQ(document["routes"][0]["backends"][0]["address"], "192.0.2.1");
}

}  // namespace
}  // namespace snigate::test
