// One proxy worker: a thread running its own io_context (one epoll instance), with its own
// SO_REUSEPORT listeners, pipe pool, counters and log buffer, like an nginx worker process.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/intrusive/list.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "control/route_store.h"
#include "io/pipe_pool.h"
#include "metrics/worker_metrics.h"
#include "proxy/connection_limit.h"
#include "proxy/proxy_settings.h"

namespace snigate::proxy {

class Connection;
class Listener;

using ConnectionHook = boost::intrusive::list_base_hook<boost::intrusive::link_mode<boost::intrusive::auto_unlink>>;

class Worker {
 public:
  // Binds the listeners at once, so that a taken port fails startup instead of a thread.
  Worker(std::size_t index, const ProxySettings& settings, const control::RouteStore& routes, ConnectionLimit& limit,
         const std::vector<boost::asio::ip::tcp::endpoint>& listen);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void start();
  // Thread-safe controls, used by the main thread for drain and shutdown.
  void stop_accepting();
  void close_connections(metrics::Outcome outcome);
  void stop_and_join();

  // For the worker's own connections and listeners, on its thread only.
  std::size_t index() const { return index_; }
  boost::asio::io_context& io() { return io_; }
  const ProxySettings& settings() const { return settings_; }
  const control::RouteStore& routes() const { return routes_; }
  ConnectionLimit& limit() { return limit_; }
  io::PipePool& pipes() { return pipes_; }
  metrics::WorkerMetrics& metrics() { return metrics_; }
  // For a scrape, from any thread: single-writer atomics, read without asking the worker.
  const metrics::WorkerMetrics& metrics() const { return metrics_; }
  const io::PipePool& pipes() const { return pipes_; }
  void adopt(std::shared_ptr<Connection> connection);
  void log_line(std::string line);

 private:
  void flush_log();

  std::size_t index_;
  const ProxySettings& settings_;
  const control::RouteStore& routes_;
  ConnectionLimit& limit_;
  io::PipePool pipes_;  // declared before io_: connections still queued in io_ return pipes on destruction
  metrics::WorkerMetrics metrics_;
  boost::intrusive::list<Connection, boost::intrusive::base_hook<ConnectionHook>,
                         boost::intrusive::constant_time_size<false>>
      connections_;
  std::string log_buffer_;
  boost::asio::io_context io_;
  boost::asio::steady_timer log_flush_timer_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::thread thread_;
};

}  // namespace snigate::proxy
