#include "proxy/connection.h"

#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <nlohmann/json.hpp>

#include "io/endpoint_text.h"
#include "log/log.h"
#include "routing/proxy_protocol_header.h"

namespace snigate::proxy {
namespace {

using boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kInitialHelloBuffer = 4096;
// After a fatal alert, how long to keep reading (and discarding) so that the close is a FIN the
// client reads the alert before, not a reset that destroys it.
constexpr auto kLingerTime = std::chrono::seconds(1);

}  // namespace

Connection::Connection(Worker& worker, tcp::socket client, const tcp::endpoint& peer, ConnectionLimit::Slot slot)
    : worker_(worker),
      slot_(std::move(slot)),
      client_(std::move(client)),
      upstream_(worker.io()),
      timer_(worker.io()),
      client_endpoint_(peer),
      parser_(worker.settings().max_client_hello_bytes) {
  ++worker_.metrics().active;
}

Connection::~Connection() { --worker_.metrics().active; }

void Connection::start() {
  started_ = Clock::now();
  arm_timer(worker_.settings().client_hello_timeout);
  boost::system::error_code error;
  client_.native_non_blocking(true, error);
  if (error) {
    finish(metrics::Outcome::client_closed, error.message());
    return;
  }
  read_client_hello();
}

void Connection::close(metrics::Outcome outcome) { finish(outcome, "closed by the dataplane"); }

// The sockets are non-blocking and Asio serves only as the reactor (async_wait): reading, connecting
// and writing are done here with one syscall each, without Asio's extra poll per operation.
void Connection::read_client_hello() {
  while (true) {
    if (received_size_ == received_.size()) {
      std::size_t limit = parser_.max_input_bytes();
      if (received_.size() >= limit) {
        ++worker_.metrics().hello_errors[metrics::hello_error_index(tls::HelloError::too_large)];
        refuse(tls::AlertDescription::decode_error, metrics::Outcome::client_hello_error, "ClientHello too large");
        return;
      }
      received_.resize(std::min(limit, std::max(kInitialHelloBuffer, received_.size() * 2)));
    }
    ssize_t count = ::recv(client_.native_handle(), received_.data() + received_size_,
                           received_.size() - received_size_, 0);
    if (count > 0) {
      received_size_ += static_cast<std::size_t>(count);
      if (!on_client_hello_bytes()) return;
      continue;
    }
    if (count < 0 && errno == EINTR) continue;
    if (count < 0 && errno == EAGAIN) {
      client_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](const boost::system::error_code& error) {
        if (!error && self->phase_ == Phase::client_hello) self->read_client_hello();
      });
      return;
    }
    ++worker_.metrics().hello_errors[metrics::kHelloClientClosedIndex];
    finish(metrics::Outcome::client_closed, count == 0 ? "end of stream" : std::strerror(errno));
    return;
  }
}

bool Connection::on_client_hello_bytes() {
  switch (parser_.parse(std::span(received_.data(), received_size_))) {
    case tls::ClientHelloParser::Status::need_more:
      return true;
    case tls::ClientHelloParser::Status::error: {
      auto reason = parser_.error();
      ++worker_.metrics().hello_errors[metrics::hello_error_index(reason)];
      bool speaks_tls = reason != tls::HelloError::not_tls && reason != tls::HelloError::http_request &&
                        reason != tls::HelloError::sslv2_hello;
      if (speaks_tls) {
        refuse(tls::AlertDescription::decode_error, metrics::Outcome::client_hello_error, parser_.error_detail());
      } else {
        finish(metrics::Outcome::client_hello_error, parser_.error_detail());
      }
      return false;
    }
    case tls::ClientHelloParser::Status::done:
      route();
      return false;
  }
  return false;
}

void Connection::route() {
  table_ = worker_.routes().current();
  const auto& server_name = parser_.hello().server_name;
  target_ = table_ ? table_->lookup(server_name) : nullptr;
  if (!target_) {
    refuse(tls::AlertDescription::unrecognized_name, metrics::Outcome::no_route,
           table_ ? "no route for this name and no default backend" : "no routes applied yet");
    return;
  }
  counters_ = &target_->counters(worker_.index());
  if (target_->backends().empty()) {
    refuse(tls::AlertDescription::internal_error, metrics::Outcome::no_backend, "the route has no backends");
    return;
  }
  first_backend_ = target_->first_backend(worker_.index());
  if (target_->proxy_protocol() != snapshot::ProxyProtocol::none) {
    boost::system::error_code ignored;
    preamble_ = routing::proxy_protocol_header(target_->proxy_protocol(), client_endpoint_,
                                               client_.local_endpoint(ignored), server_name);
  }
  connect();
}

