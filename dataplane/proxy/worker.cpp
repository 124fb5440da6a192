#include "proxy/worker.h"

#include "log/log.h"
#include "proxy/connection.h"
#include "tls/client_hello_parser.h"

namespace snigate::proxy {
namespace {

constexpr std::size_t kLogFlushBytes = 64 * 1024;
constexpr auto kLogFlushInterval = std::chrono::milliseconds(250);

bool host_lacks(const boost::system::system_error& error) {
  return error.code() == boost::system::errc::address_family_not_supported ||
         error.code() == boost::system::errc::address_not_available;
}

}  // namespace

Worker::Worker(std::size_t index, SharedState shared, const std::vector<boost::asio::ip::tcp::endpoint>& listen,
               const std::vector<boost::asio::ip::tcp::endpoint>& optional_listen,
               const std::vector<boost::asio::ip::tcp::endpoint>& proxy_protocol_listen,
               const std::vector<boost::asio::ip::tcp::endpoint>& scoped_listen)
    : index_(index),
      shared_(shared),
      pipes_(shared.settings.idle_pipes_per_worker),
      // One read takes whatever a client may send before its hello must be complete.
      scratch_(tls::ClientHelloParser(shared.settings.max_client_hello_bytes).max_input_bytes()) {
  ListenerSocketOptions options;
  options.defer_accept = std::chrono::ceil<std::chrono::seconds>(shared.settings.client_hello_timeout);
  for (const auto& endpoint : listen) listeners_.push_back(std::make_unique<Listener>(loop_, *this, endpoint, options));
  ListenerSocketOptions behind_balancer = options;
  behind_balancer.expects_proxy_header = true;
  for (const auto& endpoint : proxy_protocol_listen) {
    listeners_.push_back(std::make_unique<Listener>(loop_, *this, endpoint, behind_balancer));
  }
  for (const auto& endpoint : scoped_listen) {
    ListenerSocketOptions scoped = options;
    scoped.scope = endpoint.port();
    listeners_.push_back(std::make_unique<Listener>(loop_, *this, endpoint, scoped));
  }
  for (const auto& endpoint : optional_listen) {
    try {
      listeners_.push_back(std::make_unique<Listener>(loop_, *this, endpoint, options));
    } catch (const boost::system::system_error& error) {
      if (!host_lacks(error)) throw;
      if (index_ == 0) {
        log::write(log::Level::warn, "not listening on an address this host lacks",
                   {{"address", endpoint.address().to_string()}, {"error", error.what()}});
      }
    }
  }
}

Worker::~Worker() {
  stop_and_join();
  while (!connections_.empty()) {
    auto& connection = connections_.front();
    connections_.pop_front();
    delete &connection;
  }
}

void Worker::start() {
  for (auto& listener : listeners_) listener->start();
  thread_ = std::thread([this] {
    loop_.run();
    flush_log();
  });
}

void Worker::stop_accepting(std::function<void()> closed) {
  loop_.post([this, closed = std::move(closed)] {
    for (auto& listener : listeners_) listener->close();
    closed();
  });
}

void Worker::close_connections(metrics::Outcome outcome) {
  loop_.post([this, outcome] {
    // Closing unlinks a connection from the list: collect first.
    std::vector<Connection*> open;
    for (auto& connection : connections_) open.push_back(&connection);
    for (auto* connection : open) connection->close(outcome);
  });
}

void Worker::stop_and_join() {
  if (!thread_.joinable()) return;
  loop_.stop();
  thread_.join();
}

std::size_t Worker::connections() const { return static_cast<std::size_t>(std::distance(connections_.begin(), connections_.end())); }

void Worker::on_accepted(io::UniqueFd client, const boost::asio::ip::tcp::endpoint& peer, bool expects_proxy_header,
                         routing::ListenScope scope) {
  ++metrics_.accepted;
  auto slot = limit().try_acquire();
  if (!slot) {
    ++metrics_.rejected_over_capacity;
    return;  // closed as it goes out of scope
  }
  auto* connection = new Connection(*this, std::move(client), peer, std::move(*slot), expects_proxy_header, scope);
  connections_.push_back(*connection);
  connection->start();
}

void Worker::on_accept_paused() {
  ++metrics_.accept_pauses;
  log::write(log::Level::warn, "accept paused: out of file descriptors or memory", {{"worker", index_}});
}

void Worker::log_line(std::string line) {
  bool was_empty = log_buffer_.empty();
  log_buffer_ += line;
  if (log_buffer_.size() >= kLogFlushBytes) {
    flush_log();
  } else if (was_empty) {
    loop_.arm(log_flush_, loop_.now() + kLogFlushInterval);
  }
}

void Worker::flush_log() {
  loop_.disarm(log_flush_);
  if (log_buffer_.empty()) return;
  log::write_lines(log_buffer_);
  log_buffer_.clear();
}

}  // namespace snigate::proxy
