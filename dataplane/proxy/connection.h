// One client connection, from the first byte to the last: read the ClientHello under a deadline,
// choose a route, connect to a backend (failing over while nothing has been sent), replay the
// bytes already read, then splice both directions until both have ended.
//
// Owned by a shared_ptr that its own pending handlers hold; the worker lists it (intrusively) only
// to close it at the end of a drain.
#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "metrics/worker_metrics.h"
#include "proxy/connection_limit.h"
#include "proxy/splice_pump.h"
#include "proxy/worker.h"
#include "routing/route_table.h"
#include "tls/alert.h"
#include "tls/client_hello_parser.h"

namespace snigate::proxy {

class Connection : public std::enable_shared_from_this<Connection>, public ConnectionHook {
 public:
  Connection(Worker& worker, boost::asio::ip::tcp::socket client, const boost::asio::ip::tcp::endpoint& peer,
             ConnectionLimit::Slot slot);
  ~Connection();

  void start();
  void close(metrics::Outcome outcome);

 private:
  enum class Phase { client_hello, connecting, replaying, splicing, closing, done };

  void read_client_hello();
  bool on_client_hello_bytes();  // false once the hello is complete or refused
  void route();
  void connect();
  void connect_failed(const std::string& reason);
  void replay();
  void write_replay();
  void start_splicing();
  void pump(SplicePump& pump, boost::asio::ip::tcp::socket& from, boost::asio::ip::tcp::socket& to);
  void wait_then_pump(SplicePump& pump, boost::asio::ip::tcp::socket& from, boost::asio::ip::tcp::socket& to,
                      boost::asio::ip::tcp::socket::wait_type wait);
  void arm_timer(std::chrono::steady_clock::duration after);
  void on_timer();
  void refuse(tls::AlertDescription alert, metrics::Outcome outcome, std::string detail);
  void linger_until_closed();
  void finish(metrics::Outcome outcome, std::string detail = {});
  void log(metrics::Outcome outcome, const std::string& detail);

  Worker& worker_;
  ConnectionLimit::Slot slot_;
  boost::asio::ip::tcp::socket client_;
  boost::asio::ip::tcp::socket upstream_;
  boost::asio::steady_timer timer_;
  std::uint64_t timer_epoch_ = 0;  // a timer handler acts only if no later arming replaced it
  Phase phase_ = Phase::client_hello;

  boost::asio::ip::tcp::endpoint client_endpoint_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_activity_;

  std::vector<std::uint8_t> received_;  // every byte read before routing: replayed to the backend
  std::size_t received_size_ = 0;
  tls::ClientHelloParser parser_;

  std::shared_ptr<const routing::RouteTable> table_;  // keeps target_ alive across route swaps
  const routing::RouteTarget* target_ = nullptr;
  metrics::RouteCounters* counters_ = nullptr;
  std::size_t first_backend_ = 0;
  std::size_t attempts_ = 0;
  std::optional<boost::asio::ip::tcp::endpoint> backend_;  // the one connected to, or tried last
  std::string preamble_;  // PROXY protocol header
  std::size_t replayed_ = 0;  // bytes of preamble_ and then received_ written to the backend
  std::array<std::uint8_t, 7> alert_{};
  metrics::Outcome closing_outcome_ = metrics::Outcome::ok;  // reported once a refused client is closed
  std::string closing_detail_;

  std::unique_ptr<SplicePump> to_upstream_;
  std::unique_ptr<SplicePump> to_client_;
  std::uint64_t bytes_from_client_ = 0;
  std::uint64_t bytes_to_client_ = 0;
};

}  // namespace snigate::proxy
