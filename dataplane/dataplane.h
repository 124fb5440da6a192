// Wires the dataplane together: workers, the route store and its two feeds (routes file and
// control socket), the admin endpoint, and the signal-driven drain.
#pragma once

#include <atomic>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>
#include <vector>

#include "control/admin_server.h"
#include "control/route_store.h"
#include "control/snapshot_applier.h"
#include "control/snapshot_server.h"
#include "options.h"
#include "proxy/connection_limit.h"
#include "proxy/hello_memory_budget.h"
#include "proxy/worker.h"

namespace snigate {

class Dataplane {
 public:
  // Loads the routes file and binds every socket; throws with the reason when one fails.
  explicit Dataplane(Options options);
  ~Dataplane();

  // Serves until SIGTERM/SIGINT and the drain that follows; returns the exit status.
  int run();

 private:
  void reload_routes_file();
  void wait_for_signal();
  // Closes the listeners (once): /readyz fails from then on; live connections go on.
  void stop_accepting(std::string_view why);
  std::string drain_on_request();  // POST /drain
  void begin_drain();  // SIGTERM: stop accepting, then exit once the connections are done
  void poll_drain(std::chrono::steady_clock::time_point deadline);
  void shut_down();
  std::string scrape_metrics();
  std::string routes_document();

  Options options_;
  boost::asio::io_context io_;  // the control thread: signals, admin and control socket
  control::RouteStore routes_;
  control::SnapshotApplier applier_;  // decodes and applies snapshots off the control thread
  proxy::ConnectionLimit limit_;
  proxy::HelloMemoryBudget hello_budget_;
  routing::BackendHealth backend_health_;
  std::vector<std::unique_ptr<proxy::Worker>> workers_;
  std::unique_ptr<control::AdminServer> admin_;
  std::unique_ptr<control::SnapshotServer> snapshot_server_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer drain_timer_;
  bool accepting_ = true;  // false once SIGTERM or POST /drain closed the listeners
  bool stopping_ = false;  // SIGTERM: the process exits once the connections are done
  // Workers whose listeners are not closed yet: until then their queues may still hold clients,
  // so the drain cannot be over even with no connection open.
  std::atomic<std::size_t> workers_accepting_{0};
};

}  // namespace snigate
