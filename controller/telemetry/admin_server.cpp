#include "telemetry/admin_server.h"

#include "io/endpoint_text.h"
#include "telemetry/log.h"

namespace snigate::controller::telemetry {

AdminServer::AdminServer(const std::string& address, const ControllerMetrics& metrics, std::function<bool()> ready) {
  const boost::asio::ip::tcp::endpoint endpoint = io::parse_endpoint_text(address);
  server_ = std::make_unique<control::AdminServer>(
      io_, endpoint,
      control::AdminServer::Handlers{[&metrics] { return metrics.prometheus_text(); }, std::move(ready)});
  server_->start();
  serving_ = std::thread([this] { io_.run(); });
  log::write(log::Level::info, "admin endpoint listening", {{"address", io::endpoint_text(endpoint)}});
}

AdminServer::~AdminServer() {
  io_.stop();
  serving_.join();
}

}  // namespace snigate::controller::telemetry
