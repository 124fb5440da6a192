#include "dataplane.h"

#include <fstream>
#include <set>
#include <sstream>

#include "io/endpoint_text.h"
#include "io/pipe_budget.h"
#include "log/log.h"
#include "metrics/prometheus_text.h"
#include "snapshot/snapshot.h"

namespace snigate {
namespace {

constexpr auto kDrainPollInterval = std::chrono::milliseconds(100);
// After the drain deadline closes what is left, time for the workers to log those connections.
constexpr auto kCloseGrace = std::chrono::milliseconds(200);

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

std::set<routing::ListenScope> scoped_ports(const Options& options) {
  std::set<routing::ListenScope> ports;
  for (const auto& endpoint : options.scoped_listen) ports.insert(endpoint.port());
  return ports;
}

}  // namespace

Dataplane::Dataplane(Options options)
    : options_(std::move(options)),
      routes_(options_.workers, scoped_ports(options_)),
      limit_(options_.max_connections),
      hello_budget_(options_.proxy.client_hello_memory),
      backend_health_(options_.proxy.outlier_detection),
      signals_(io_, SIGTERM, SIGINT, SIGHUP),
      drain_timer_(io_) {
  if (!options_.routes_file.empty()) {
    if (auto refusal = routes_.apply(read_routes_file(options_.routes_file), control::RouteStore::Ordering::any)) {
      throw snapshot::InvalidSnapshot(options_.routes_file + ": snapshot rejected: " + *refusal);
    }
  }
  const auto pipes = io::pipe_budget(options_.workers, io::read_pipe_user_pages_soft());
  // The smaller of what the open-file limit (main.cpp) and the pipe page limit allow.
  options_.proxy.idle_pipes_per_worker = std::min(options_.proxy.idle_pipes_per_worker, pipes.idle_pipes_per_worker);
  if (pipes.soft_limit_pages) {
    log::write(log::Level::info, "pipe pool sized for fs.pipe-user-pages-soft",
               {{"pipe_user_pages_soft", *pipes.soft_limit_pages},
                {"idle_pipes_per_worker", pipes.idle_pipes_per_worker}});
  }
  for (std::size_t i = 0; i < options_.workers; ++i) {
    workers_.push_back(std::make_unique<proxy::Worker>(i, proxy::SharedState{options_.proxy, routes_, limit_, hello_budget_, backend_health_},
                                                       options_.listen, options_.optional_listen,
                                                       options_.proxy_protocol_listen, options_.scoped_listen));
  }
  if (!options_.control_socket.empty()) {
    snapshot_server_ = std::make_unique<control::SnapshotServer>(io_, options_.control_socket,
                                                                 options_.control_socket_mode, routes_, applier_);
  }
  // Last: once the admin port answers, every other socket is listening too.
  admin_ = std::make_unique<control::AdminServer>(
      io_, options_.admin_listen,
      control::AdminServer::Handlers{[this] { return scrape_metrics(); },
                                     [this] { return routes_.stats().ready && accepting_; },
                                     [this] { return routes_document(); }, [this] { return drain_on_request(); },
                                     options_.admin_drain_from});
}

Dataplane::~Dataplane() = default;

int Dataplane::run() {
  for (auto& worker : workers_) worker->start();
  admin_->start();
  if (snapshot_server_) snapshot_server_->start();
  wait_for_signal();
  nlohmann::json listen = nlohmann::json::array();
  for (const auto& listener : workers_.front()->listeners()) listen.push_back(io::endpoint_text(listener->endpoint()));
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
      applier_.post([this] { reload_routes_file(); });
    } else if (!stopping_) {
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

// On the applier's thread: a big file must not stall the control thread either.
void Dataplane::reload_routes_file() {
  if (options_.routes_file.empty()) {
    log::write(log::Level::warn, "SIGHUP ignored: no --routes file");
    return;
  }
  try {
    auto snapshot = read_routes_file(options_.routes_file);
    auto generation = snapshot.generation;
    if (auto refusal = routes_.apply(std::move(snapshot), control::RouteStore::Ordering::any)) {
      // apply() counted it already.
      log::write(log::Level::error, "routes file reload failed; keeping the current routes",
                 {{"reason", options_.routes_file + ": snapshot rejected: " + *refusal}});
      return;
    }
    routes_.release_replaced();
    log::write(log::Level::info, "routes file reloaded", {{"file", options_.routes_file}, {"generation", generation}});
  } catch (const std::exception& error) {
    routes_.count_rejection();
    log::write(log::Level::error, "routes file reload failed; keeping the current routes", {{"reason", error.what()}});
  }
}

void Dataplane::stop_accepting(std::string_view why) {
  if (!accepting_) return;
  accepting_ = false;
  log::write(log::Level::info, "draining", {{"by", why}, {"active_connections", limit_.active()}});
  workers_accepting_ = workers_.size();
  for (auto& worker : workers_) worker->stop_accepting([this] { --workers_accepting_; });
}

// An operator taking this instance out of its load balancer without ending the process: a pod
// that exited would be restarted and accept again. Routes keep following the controller, so the
// connections still open keep being served as they were; SIGTERM ends it as usual.
std::string Dataplane::drain_on_request() {
  if (!accepting_) return "already draining\n";
  stop_accepting("POST /drain");
  return "draining: listeners closed, /readyz fails; open connections go on until they end or SIGTERM\n";
}

void Dataplane::begin_drain() {
  stopping_ = true;
  stop_accepting("signal");
  log::write(log::Level::info, "stopping once connections end",
             {{"active_connections", limit_.active()}, {"drain_timeout_ms", options_.drain_timeout.count()}});
  if (snapshot_server_) snapshot_server_->close();
  poll_drain(std::chrono::steady_clock::now() + options_.drain_timeout);
}

void Dataplane::poll_drain(std::chrono::steady_clock::time_point deadline) {
  if (workers_accepting_ == 0 && limit_.active() == 0) {
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

// GET /routes: the snapshot in force, each route with its connections so far by outcome and its
// bytes; an operator's view of what a name reaches, without the control socket's credentials.
std::string Dataplane::routes_document() {
  const auto table = routes_.current();
  if (!table) return R"({"generation":null,"routes":[]})" "\n";
  std::map<std::string, metrics::RouteTotals, std::less<>> counted;
  table->for_each_target([&counted](const routing::RouteTarget& target) {
    if (target.metrics()->used()) target.metrics()->add_to(counted[target.name()]);
  });
  const auto with_counts = [&counted](nlohmann::json& entry, const std::string& name) {
    nlohmann::json connections = nlohmann::json::object();
    const auto found = counted.find(name);
    if (found != counted.end()) {
      for (std::size_t i = 0; i < metrics::kOutcomeCount; ++i) {
        if (found->second.connections[i] > 0) {
          connections[std::string(metrics::to_string(static_cast<metrics::Outcome>(i)))] = found->second.connections[i];
        }
      }
      entry["open"] = found->second.open;
      entry["bytes_from_client"] = found->second.bytes_from_client;
      entry["bytes_to_client"] = found->second.bytes_to_client;
    }
    entry["connections"] = std::move(connections);
  };
  auto document = nlohmann::json::parse(snapshot::encode(table->snapshot()));
  const auto& routes = table->snapshot().routes;
  for (std::size_t i = 0; i < routes.size(); ++i) with_counts(document["routes"][i], routing::target_name(routes[i]));
  if (document.contains("default_backend")) with_counts(document["default_backend"], "default");
  return document.dump(2) + "\n";
}

// Reads every worker's counters where they are (single-writer atomics): no worker is asked for
// anything, so a busy worker neither delays the scrape nor drops out of its sums.
std::string Dataplane::scrape_metrics() {
  metrics::Totals total;
  for (const auto& worker : workers_) {
    const proxy::Worker& reading = *worker;
    reading.metrics().add_to(total);
    total.pipes_idle += reading.pipes().idle();
    total.pipes_shrunk += reading.pipes().shrunk();
  }
  // Routes are counted under the targets of the table in use: a route that went away is no longer
  // reported (its counters go with its last connection).
  if (const auto table = routes_.current()) {
    table->for_each_target([&total](const routing::RouteTarget& target) {
      if (target.metrics()->used()) target.metrics()->add_to(total.route(target.name()));
    });
  }
  total.log_lines_dropped = log::dropped_lines();
  metrics::ProcessState process{options_.workers, !accepting_};
  for (const auto& sample : backend_health_.samples(std::chrono::steady_clock::now())) {
    process.outliers.push_back({io::endpoint_text(sample.backend), sample.ejected, sample.consecutive_failures});
  }
  process.ejections = backend_health_.ejections_total();
  return metrics::render_prometheus(total, routes_.stats(), process);
}

}  // namespace snigate
