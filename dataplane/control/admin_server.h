// A deliberately tiny HTTP/1.0 server for /metrics, /healthz and /readyz on --admin-listen.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <string>

namespace snigate::control {

class AdminServer {
 public:
  struct Handlers {
    std::function<std::string()> metrics;  // Prometheus text exposition
    std::function<bool()> ready;
  };

  AdminServer(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint, Handlers handlers);

  void start();
  void close();

  // Status line, headers and body for one request target. Pure apart from the handlers.
  std::string respond(std::string_view method, std::string_view target) const;

 private:
  void accept();

  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  Handlers handlers_;
};

}  // namespace snigate::control
