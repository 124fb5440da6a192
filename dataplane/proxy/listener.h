// Accepts client connections on one address for one worker. Accepting never waits on a client:
// each accepted socket becomes a Connection at once and the next accept is queued immediately.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

namespace snigate::proxy {

class Worker;

class Listener {
 public:
  Listener(Worker& worker, const boost::asio::ip::tcp::endpoint& endpoint);

  void start();
  void close();

 private:
  void accept();
  void on_accept(const boost::system::error_code& error, boost::asio::ip::tcp::socket socket);
  void pause_after_resource_exhaustion();

  Worker& worker_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::tcp::endpoint peer_;  // filled by each accept
  boost::asio::steady_timer pause_timer_;
};

}  // namespace snigate::proxy
