#include "controller_fixture.h"

#include <cpprest/http_client.h>

#include "wait_until.h"

namespace snigate::test {

void ControllerTest::SetUp() {
  LocalClusterTest::SetUp();
  dataplane_ = std::make_unique<DataplaneProcess>();
  kubectl("apply -f " + shell_quote((LocalClusterEnvironment::repo_root() / "deploy/rbac.yaml").string()));
  service_account_kubeconfig_ = (dataplane_->folder() / "controller.kubeconfig").string();
  const CommandResult created = run_command(
      shell_quote((LocalClusterEnvironment::repo_root() / "scripts/local-cluster").string()) + " sa-kubeconfig --namespace " +
      test_namespace() + " --name snigate-controller --clusterrole snigate-controller --output " +
      shell_quote(service_account_kubeconfig_));
  ASSERT_EQ(created.exit_status, 0) << "sa-kubeconfig failed";
  delete_after_test("clusterrolebinding " + test_namespace() + "-snigate-controller");
}

void ControllerTest::TearDown() {
  for (auto& controller : controllers_) controller.process->stop();
  controllers_.clear();
  dataplane_.reset();
  for (const auto& object : cluster_scoped_) {
    // No kube-controller-manager runs here, so a plain namespace delete would wait forever.
    if (object.starts_with("namespace/")) {
      run_command(shell_quote((LocalClusterEnvironment::repo_root() / "scripts/local-cluster").string()) +
                  " delete-namespace " + shell_quote(object.substr(std::string_view("namespace/").size())));
    } else {
      kubectl("delete --ignore-not-found " + object);
    }
  }
  LocalClusterTest::TearDown();
}

ControllerTest::Controller& ControllerTest::start_controller(std::vector<std::string> extra_arguments) {
  Controller controller;
  controller.admin_port = free_loopback_port();
  std::vector<std::string> arguments = {SNIGATE_CONTROLLER_BINARY,
                                        "--kubeconfig", service_account_kubeconfig_,
                                        "--control-socket", dataplane_->socket_path(),
                                        "--controller-name", controller_name(),
                                        "--admin-listen", "127.0.0.1:" + std::to_string(controller.admin_port),
                                        "--min-watch-timeout", "10s"};
  if (!watch_all_namespaces_) arguments.insert(arguments.end(), {"--watch-namespace", test_namespace()});
  arguments.insert(arguments.end(), extra_arguments.begin(), extra_arguments.end());
  const std::string log = (dataplane_->folder() / ("controller-" + std::to_string(controllers_.size()) + ".log")).string();
  controller.process = std::make_unique<ChildProcess>(arguments, log);
  controllers_.push_back(std::move(controller));
  return controllers_.back();
}

std::map<std::string, std::string> ControllerTest::dataplane_routes() const {
  std::map<std::string, std::string> routes;
  const auto document = nlohmann::json::parse(dataplane_->current_snapshot(), nullptr, false);
  if (!document.is_object() || !document.contains("routes")) return routes;
  auto backends = [](const nlohmann::json& list) {
    std::string text;
    for (const auto& backend : list) {
      text += (text.empty() ? "" : " ") + backend["address"].get<std::string>() + ":" + std::to_string(backend["port"].get<int>());
    }
    return text;
  };
  for (const auto& route : document["routes"]) {
    std::string name = route["hostname"];
    if (route.contains("listen_port")) name += "@" + std::to_string(route["listen_port"].get<int>());
    routes[name] = backends(route["backends"]);
  }
  if (document.contains("default_backend")) routes["default"] = backends(document["default_backend"]["backends"]);
  return routes;
}

bool ControllerTest::wait_for_routes(const std::map<std::string, std::string>& wanted, std::chrono::milliseconds timeout) const {
  const bool reached = wait_until([&] { return dataplane_routes() == wanted; }, timeout);
  if (!reached) {
    std::string held;
    for (const auto& [host, backends] : dataplane_routes()) held += "\n  " + host + " -> " + backends;
    ADD_FAILURE() << "the dataplane holds:" << held;
  }
  return reached;
}

std::vector<std::string> ControllerTest::warning_reasons(const std::string& kind, const std::string& name) {
  const auto events = nlohmann::json::parse(kubectl("get events -n " + test_namespace() + " -o json"));
  std::vector<std::string> reasons;
  for (const auto& event : events["items"]) {
    if (event["type"] == "Warning" && event["involvedObject"]["kind"] == kind && event["involvedObject"]["name"] == name) {
      reasons.push_back(event["reason"]);
    }
  }
  std::sort(reasons.begin(), reasons.end());
  return reasons;
}

namespace {

web::http::http_response admin_get(int port, const std::string& path) {
  web::http::client::http_client client("http://127.0.0.1:" + std::to_string(port));
  return client.request(web::http::methods::GET, path).get();
}

}  // namespace

double ControllerTest::metric(const Controller& controller, const std::string& series) const {
  try {
    const std::string text = admin_get(controller.admin_port, "/metrics").extract_string().get();
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + series.size() + 2));
  } catch (const std::exception&) {
    return -1;
  }
}

int ControllerTest::http_status(const Controller& controller, const std::string& path) const {
  try {
    return admin_get(controller.admin_port, path).status_code();
  } catch (const std::exception&) {
    return 0;
  }
}

void ControllerTest::apply_routed_service(const std::string& name, const std::string& hostnames,
                                          const std::vector<std::string>& addresses) {
  std::string endpoints;
  for (const auto& address : addresses) endpoints += "\n- addresses: [\"" + address + "\"]\n  conditions: {ready: true}";
  apply("apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\n  namespace: " + test_namespace() +
        "\n  annotations:\n    snigate.io/hostnames: \"" + hostnames + "\"\nspec:\n  ports:\n  - {name: https, port: 443}\n"
        "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: " + name + "-1\n  namespace: " +
        test_namespace() + "\n  labels: {kubernetes.io/service-name: " + name + "}\naddressType: IPv4\n"
        "ports:\n- {name: https, port: 8443, protocol: TCP}\nendpoints:" + (addresses.empty() ? " []" : endpoints));
}

}  // namespace snigate::test
