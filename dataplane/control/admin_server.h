// A deliberately tiny HTTP/1.0 server for /metrics, /healthz, /readyz and (the dataplane's)
// GET /routes and POST /drain on --admin-listen. /drain changes what the process does, so it is
// answered only for clients in `drain_from` (loopback unless configured): the admin port is
// often opened to the whole cluster for Prometheus, which must not be able to drain a pod.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "snapshot/source_range.h"

namespace snigate::control {

class AdminServer {
 public:
  struct Handlers {
    std::function<std::string()> metrics;  // Prometheus text exposition
    std::function<bool()> ready;
    std::function<std::string()> routes = {};  // JSON for GET /routes; none: 404
    std::function<std::string()> drain = {};   // POST /drain: starts it, says what happened; none: 404
    std::vector<snapshot::SourceRange> drain_from = {};
  };

  static constexpr std::size_t kDefaultMaxConnections = 64;

  AdminServer(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint, Handlers handlers,
              std::size_t max_connections = kDefaultMaxConnections);

  void start();
  void close();
  unsigned short port() const { return acceptor_.local_endpoint().port(); }

  // Status line, headers and body for one request from `peer`. Pure apart from the handlers.
  std::string respond(std::string_view method, std::string_view target, const boost::asio::ip::address& peer) const;

 private:
  void accept();

  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  Handlers handlers_;
  std::size_t max_connections_;
  std::shared_ptr<std::size_t> open_sessions_;  // counted by the sessions, which may outlive us
};

}  // namespace snigate::control
