// The GoogleTest fixture, specified by using it: a namespace per test, removed afterwards, and a
// test host whose backend is reachable from here at its private address.
#include "local_cluster_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace snigate::test {
namespace {

std::string first_namespace;

bool accepts_tcp(const std::string& address, uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(port);
  inet_pton(AF_INET, address.c_str(), &target.sin_addr);
  const bool connected = connect(fd, reinterpret_cast<const sockaddr*>(&target), sizeof target) == 0;
  close(fd);
  return connected;
}

class LocalClusterFixture : public LocalClusterTest {};

TEST_F(LocalClusterFixture, EachTestGetsItsOwnNamespace) {
  first_namespace = test_namespace();
  EXPECT_EQ(kubectl("get namespace " + test_namespace() + " -o jsonpath={.status.phase}"), "Active");
  apply(R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: probe
  namespace: )" + test_namespace() + R"(
data:
  written-by: EachTestGetsItsOwnNamespace)");
  EXPECT_EQ(kubectl("get configmap probe -n " + test_namespace() + " -o jsonpath={.data.written-by}"),
            "EachTestGetsItsOwnNamespace");
}

TEST_F(LocalClusterFixture, PreviousTestsNamespaceIsGone) {
  if (first_namespace.empty()) GTEST_SKIP() << "needs EachTestGetsItsOwnNamespace to run first in this process";
  EXPECT_NE(test_namespace(), first_namespace);
  EXPECT_EQ(kubectl("get namespace " + first_namespace + " --ignore-not-found -o name"), "");
}

TEST_F(LocalClusterFixture, TestHostBackendIsReachableAtItsAddress) {
  TestHost host("fixture-web");
  EXPECT_EQ(host.address().rfind("10.244.", 0), 0u) << host.address();
  host.start("exec python3 -m http.server --bind " + host.address() + " 8080");
  bool reachable = false;
  for (int attempt = 0; attempt < 50 && !reachable; ++attempt) {
    reachable = accepts_tcp(host.address(), 8080);
    if (!reachable) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(reachable) << "nothing accepted on " << host.address() << ":8080 within 5s";
}

TEST(TestHostLifetime, RemovedWhenTheOwnerGoesAway) {
  { TestHost host("fixture-gone"); }
  EXPECT_EQ(run_command("ip netns list | grep -c '^snigate-fixture-gone\\b'").standard_output, "0\n");
}

}  // namespace
}  // namespace snigate::test
