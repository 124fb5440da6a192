#include "dataplane.h"

#include <fstream>
#include <sstream>

#include "io/endpoint_text.h"
#include "log/log.h"
#include "metrics/prometheus_text.h"
#include "snapshot/snapshot.h"

namespace snigate {
namespace {

constexpr auto kDrainPollInterval = std::chrono::milliseconds(100);
// After the drain deadline closes what is left, time for the workers to log those connections.
constexpr auto kCloseGrace = std::chrono::milliseconds(200);
constexpr auto kScrapeTimeout = std::chrono::seconds(1);

snapshot::Snapshot read_routes_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read routes file " + path);
  std::stringstream text;
  text << file.rdbuf();
  try {
    return snapshot::decode(text.str());
  } catch (const snapshot::InvalidSnapshot& invalid) {
    throw snapshot::InvalidSnapshot(path + ": snapshot rejected: " + invalid.what());
  }
}

}  // namespace

Dataplane::Dataplane(Options options)
    : options_(std::move(options)),
      routes_(options_.workers),
      limit_(options_.max_connections),
      signals_(io_, SIGTERM, SIGINT, SIGHUP),
      drain_timer_(io_) {
  if (!options_.routes_file.empty()) {
    routes_.apply(read_routes_file(options_.routes_file), control::RouteStore::Ordering::any);
  }
  for (std::size_t i = 0; i < options_.workers; ++i) {
    workers_.push_back(std::make_unique<proxy::Worker>(i, options_.proxy, routes_, limit_, options_.listen));
  }
  if (!options_.control_socket.empty()) {
    snapshot_server_ = std::make_unique<control::SnapshotServer>(io_, options_.control_socket,
                                                                 options_.control_socket_mode, routes_);
  }
  // Last: once the admin port answers, every other socket is listening too.
  admin_ = std::make_unique<control::AdminServer>(
      io_, options_.admin_listen,
      control::AdminServer::Handlers{[this] { return scrape_metrics(); },
                                     [this] { return routes_.stats().ready && !draining_; }});
}

Dataplane::~Dataplane() = default;

int Dataplane::run() {
  for (auto& worker : workers_) worker->start();
  admin_->start();
  if (snapshot_server_) snapshot_server_->start();
  wait_for_signal();
  nlohmann::json listen = nlohmann::json::array();
  for (const auto& endpoint : options_.listen) {
    listen.push_back(io::endpoint_text(endpoint));
  }
  log::write(log::Level::info, "dataplane started",
             {{"listen", listen},
              {"workers", options_.workers},
              {"max_connections", options_.max_connections},
              {"generation", routes_.stats().generation}});
  io_.run();
  for (auto& worker : workers_) worker->stop_and_join();
  log::write(log::Level::info, "dataplane stopped");
  return 0;
}

void Dataplane::wait_for_signal() {
  signals_.async_wait([this](const boost::system::error_code& error, int signal) {
    if (error) return;
    if (signal == SIGHUP) {
      reload_routes_file();
    } else if (!draining_) {
      begin_drain();
    } else {
      log::write(log::Level::warn, "second stop signal: closing open connections now");
      drain_timer_.cancel();
      poll_drain(std::chrono::steady_clock::now());
      return;
    }
    wait_for_signal();
  });
}

void Dataplane::reload_routes_file() {
  if (options_.routes_file.empty()) {
    log::write(log::Level::warn, "SIGHUP ignored: no --routes file");
    return;
  }
  try {
    auto snapshot = read_routes_file(options_.routes_file);
    auto generation = snapshot.generation;
    routes_.apply(std::move(snapshot), control::RouteStore::Ordering::any);
    routes_.release_replaced();
    log::write(log::Level::info, "routes file reloaded", {{"file", options_.routes_file}, {"generation", generation}});
  } catch (const std::exception& error) {
    routes_.count_rejection();
    log::write(log::Level::error, "routes file reload failed; keeping the current routes", {{"reason", error.what()}});
  }
}

void Dataplane::begin_drain() {
  draining_ = true;
  log::write(log::Level::info, "draining",
             {{"active_connections", limit_.active()},
              {"drain_timeout_ms", options_.drain_timeout.count()}});
  for (auto& worker : workers_) worker->stop_accepting();
  if (snapshot_server_) snapshot_server_->close();
  poll_drain(std::chrono::steady_clock::now() + options_.drain_timeout);
}

void Dataplane::poll_drain(std::chrono::steady_clock::time_point deadline) {
  if (limit_.active() == 0) {
    shut_down();
    return;
  }
  if (std::chrono::steady_clock::now() >= deadline) {
    log::write(log::Level::warn, "drain timeout: closing open connections", {{"active_connections", limit_.active()}});
    for (auto& worker : workers_) worker->close_connections(metrics::Outcome::drain_timeout);
    drain_timer_.expires_after(kCloseGrace);
    drain_timer_.async_wait([this](const boost::system::error_code&) { shut_down(); });
    return;
  }
  drain_timer_.expires_after(kDrainPollInterval);
  drain_timer_.async_wait([this, deadline](const boost::system::error_code& error) {
    if (!error) poll_drain(deadline);
  });
}

void Dataplane::shut_down() {
  signals_.cancel();
  admin_->close();
  io_.stop();
}

std::string Dataplane::scrape_metrics() {
  std::vector<std::future<metrics::WorkerMetrics>> pending;
  for (auto& worker : workers_) pending.push_back(worker->collect_metrics());
  metrics::WorkerMetrics total;
  metrics::ProcessState process{options_.workers, 0, draining_};
  auto deadline = std::chrono::steady_clock::now() + kScrapeTimeout;
  for (auto& future : pending) {
    if (future.wait_until(deadline) != std::future_status::ready) continue;
    total += future.get();
    ++process.workers_reporting;
  }
  return metrics::render_prometheus(total, routes_.stats(), process);
}

}  // namespace snigate
