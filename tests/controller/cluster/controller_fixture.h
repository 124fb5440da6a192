// A controller test on the real control plane: its own namespace, our shipped RBAC bound to a
// test ServiceAccount whose token the controller uses, a real snigate-dataplane, and
// snigate-controller processes started as a user would start them.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "child_process.h"
#include "dataplane_process.h"
#include "local_cluster_fixture.h"

namespace snigate::test {

class ControllerTest : public LocalClusterTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  struct Controller {
    std::unique_ptr<ChildProcess> process;
    int admin_port = 0;
  };

  // Starts snigate-controller on the test namespace with the ServiceAccount kubeconfig; the
  // reference stays valid for the whole test.
  Controller& start_controller(std::vector<std::string> extra_arguments = {});

  // This test's IngressClass controller name, so that tests never see each other's classes.
  std::string controller_name() const { return "snigate.io/" + test_namespace(); }
  // Deletes a cluster-scoped object at the end of the test.
  void delete_after_test(const std::string& kind_and_name) { cluster_scoped_.push_back(kind_and_name); }

  // hostname -> "address:port address:port", as the dataplane holds it now ("default" for the
  // default backend; "hostname@port" for a route scoped to a listen_port).
  std::map<std::string, std::string> dataplane_routes() const;
  bool wait_for_routes(const std::map<std::string, std::string>& wanted, std::chrono::milliseconds timeout) const;

  // Reasons of the Warning Events on one object.
  std::vector<std::string> warning_reasons(const std::string& kind, const std::string& name);

  // The value of one metric line ("name{labels}") from a controller's /metrics, or -1.
  double metric(const Controller& controller, const std::string& series) const;
  int http_status(const Controller& controller, const std::string& path) const;

  // An annotated Service and an EndpointSlice with the given ready addresses on port 8443.
  void apply_routed_service(const std::string& name, const std::string& hostnames, const std::vector<std::string>& addresses);

  std::unique_ptr<DataplaneProcess> dataplane_;
  bool watch_all_namespaces_ = false;  // set before start_controller: no --watch-namespace
  std::string service_account_kubeconfig_;
  std::deque<Controller> controllers_;  // a deque, so references stay valid as controllers are added

 private:
  std::vector<std::string> cluster_scoped_;
};

}  // namespace snigate::test
