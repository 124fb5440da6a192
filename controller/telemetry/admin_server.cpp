#include "telemetry/admin_server.h"

#include "telemetry/log.h"

namespace snigate::controller::telemetry {

AdminServer::AdminServer(const std::string& address, const ControllerMetrics& metrics, std::function<bool()> ready)
    : listener_("http://" + address) {
  listener_.support(web::http::methods::GET, [&metrics, ready = std::move(ready)](web::http::http_request request) {
    const std::string path = request.relative_uri().path();
    if (path == "/healthz") {
      request.reply(web::http::status_codes::OK, "ok\n", "text/plain");
    } else if (path == "/readyz") {
      const bool is_ready = ready();
      request.reply(is_ready ? web::http::status_codes::OK : web::http::status_codes::ServiceUnavailable,
                    is_ready ? "ok\n" : "not ready: a kind is not listed yet, or the dataplane is not connected or lacks our snapshot\n",
                    "text/plain");
    } else if (path == "/metrics") {
      request.reply(web::http::status_codes::OK, metrics.prometheus_text(), "text/plain; version=0.0.4");
    } else {
      request.reply(web::http::status_codes::NotFound, "not found\n", "text/plain");
    }
  });
  listener_.open().wait();
  log::write(log::Level::info, "admin endpoint listening", {{"address", address}});
}

AdminServer::~AdminServer() {
  try {
    listener_.close().wait();
  } catch (const std::exception& error) {
    log::write(log::Level::warn, "closing the admin endpoint failed", {{"error", error.what()}});
  }
}

}  // namespace snigate::controller::telemetry
