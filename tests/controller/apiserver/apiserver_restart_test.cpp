// The controller through kube-apiserver restarts: with an etcd compaction it reconnects, gets
// 410 Gone for its compacted resourceVersion, relists, and so also learns of a deletion it never
// saw as an event; without one, it relists once from the fresh watch cache instead of looping.
// Without a watch cache (--watch-cache=false) every list is paged, `continue` after `continue`.
// This restarts the apiserver, so the binary runs on a private cluster of its own (see main
// below) and never disturbs tests that share the default one.
#include <gtest/gtest.h>

#include <boost/beast/core/detail/base64.hpp>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "controller_fixture.h"
#include "kube/reflector.h"
#include "wait_until.h"

namespace snigate::test {
namespace {

using namespace std::chrono_literals;

std::filesystem::path cluster_dir() { return std::getenv("SNIGATE_CLUSTER_DIR"); }

std::string state_value(const std::string& key) {
  std::ifstream in(cluster_dir() / "cluster.env");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(key + "=")) return line.substr(key.size() + 1);
  }
  return "";
}

std::string base64(const std::string& text) {
  namespace b64 = boost::beast::detail::base64;
  std::string encoded(b64::encoded_size(text.size()), '\0');
  encoded.resize(b64::encode(encoded.data(), text.data(), text.size()));
  return encoded;
}

// Calls etcd's JSON gateway (what etcdctl does over gRPC) and returns the answer.
nlohmann::json etcd(const std::string& method, const nlohmann::json& body) {
  const CommandResult result = run_command("curl -sf -X POST http://127.0.0.1:" + state_value("ETCD_PORT") + "/v3/kv/" + method +
                                           " -d " + shell_quote(body.dump()));
  EXPECT_EQ(result.exit_status, 0) << "etcd " << method << " failed";
  return nlohmann::json::parse(result.standard_output, nullptr, false);
}

class ApiServerRestartTest : public ControllerTest {
 protected:
  pid_t apiserver_pid() {
    pid_t pid = 0;
    std::ifstream(cluster_dir() / "kube-apiserver.pid") >> pid;
    return pid;
  }

  // The running kube-apiserver's command line, from /proc.
  std::vector<std::string> apiserver_command() {
    std::ifstream cmdline("/proc/" + std::to_string(apiserver_pid()) + "/cmdline", std::ios::binary);
    std::vector<std::string> arguments;
    for (std::string argument; std::getline(cmdline, argument, '\0');) arguments.push_back(argument);
    return arguments;
  }

  // SIGTERM, and SIGKILL when it is still draining open watches after 5 s: a crash is as good a
  // restart as any for the controller.
  void stop_apiserver() {
    const pid_t pid = apiserver_pid();
    const std::string exe = "/proc/" + std::to_string(pid) + "/exe";
    auto gone = [&] { return !std::filesystem::exists(exe); };
    ::kill(pid, SIGTERM);
    if (!wait_until(gone, 5s)) ::kill(pid, SIGKILL);
    ASSERT_TRUE(wait_until(gone, 10s)) << "kube-apiserver did not stop";
  }

  // Starts it again as scripts/local-cluster does (its own session, the same log and pid file),
  // so that `local-cluster down` stops it.
  void start_apiserver(const std::vector<std::string>& arguments) {
    std::string command = "setsid";
    for (const auto& argument : arguments) command += " " + shell_quote(argument);
    const CommandResult started = run_command("cd / && " + command + " >>" + shell_quote((cluster_dir() / "kube-apiserver.log").string()) +
                                              " 2>&1 </dev/null & echo $! >" + shell_quote((cluster_dir() / "kube-apiserver.pid").string()));
    ASSERT_EQ(started.exit_status, 0);
    // The project's kubectl when install-kube-tools put one there, else the one on PATH, as the fixture does.
    const auto project_kubectl = LocalClusterEnvironment::repo_root() / ".tools/bin/kubectl";
    const std::string kubectl = std::filesystem::exists(project_kubectl) ? shell_quote(project_kubectl.string()) : "kubectl";
    ASSERT_TRUE(wait_until([&] { return run_command(kubectl + " --kubeconfig " + shell_quote(LocalClusterEnvironment::admin_kubeconfig().string()) +
                                                    " get --raw /readyz >/dev/null 2>&1").exit_status == 0; },
                           60s, 250ms))
        << "kube-apiserver did not come back";
  }

  // Service LISTs in any namespace that kube-apiserver answered since it started, from its own
  // /metrics. The controller watches one namespace; the apiserver's own informers list cluster-wide.
  double namespaced_service_lists() {
    std::istringstream lines(kubectl("get --raw /metrics"));
    double total = 0;
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with("apiserver_request_total{") && line.find("verb=\"LIST\"") != std::string::npos &&
          line.find("resource=\"services\"") != std::string::npos && line.find("scope=\"namespace\"") != std::string::npos) {
        total += std::stod(line.substr(line.rfind(' ') + 1));
      }
    }
    return total;
  }

  // Moves etcd's revision on and compacts its history up to there: resourceVersions handed out
  // before are gone.
  void compact_etcd() {
    const auto written = etcd("put", {{"key", base64("/snigate-test/advance")}, {"value", base64("x")}});
    const std::string revision = written["header"]["revision"];
    etcd("compaction", {{"revision", revision}, {"physical", true}});
  }

  std::string plain_service(const std::string& name) {
    return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\n  namespace: " + test_namespace() +
           "\nspec:\n  ports:\n  - port: 443\n";
  }
};

