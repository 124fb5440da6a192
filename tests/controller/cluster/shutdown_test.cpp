// In a pod, the controller gets SIGTERM when the pod starts terminating, while the dataplane still
// accepts clients through its preStop pause and then drains: with --wait-for-dataplane the
// controller keeps the dataplane's routes current until the dataplane has exited.
#include <gtest/gtest.h>

#include <csignal>

#include "controller_fixture.h"
#include "wait_until.h"

namespace snigate::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class ShutdownTest : public ControllerTest {};

TEST_F(ShutdownTest, AfterSigtermTheControllerRoutesOnUntilTheDataplaneExits) {
  Controller& controller = start_controller({"--wait-for-dataplane", "60s"});
  apply_routed_service("web", "a.example.com", {"10.0.0.1"});
  ASSERT_TRUE(wait_for_routes({{"a.example.com", "10.0.0.1:8443"}}, 10s));

  controller.process->signal(SIGTERM);
  EXPECT_FALSE(controller.process->wait_for_exit(1s)) << "the controller stopped while its dataplane runs";
  kubectl("annotate service web -n " + test_namespace() + " --overwrite snigate.io/hostnames=b.example.com");
  EXPECT_TRUE(wait_for_routes({{"b.example.com", "10.0.0.1:8443"}}, 5s)) << "a change after SIGTERM must still reach the dataplane";

  dataplane_->signal(SIGTERM);  // a drain of 1 s, then it exits
  ASSERT_TRUE(dataplane_->wait_for_exit(10s));
  const auto dataplane_gone = Clock::now();
  const auto status = controller.process->wait_for_exit(5s);
  ASSERT_TRUE(status.has_value()) << "the controller outlived its dataplane";
  EXPECT_EQ(*status, 0);
  std::cout << "[ measured ] dataplane exit to controller exit: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - dataplane_gone).count() << " ms\n";
  EXPECT_NE(controller.process->log().find("the dataplane closed the control socket; stopping"), std::string::npos);
}

TEST_F(ShutdownTest, TheWaitEndsAfterItsLimitOrASecondSignal) {
  Controller& limited = start_controller({"--wait-for-dataplane", "1s"});
  apply_routed_service("web", "a.example.com", {"10.0.0.1"});
  ASSERT_TRUE(wait_for_routes({{"a.example.com", "10.0.0.1:8443"}}, 10s));
  const auto signalled = Clock::now();
  limited.process->signal(SIGTERM);
  const auto status = limited.process->wait_for_exit(5s);
  ASSERT_TRUE(status.has_value()) << "the controller waited past --wait-for-dataplane";
  EXPECT_EQ(*status, 0);
  EXPECT_GE(Clock::now() - signalled, 900ms) << "it did not wait at all";

  Controller& patient = start_controller({"--wait-for-dataplane", "60s"});
  ASSERT_TRUE(wait_until([&] { return http_status(patient, "/readyz") == 200; }, 10s));
  patient.process->signal(SIGTERM);
  EXPECT_FALSE(patient.process->wait_for_exit(500ms));
  patient.process->signal(SIGTERM);
  const auto second = patient.process->wait_for_exit(3s);
  ASSERT_TRUE(second.has_value()) << "a second SIGTERM must stop the wait";
  EXPECT_EQ(*second, 0);
}

TEST_F(ShutdownTest, WithoutTheFlagTheControllerStopsAtOnce) {
  Controller& controller = start_controller();
  apply_routed_service("web", "a.example.com", {"10.0.0.1"});
  ASSERT_TRUE(wait_for_routes({{"a.example.com", "10.0.0.1:8443"}}, 10s));
  controller.process->signal(SIGTERM);
  EXPECT_TRUE(controller.process->wait_for_exit(3s).has_value());
}

}  // namespace
}  // namespace snigate::test