void Connection::connect() {
  phase_ = Phase::connecting;
  const auto& backends = target_->backends();
  backend_ = backends[(first_backend_ + attempts_) % backends.size()];
  boost::system::error_code error;
  upstream_.close(error);
  upstream_.open(backend_->protocol(), error);
  if (!error) upstream_.native_non_blocking(true, error);
  if (error) {
    connect_failed(error.message());
    return;
  }
  int fd = upstream_.native_handle();
  int enable = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &enable, sizeof enable);
  // The hello is replayed as soon as the connect completes, so the handshake's last ACK can ride
  // on it: one packet fewer for the backend's kernel (and ours) to process. The kernel leaves
  // this mode by itself once the handshake is done.
  int no_quick_ack = 0;
  ::setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &no_quick_ack, sizeof no_quick_ack);
  if (::connect(fd, backend_->data(), static_cast<socklen_t>(backend_->size())) == 0) {
    replay();
    return;
  }
  if (errno != EINPROGRESS) {
    connect_failed(std::strerror(errno));
    return;
  }
  arm_timer(worker_.settings().connect_timeout);
  // No SO_ERROR check: the replay's sendmsg reports a failed connect itself (write_replay).
  upstream_.async_wait(tcp::socket::wait_write,
                       [self = shared_from_this(), attempt = attempts_](const boost::system::error_code& error) {
                         if (error || self->phase_ != Phase::connecting || attempt != self->attempts_) return;
                         self->replay();
                       });
}

void Connection::connect_failed(const std::string& reason) {
  // Nothing has reached this backend, so trying the next one is safe.
  ++counters_->connect_failures;
  log::write(log::Level::debug, "backend connect failed", {{"backend", io::endpoint_text(*backend_)}, {"error", reason}});
  boost::system::error_code ignored;
  upstream_.close(ignored);
  auto backends = target_->backends().size();
  if (++attempts_ < backends) {
    connect();
  } else {
    refuse(tls::AlertDescription::internal_error, metrics::Outcome::connect_failed,
           "all " + std::to_string(backends) + " backends failed, last: " + io::endpoint_text(*backend_) + ": " + reason);
  }
}

void Connection::replay() {
  phase_ = Phase::replaying;
  last_activity_ = Clock::now();
  arm_timer(worker_.settings().idle_timeout);
  write_replay();
}

void Connection::write_replay() {
  while (replayed_ < preamble_.size() + received_size_) {
    iovec parts[2];
    int count = 0;
    if (replayed_ < preamble_.size()) {
      parts[count++] = {preamble_.data() + replayed_, preamble_.size() - replayed_};
    }
    std::size_t hello_offset = replayed_ > preamble_.size() ? replayed_ - preamble_.size() : 0;
    parts[count++] = {received_.data() + hello_offset, received_size_ - hello_offset};
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = static_cast<std::size_t>(count);
    ssize_t sent = ::sendmsg(upstream_.native_handle(), &message, MSG_NOSIGNAL);
    if (sent > 0) {
      replayed_ += static_cast<std::size_t>(sent);
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && errno == EAGAIN) {
      upstream_.async_wait(tcp::socket::wait_write, [self = shared_from_this()](const boost::system::error_code& error) {
        if (!error && self->phase_ == Phase::replaying) self->write_replay();
      });
      return;
    }
    if (replayed_ == 0) {
      // The first send is where a failed connect surfaces (refused, unreachable, reset during the
      // handshake); nothing has reached the backend, so the next one may be tried.
      connect_failed(std::strerror(errno));
      return;
    }
    finish(metrics::Outcome::reset, std::string("replaying the ClientHello: ") + std::strerror(errno));
    return;
  }
  start_splicing();
}

void Connection::start_splicing() {
  phase_ = Phase::splicing;
  bytes_from_client_ = received_size_;
  counters_->bytes_from_client += received_size_;
  std::vector<std::uint8_t>().swap(received_);
  std::string().swap(preamble_);
  to_upstream_ = std::make_unique<SplicePump>(worker_.pipes(), client_.native_handle(), upstream_.native_handle());
  to_client_ = std::make_unique<SplicePump>(worker_.pipes(), upstream_.native_handle(), client_.native_handle());
  // Usually neither side has anything to say yet (the client waits for the ServerHello, the backend
  // has just got the ClientHello): wait instead of trying a splice that would say EAGAIN.
  wait_then_pump(*to_upstream_, client_, upstream_, tcp::socket::wait_read);
  wait_then_pump(*to_client_, upstream_, client_, tcp::socket::wait_read);
}

void Connection::wait_then_pump(SplicePump& pump, tcp::socket& from, tcp::socket& to, tcp::socket::wait_type wait) {
  // Asio re-arms the descriptor (EPOLL_CTL_MOD) for every wait, so readiness that arrived before
  // the wait was queued is reported too, even with edge-triggered epoll.
  (wait == tcp::socket::wait_read ? from : to)
      .async_wait(wait, [self = shared_from_this(), &pump, &from, &to](const boost::system::error_code& error) {
        if (!error && self->phase_ == Phase::splicing) self->pump(pump, from, to);
      });
}