TEST_F(ApiServerRestartTest, ReconnectsRelistsAfter410AndCatchesUp) {
  auto& controller = start_controller({"--log-level", "debug"});
  apply_routed_service("kept", "kept.example.com", {"192.0.2.1"});
  apply_routed_service("gone", "gone.example.com", {"192.0.2.2"});
  ASSERT_TRUE(wait_for_routes({{"kept.example.com", "192.0.2.1:8443"}, {"gone.example.com", "192.0.2.2:8443"}}, 10s));
  ASSERT_EQ(metric(controller, "snigate_controller_relists_total{kind=\"Service\"}"), 0);

  const auto command = apiserver_command();
  stop_apiserver();
  // While no apiserver runs: delete a Service behind everyone's back (no watch will ever report
  // it), move etcd's revision on and compact its history, so resumed watches get 410 Gone.
  etcd("deleterange", {{"key", base64("/registry/services/specs/" + test_namespace() + "/gone")}});
  compact_etcd();
  start_apiserver(command);

  apply_routed_service("new", "new.example.com", {"192.0.2.3"});
  EXPECT_TRUE(wait_for_routes({{"kept.example.com", "192.0.2.1:8443"}, {"new.example.com", "192.0.2.3:8443"}}, 30s))
      << "after the restart the controller must relist (dropping 'gone') and watch again (adding 'new')";
  EXPECT_GE(metric(controller, "snigate_controller_relists_total{kind=\"Service\"}"), 1);
  EXPECT_NE(controller.process->log().find("relisting"), std::string::npos) << "no 410 Gone was seen";
}

// Without a compaction the controller's resourceVersion is still in etcd, but older than where the
// fresh watch cache starts, so the watch gets 410. The relist must come from the watch cache (no
// limit: "not older than"), so that the next watch starts where the cache is. A paged relist at
// that version is an exact read from etcd: it succeeds at the old version, the watch from there
// gets 410 again, and so on, LIST after LIST, with the routes frozen in the past.
TEST_F(ApiServerRestartTest, RelistsOnceFromTheWatchCacheWithoutCompaction) {
  auto& controller = start_controller({"--log-level", "debug"});
  apply_routed_service("before", "before.example.com", {"192.0.2.1"});
  ASSERT_TRUE(wait_for_routes({{"before.example.com", "192.0.2.1:8443"}}, 10s));

  const auto command = apiserver_command();
  stop_apiserver();
  // Any write elsewhere in a cluster moves etcd's revision past the controller's resourceVersion.
  etcd("put", {{"key", base64("/snigate-test/advance")}, {"value", base64("x")}});
  start_apiserver(command);

  const auto restarted = std::chrono::steady_clock::now();
  apply_routed_service("after", "after.example.com", {"192.0.2.3"});
  EXPECT_TRUE(wait_for_routes({{"before.example.com", "192.0.2.1:8443"}, {"after.example.com", "192.0.2.3:8443"}}, 10s))
      << "the controller must watch again from the fresh watch cache";
  std::cout << "routes converged " << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - restarted).count()
            << " ms after kube-apiserver was ready\n";
  std::this_thread::sleep_for(5s);  // time for a relist loop, if there is one, to show
  const double lists = namespaced_service_lists();
  std::cout << "namespaced Service LISTs since the restart: " << lists << "\n";
  EXPECT_LE(lists, 2) << "the controller relists in a loop";
  EXPECT_EQ(metric(controller, "snigate_controller_relists_total{kind=\"Service\"}"), 1);
}

// Without a watch cache the apiserver pages even the first list (resourceVersion=0), so every
// later list is paged too, as client-go does. After a compaction the watch gets 410, the relist
// at the last version gets 410 as well (an exact read from etcd), and the quorum list (no
// resourceVersion) follows, four `continue` pages of two Services.
TEST_F(ApiServerRestartTest, PagesEveryListWithoutAWatchCache) {
  using controller::kube::Services;
  for (int i = 0; i < 7; ++i) apply(plain_service("paged-" + std::to_string(i)));
  const auto command = apiserver_command();
  auto without_watch_cache = command;
  without_watch_cache.push_back("--watch-cache=false");
  stop_apiserver();
  start_apiserver(without_watch_cache);

  controller::kube::ApiClient api(controller::kube::load_kubeconfig(LocalClusterEnvironment::admin_kubeconfig()), 20s);
  controller::kube::ObjectStore store;
  controller::telemetry::ControllerMetrics metrics;
  controller::StopSignal stop;
  controller::kube::Reflector<Services> reflector(api, store, metrics, stop, {.watch_namespace = test_namespace(), .page_size = 2});
  std::thread running([&] { reflector.run(); });
  auto services = [&] { return store.read([](const controller::model::ClusterState& state) { return state.services.size(); }); };
  EXPECT_TRUE(wait_until([&] { return services() == 7; }, 10s));
  EXPECT_EQ(namespaced_service_lists(), 4) << "7 Services in pages of 2";

  stop_apiserver();
  compact_etcd();
  start_apiserver(without_watch_cache);
  apply(plain_service("paged-7"));
  EXPECT_TRUE(wait_until([&] { return services() == 8; }, 30s));
  EXPECT_EQ(metrics.kind(Services::kind).relists, 1u);
  EXPECT_EQ(namespaced_service_lists(), 1 + 4) << "the relist that got 410, then 8 Services in pages of 2";

  stop.trigger();
  running.join();
  stop_apiserver();
  start_apiserver(command);
}

}  // namespace
}  // namespace snigate::test

int main(int argc, char** argv) {
  char pattern[] = "/tmp/snigate-restart-cluster-XXXXXX";
  const char* private_cluster = ::mkdtemp(pattern);
  ::setenv("SNIGATE_CLUSTER_DIR", private_cluster, 1);
  ::testing::InitGoogleTest(&argc, argv);
  const int status = RUN_ALL_TESTS();
  std::filesystem::remove_all(private_cluster);
  return status;
}
