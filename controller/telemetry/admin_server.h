// The controller's HTTP endpoint for probes and scrapes: /healthz (the process runs), /readyz
// (every kind listed and the dataplane, connected now, holds our snapshot) and /metrics
// (Prometheus text).
#pragma once

#include <cpprest/http_listener.h>

#include <functional>
#include <string>

#include "telemetry/controller_metrics.h"

namespace snigate::controller::telemetry {

class AdminServer {
 public:
  // `address` is "HOST:PORT"; `ready` answers /readyz.
  AdminServer(const std::string& address, const ControllerMetrics& metrics, std::function<bool()> ready);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

 private:
  web::http::experimental::listener::http_listener listener_;
};

}  // namespace snigate::controller::telemetry