void Connection::pump(SplicePump& pump, tcp::socket& from, tcp::socket& to) {
  bool upstream_bound = &pump == to_upstream_.get();
  std::uint64_t& total = upstream_bound ? bytes_from_client_ : bytes_to_client_;
  std::uint64_t before = total;
  auto status = pump.transfer(total);
  if (total != before) {
    last_activity_ = Clock::now();
    (upstream_bound ? counters_->bytes_from_client : counters_->bytes_to_client) += total - before;
  }
  switch (status) {
    case SplicePump::Status::want_read:
      wait_then_pump(pump, from, to, tcp::socket::wait_read);
      return;
    case SplicePump::Status::want_write:
      wait_then_pump(pump, from, to, tcp::socket::wait_write);
      return;
    case SplicePump::Status::yielded:
      boost::asio::post(worker_.io(), [self = shared_from_this(), &pump, &from, &to] {
        if (self->phase_ == Phase::splicing) self->pump(pump, from, to);
      });
      return;
    case SplicePump::Status::finished:
      if (to_upstream_->finished() && to_client_->finished()) {
        finish(metrics::Outcome::ok);
      } else {
        // Half-close: pass the end of stream on and keep the other direction flowing.
        boost::system::error_code ignored;
        to.shutdown(tcp::socket::shutdown_send, ignored);
      }
      return;
    case SplicePump::Status::failed:
      finish(metrics::Outcome::reset, std::strerror(pump.error()));
      return;
  }
}

void Connection::arm_timer(Clock::duration after) {
  timer_.expires_after(after);
  timer_.async_wait([self = shared_from_this(), epoch = ++timer_epoch_](const boost::system::error_code& error) {
    if (!error && epoch == self->timer_epoch_) self->on_timer();
  });
}

void Connection::on_timer() {
  switch (phase_) {
    case Phase::client_hello:
      ++worker_.metrics().hello_errors[metrics::kHelloTimeoutIndex];
      finish(metrics::Outcome::client_hello_timeout);
      return;
    case Phase::connecting:
      connect_failed("connect timed out");
      return;
    case Phase::replaying:
    case Phase::splicing: {
      auto idle_for = Clock::now() - last_activity_;
      auto limit = worker_.settings().idle_timeout;
      if (idle_for >= limit) {
        finish(metrics::Outcome::idle_timeout);
      } else {
        arm_timer(limit - idle_for);
      }
      return;
    }
    case Phase::closing:
      finish(closing_outcome_, closing_detail_);
      return;
    case Phase::done:
      return;
  }
}

void Connection::refuse(tls::AlertDescription alert, metrics::Outcome outcome, std::string detail) {
  phase_ = Phase::closing;
  closing_outcome_ = outcome;
  closing_detail_ = std::move(detail);
  arm_timer(kLingerTime);
  alert_ = tls::fatal_alert(alert, parser_.hello().record_version);
  boost::asio::async_write(client_, boost::asio::buffer(alert_),
                           [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
                             if (self->phase_ != Phase::closing) return;
                             if (error) {
                               self->finish(self->closing_outcome_, self->closing_detail_);
                               return;
                             }
                             boost::system::error_code ignored;
                             self->client_.shutdown(tcp::socket::shutdown_send, ignored);
                             self->linger_until_closed();
                           });
}

void Connection::linger_until_closed() {
  if (received_.empty()) received_.resize(kInitialHelloBuffer);
  client_.async_read_some(boost::asio::buffer(received_),
                          [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
                            if (self->phase_ != Phase::closing) return;
                            if (error) {
                              self->finish(self->closing_outcome_, self->closing_detail_);
                            } else {
                              self->linger_until_closed();
                            }
                          });
}

void Connection::finish(metrics::Outcome outcome, std::string detail) {
  if (phase_ == Phase::done) return;
  phase_ = Phase::done;
  boost::system::error_code ignored;
  client_.close(ignored);
  upstream_.close(ignored);
  timer_.cancel();
  auto& counters = counters_ ? *counters_ : worker_.metrics().unrouted;
  ++counters.connections[static_cast<std::size_t>(outcome)];
  if (log::enabled(log::Level::info)) log(outcome, detail);
}

void Connection::log(metrics::Outcome outcome, const std::string& detail) {
  const auto& hello = parser_.hello();
  nlohmann::json line = {
      {"time", log::format_time(std::chrono::system_clock::now())},
      {"level", "info"},
      {"msg", "connection"},
      {"client", io::endpoint_text(client_endpoint_)},
      {"sni", hello.server_name},
      {"alpn", hello.alpn},
      {"route", target_ ? target_->name() : std::string(metrics::kUnroutedLabel)},
      {"backend", nullptr},
      {"bytes_from_client", bytes_from_client_},
      {"bytes_to_client", bytes_to_client_},
      {"duration_ms", std::chrono::duration<double, std::milli>(Clock::now() - started_).count()},
      {"outcome", metrics::to_string(outcome)},
  };
  if (backend_) line["backend"] = io::endpoint_text(*backend_);
  if (!detail.empty()) line["detail"] = detail;
  worker_.log_line(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace snigate::proxy
