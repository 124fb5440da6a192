// One proxy worker: a thread running its own edge-triggered event loop, with its own
// SO_REUSEPORT listeners, pipe pool, counters and log buffer, like an nginx worker process.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/intrusive/list.hpp>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "control/route_store.h"
#include "io/event_loop.h"
#include "io/pipe_pool.h"
#include "io/unique_fd.h"
#include "log/access_log_sampler.h"
#include "metrics/worker_metrics.h"
#include "proxy/connection_limit.h"
#include "proxy/hello_memory_budget.h"
#include "proxy/listener.h"
#include "proxy/proxy_settings.h"

namespace snigate::proxy {

class Connection;

using ConnectionHook = boost::intrusive::list_base_hook<boost::intrusive::link_mode<boost::intrusive::auto_unlink>>;

// What every worker shares with the others: the routes and the process-wide limits.
struct SharedState {
  const ProxySettings& settings;
  const control::RouteStore& routes;
  ConnectionLimit& limit;
  HelloMemoryBudget& hello_budget;
  routing::BackendHealth& backend_health;
};

class Worker : public Listener::Sink {
 public:
  // Binds the listeners at once, so that a taken port fails startup instead of a thread.
  // `optional_listen` are bound only where the host supports them (the default IPv6 listener).
  // `proxy_protocol_listen` take clients only behind a PROXY protocol header. `scoped_listen`
  // serve only the routes whose listen_port is their port.
  Worker(std::size_t index, SharedState shared, const std::vector<boost::asio::ip::tcp::endpoint>& listen,
         const std::vector<boost::asio::ip::tcp::endpoint>& optional_listen = {},
         const std::vector<boost::asio::ip::tcp::endpoint>& proxy_protocol_listen = {},
         const std::vector<boost::asio::ip::tcp::endpoint>& scoped_listen = {});
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void start();
  // Thread-safe controls, used by the main thread for drain and shutdown.
  // Closes the listeners (serving what their queues hold), then calls `closed` on this
  // worker's thread.
  void stop_accepting(std::function<void()> closed);
  void close_connections(metrics::Outcome outcome);
  void stop_and_join();

  // For the worker's own connections and listeners, on its thread only.
  std::size_t index() const { return index_; }
  io::EventLoop& loop() { return loop_; }
  const ProxySettings& settings() const { return shared_.settings; }
  const control::RouteStore& routes() const { return shared_.routes; }
  ConnectionLimit& limit() { return shared_.limit; }
  HelloMemoryBudget& hello_budget() { return shared_.hello_budget; }
  routing::BackendHealth& backend_health() { return shared_.backend_health; }
  io::PipePool& pipes() { return pipes_; }
  metrics::WorkerMetrics& metrics() { return metrics_; }
  // Where a connection reads its first bytes: they are copied out only if the hello is incomplete
  // or must be replayed, so an idle connection holds no read buffer.
  std::span<std::uint8_t> scratch() { return scratch_; }
  // For a scrape, from any thread: single-writer atomics, read without asking the worker.
  const metrics::WorkerMetrics& metrics() const { return metrics_; }
  const io::PipePool& pipes() const { return pipes_; }
  void log_line(std::string line);
  // This worker's share of --access-log-sample.
  log::AccessLogSampler& access_log_sampler() { return access_log_sampler_; }
  std::size_t connections() const;
  const std::vector<std::unique_ptr<Listener>>& listeners() const { return listeners_; }

  // Takes ownership of an accepted client socket.
  void on_accepted(io::UniqueFd client, const boost::asio::ip::tcp::endpoint& peer, bool expects_proxy_header,
                   routing::ListenScope scope) override;
  void on_accept_paused() override;

 private:
  class LogFlush : public io::EventLoop::Timer {
   public:
    explicit LogFlush(Worker& worker) : worker_(worker) {}
    void on_timer() override { worker_.flush_log(); }

   private:
    Worker& worker_;
  };

  void flush_log();

  std::size_t index_;
  SharedState shared_;
  io::PipePool pipes_;
  metrics::WorkerMetrics metrics_;
  std::vector<std::uint8_t> scratch_;
  io::EventLoop loop_;
  boost::intrusive::list<Connection, boost::intrusive::base_hook<ConnectionHook>,
                         boost::intrusive::constant_time_size<false>>
      connections_;
  std::string log_buffer_;
  log::AccessLogSampler access_log_sampler_{shared_.settings.access_log_sample};
  LogFlush log_flush_{*this};
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::thread thread_;
};

}  // namespace snigate::proxy
