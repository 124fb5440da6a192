// Real TLS clients through the dataplane to a real TLS server in a test host (a network namespace:
// EndpointSlices may not name loopback addresses), routed by what the controller read from the
// API. The client knows which backend it reached by the certificate it was shown.
#include <gtest/gtest.h>

#include "controller_fixture.h"
#include "wait_until.h"

namespace snigate::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class TlsTrafficTest : public ControllerTest {
 protected:
  // The subject a TLS client connecting through the dataplane with this SNI was shown, or "".
  std::string certificate_shown_for(const std::string& server_name) {
    const CommandResult result = run_command(
        "timeout 5 openssl s_client -connect 127.0.0.1:" + std::to_string(dataplane_->listen_port()) + " -servername " +
        shell_quote(server_name) + " </dev/null 2>/dev/null | sed -n 's/^subject=//p'");
    return result.standard_output.empty() ? "" : result.standard_output.substr(0, result.standard_output.find('\n'));
  }
};

TEST_F(TlsTrafficTest, ClientReachesTheBackendByNameAndFollowsAnnotationChanges) {
  const std::string folder = dataplane_->folder().string();
  ASSERT_EQ(run_command("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=web-backend"
                        " -keyout " + folder + "/web.key -out " + folder + "/web.crt 2>/dev/null").exit_status, 0);
  TestHost host("ctl-tls");
  host.start("exec openssl s_server -quiet -accept 8443 -cert " + folder + "/web.crt -key " + folder + "/web.key");
  start_controller();
  apply_routed_service("web", "a.example.com", {host.address()});
  ASSERT_TRUE(wait_for_routes({{"a.example.com", host.address() + ":8443"}}, 10s));
  EXPECT_TRUE(wait_until([&] { return certificate_shown_for("a.example.com") == "CN = web-backend"; }, 5s, 200ms))
      << "shown: " << certificate_shown_for("a.example.com");

  const auto changed = Clock::now();
  kubectl("annotate service web -n " + test_namespace() + " --overwrite snigate.io/hostnames=b.example.com");
  EXPECT_TRUE(wait_until([&] { return certificate_shown_for("b.example.com") == "CN = web-backend"; }, 2s, 50ms));
  std::cout << "[ measured ] annotation change to a TLS client served under the new name: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - changed).count() << " ms\n";
  EXPECT_EQ(certificate_shown_for("a.example.com"), "") << "the old name must stop";

  kubectl("delete service web -n " + test_namespace());
  EXPECT_TRUE(wait_until([&] { return certificate_shown_for("b.example.com").empty(); }, 2s, 50ms));
}

}  // namespace
}  // namespace snigate::test
