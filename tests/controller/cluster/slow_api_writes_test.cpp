// Event writes that take seconds (an admission webhook that answers slowly, as on a loaded
// cluster) must not hold up the routes: the dataplane gets every change while an Event waits.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "controller_fixture.h"
#include "wait_until.h"

namespace snigate::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// An HTTPS admission webhook that allows everything after `delay`; it counts the requests it got.
constexpr std::string_view kSlowWebhook = R"(
import http.server, json, ssl, sys, time
port, cert, key, delay, requests = int(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]
class Slow(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        review = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with open(requests, "a") as log: log.write("request\n")
        time.sleep(delay)
        answer = json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                             "response": {"uid": review["request"]["uid"], "allowed": True}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
    def log_message(self, *arguments): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Slow)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
open(requests, "a").close()
server.serve_forever()
)";

class SlowApiWritesTest : public ControllerTest {
 protected:
  // Makes every Event create and update in the test namespace wait `delay` for the webhook.
  void slow_down_event_writes(std::chrono::seconds delay) {
    const std::filesystem::path folder = dataplane_->folder();
    const std::string cert = (folder / "webhook.crt").string(), key = (folder / "webhook.key").string();
    ASSERT_EQ(run_command("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1"
                          " -keyout " + shell_quote(key) + " -out " + shell_quote(cert) + " 2>/dev/null").exit_status, 0);
    std::ofstream(folder / "webhook.py") << kSlowWebhook;
    requests_file_ = folder / "webhook.requests";
    const int port = free_loopback_port();
    webhook_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"/bin/sh", "-c", "exec python3 \"$@\"", "python3", (folder / "webhook.py").string(), std::to_string(port),
                                 cert, key, std::to_string(delay.count()), requests_file_.string()},
        (folder / "webhook.log").string());
    ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(requests_file_); }, 10s)) << "the webhook did not start";

    const std::string name = "slow-events-" + test_namespace();
    delete_after_test("validatingwebhookconfiguration " + name);
    const std::string ca_bundle = run_command("base64 -w0 " + shell_quote(cert)).standard_output;
    apply("apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: " + name +
          "\nwebhooks:\n- name: slow-events.snigate.io\n  clientConfig:\n    url: https://127.0.0.1:" + std::to_string(port) +
          "/\n    caBundle: " + ca_bundle +
          "\n  rules:\n  - {operations: [CREATE, UPDATE], apiGroups: [\"\"], apiVersions: [v1], resources: [events]}\n"
          "  namespaceSelector:\n    matchLabels: {kubernetes.io/metadata.name: " + test_namespace() +
          "}\n  sideEffects: None\n  admissionReviewVersions: [v1]\n  timeoutSeconds: 15\n  failurePolicy: Ignore\n");
  }

  int webhook_requests() const {
    std::ifstream in(requests_file_);
    int lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    return lines;
  }

  std::unique_ptr<ChildProcess> webhook_;
  std::filesystem::path requests_file_;
};

TEST_F(SlowApiWritesTest, RoutesFollowChangesWhileAnEventWriteWaits) {
  slow_down_event_writes(8s);
  start_controller();
  apply_routed_service("good", "good.example.com", {"192.0.2.1"});
  ASSERT_TRUE(wait_for_routes({{"good.example.com", "192.0.2.1:8443"}}, 10s));

  apply_routed_service("bad", "bad.example.com", {"192.0.2.2"});
  kubectl("annotate service bad -n " + test_namespace() + " snigate.io/port=9999");
  ASSERT_TRUE(wait_until([&] { return webhook_requests() >= 1; }, 10s)) << "the Event for the bad Service was never written";

  const auto changed = Clock::now();
  kubectl("annotate service good -n " + test_namespace() + " --overwrite snigate.io/hostnames=moved.example.com");
  // The bad Service keeps its name, with no backends to send its clients to.
  EXPECT_TRUE(wait_for_routes({{"moved.example.com", "192.0.2.1:8443"}, {"bad.example.com", ""}}, 2s))
      << "the push waited for the Event write";
  std::cout << "[ measured ] annotation change to dataplane route while an Event write waits 8 s: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - changed).count() << " ms (kubectl included)\n";
  EXPECT_EQ(webhook_requests(), 1) << "the Event write was still waiting; the route did not wait for it";
}

}  // namespace
}  // namespace snigate::test
