// snigate-controller's command line: every flag, its default and its unit (see usage()).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "telemetry/log.h"
#include "translate/translate.h"

namespace snigate::controller {

struct Options {
  std::optional<std::filesystem::path> kubeconfig;
  std::optional<std::string> watch_namespace;
  std::optional<std::string> control_socket;
  bool dump_snapshot = false;
  std::string controller_name = "snigate.io/ingress-controller";
  std::string ingress_class = "snigate";
  bool gateway_api = true;  // --gateway-api auto: watch the Gateway API kinds (absent CRDs are waited for)
  std::string gateway_controller_name = "snigate.io/gateway-controller";
  std::vector<int> gateway_listener_ports = {443};
  // An address per Gateway (--gateway-dataplane-ports and the --gateway-service-* flags); nullopt: off.
  std::optional<translate::GatewayServiceSettings> gateway_services;
  std::optional<translate::DefaultBackendService> default_backend_service;
  translate::HostnameDelegation hostname_delegation;
  std::optional<std::string> publish_service;
  std::vector<std::string> publish_status_addresses;
  bool leader_elect = false;
  std::string leader_election_namespace;  // default: $POD_NAMESPACE, else "default"
  std::string leader_election_id = "snigate-controller";
  std::string identity;                   // default: $POD_NAME or the host name, plus the pid
  std::string admin_listen = "127.0.0.1:9091";
  std::chrono::milliseconds wait_for_dataplane{0};  // after SIGTERM, at most this long (0: stop at once)
  std::chrono::seconds min_watch_timeout{300};
  std::chrono::milliseconds absent_kind_retry{30'000};  // a Gateway API kind not installed or not granted: list again
  std::chrono::milliseconds push_quiet_period{20};
  std::chrono::milliseconds push_max_delay{100};
  log::Level log_level = log::Level::info;
  bool help = false;
  bool version = false;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Options parse_options(int argc, char** argv);
std::string usage();

}  // namespace snigate::controller
