#include "proxy/worker.h"

#include <boost/asio/post.hpp>

#include "log/log.h"
#include "proxy/connection.h"
#include "proxy/listener.h"

namespace snigate::proxy {
namespace {

constexpr std::size_t kLogFlushBytes = 64 * 1024;
constexpr auto kLogFlushInterval = std::chrono::milliseconds(250);

}  // namespace

Worker::Worker(std::size_t index, const ProxySettings& settings, const control::RouteStore& routes,
               ConnectionLimit& limit, const std::vector<boost::asio::ip::tcp::endpoint>& listen)
    : index_(index),
      settings_(settings),
      routes_(routes),
      limit_(limit),
      pipes_(settings.idle_pipes_per_worker),
      io_(1),
      log_flush_timer_(io_) {
  for (const auto& endpoint : listen) listeners_.push_back(std::make_unique<Listener>(*this, endpoint));
}

Worker::~Worker() { stop_and_join(); }

void Worker::start() {
  for (auto& listener : listeners_) listener->start();
  thread_ = std::thread([this] {
    io_.run();
    flush_log();
  });
}

void Worker::stop_accepting() {
  boost::asio::post(io_, [this] {
    for (auto& listener : listeners_) listener->close();
  });
}

void Worker::close_connections(metrics::Outcome outcome) {
  boost::asio::post(io_, [this, outcome] {
    // Closing may release the last reference to a connection, which unlinks it: collect first.
    std::vector<std::shared_ptr<Connection>> open;
    for (auto& connection : connections_) open.push_back(connection.shared_from_this());
    for (auto& connection : open) connection->close(outcome);
  });
}

void Worker::stop_and_join() {
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

void Worker::adopt(std::shared_ptr<Connection> connection) {
  connections_.push_back(*connection);
  connection->start();
}

void Worker::log_line(std::string line) {
  bool was_empty = log_buffer_.empty();
  log_buffer_ += line;
  if (log_buffer_.size() >= kLogFlushBytes) {
    flush_log();
  } else if (was_empty) {
    log_flush_timer_.expires_after(kLogFlushInterval);
    log_flush_timer_.async_wait([this](const boost::system::error_code& error) {
      if (!error) flush_log();
    });
  }
}

void Worker::flush_log() {
  if (log_buffer_.empty()) return;
  log::write_lines(log_buffer_);
  log_buffer_.clear();
}

}  // namespace snigate::proxy
