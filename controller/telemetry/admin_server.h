// The controller's HTTP endpoint for probes and scrapes: /healthz (the process runs), /readyz
// (every kind listed and the dataplane, connected now, holds our snapshot) and /metrics
// (Prometheus text). The dataplane's tiny HTTP/1.0 server on a thread of its own, so that it binds
// IPv4 and IPv6 addresses alike (IPv6-only clusters probe the pod's IPv6 address).
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "control/admin_server.h"
#include "telemetry/controller_metrics.h"

namespace snigate::controller::telemetry {

class AdminServer {
 public:
  // `address` is "IPv4:PORT", "[IPv6]:PORT" or "IPv6:PORT" (the last colon starts the port);
  // `ready` answers /readyz. Throws std::invalid_argument or boost::system::system_error.
  AdminServer(const std::string& address, const ControllerMetrics& metrics, std::function<bool()> ready);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

 private:
  boost::asio::io_context io_;
  std::unique_ptr<control::AdminServer> server_;
  std::thread serving_;
};

}  // namespace snigate::controller::telemetry
